"""The API's pagination: page and page_size, with count/next/previous."""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class ArchivePagination(PageNumberPagination):
    """page and page_size, checked strictly: a bad value is a 400, not a silent default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}, not {raw!r}."]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (not raw.isdigit() or int(raw) < 1):
            raise exceptions.ValidationError(
                {"page": [f"Give a page number of 1 or more, not {raw!r}."]}
            )
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = int(raw) if raw is not None else 1
        if number > paginator.num_pages:
            raise exceptions.NotFound(
                f"Page {number} does not exist; there "
                + (
                    "is 1 page."
                    if paginator.num_pages == 1
                    else f"are {paginator.num_pages} pages."
                )
            )
        self.page = paginator.page(number)
        self.request = request
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
