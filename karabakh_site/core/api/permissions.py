"""Who may write through the API: model permissions, and the editors' rule for public items.
The helpers it uses, shared with the admin and the pages, are in core.permissions."""

from rest_framework import exceptions, permissions

from karabakh_site.core.models import Publishable
from karabakh_site.core.permissions import (
    PUBLIC_STATUSES,
    may_change_shared_record,
    may_delete,
    may_publish,
)
from karabakh_site.core.record import ever_public


class ArchiveModelPermissions(permissions.DjangoModelPermissions):
    """Anyone may read (what they read is narrowed by each view's queryset); writing needs the
    user's add/change/delete model permission. Once an item is public (published or withdrawn), or a
    source or place shows on published pages, only users who may publish change it, as in the
    admin."""

    authenticated_users_only = False
    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            # Let the view answer 405 (with Allow) rather than 401/403 for a method it lacks.
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        # Contributors delete their own drafts without the model's delete permission: decided per
        # item (core.permissions.may_delete), after the item's other rules below.
        publishable = model is not None and issubclass(model, Publishable)
        if request.method == "DELETE" and publishable and may_delete(request.user, model):
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not isinstance(obj, Publishable):
            # Sources and places: the admin's rule, so a contributor cannot change published pages
            # by editing what they cite or name.
            if not may_change_shared_record(request.user, obj):
                raise exceptions.PermissionDenied(
                    f"This {obj._meta.verbose_name} shows on published pages; only an editor who "
                    "may publish can change or delete it."
                )
            return True
        if obj.status in PUBLIC_STATUSES and not may_publish(request.user, type(obj)):
            raise exceptions.PermissionDenied(
                "This item is public; only an editor who may publish can change or delete it."
            )
        # A public item's refusal (409, withdraw instead) is the view's; here, whose draft it is.
        if (
            request.method == "DELETE"
            and not may_delete(request.user, type(obj), obj)
            and not ever_public(obj)
        ):
            raise exceptions.PermissionDenied(
                "Contributors may delete only their own drafts; an editor deletes others."
            )
        return True
