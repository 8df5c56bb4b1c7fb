"""The API's ordering filter: ?ordering= from a whitelist, ties broken by id."""

from rest_framework import exceptions
from rest_framework.filters import OrderingFilter


class WhitelistOrderingFilter(OrderingFilter):
    """?ordering=a,-b from the view's ``ordering_fields`` only (an unknown field is a 400), always
    ending with the primary key, so equal values never make pages skip or repeat rows."""

    def get_valid_names(self, view) -> list[str]:
        return list(getattr(view, "ordering_fields", ()))

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None or raw.strip() == "":
            ordering = list(self.get_default_ordering(view) or ())
        else:
            valid = self.get_valid_names(view)
            ordering = [term.strip() for term in raw.split(",")]
            unknown = [term for term in ordering if term.removeprefix("-") not in valid]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            f"Unknown ordering {', '.join(repr(t) for t in unknown)}. "
                            f"Choose from {', '.join(valid)}, each optionally prefixed with -."
                        ]
                    }
                )
        if not any(term.removeprefix("-") in {"id", "pk"} for term in ordering):
            ordering.append("id")
        return ordering

    def get_schema_operation_parameters(self, view):
        names = "|".join(self.get_valid_names(view))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Comma-separated fields to sort by, - for descending: "
                + ", ".join(self.get_valid_names(view))
                + ". Ties are always broken by id.",
                "schema": {"type": "string", "pattern": rf"^-?({names})(,-?({names}))*$"},
            }
        ]
