"""The admin of API tokens (core.tokens): the list shows a key's prefix, never the key; a new
token's key is shown once, on a page of its own; revoking keeps the token on record.

Superusers only: whoever may create tokens may create one for any user, a superuser included."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..tokens import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["prefix", "name", "user__username"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A token belongs to one user for its life; revoke and create another to change that.
        return ["prefix", "user", "created_at", "last_used_at", "revoked_at"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.shown_once_key = obj.set_new_key()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The key lives only in this response: never in a message (stored in a cookie or the
        # session), never in a URL, never cached.
        response = TemplateResponse(
            request,
            "admin/tokens/created.html",
            {**self.admin_site.each_context(request), "token": obj, "key": obj.shown_once_key},
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        # The English says "token(s)" for any number; the plural forms are for other languages.
        revoked = ngettext("%(count)s token(s) revoked.", "%(count)s token(s) revoked.", count)
        self.message_user(request, revoked % {"count": count}, messages.SUCCESS)
