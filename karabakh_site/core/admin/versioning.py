"""History with field-by-field diffs and restore as a new version, and conflict-safe editing: the
base of every admin of a tracked record (sources and content items)."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .. import history
from .helpers import url_name

VERSION_FIELD = "editorial_version"


class VersionedFormMixin(forms.ModelForm):
    """Carries the version the editor started from and refuses the save when someone else has
    saved a newer one since. The refused form keeps everything typed into it; its token moves on
    to the newest version, so saving again, after reading what changed, is a deliberate choice."""

    editorial_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = history.latest_version_id(self.instance) or ""

    def clean(self):
        cleaned = super().clean()
        self.keep_unchanged_values(cleaned)
        token = (cleaned.get(VERSION_FIELD) or "").strip()
        if self.instance.pk is None or not token.isdigit():
            return cleaned
        # The admin saves inside a transaction: locking the row here makes two simultaneous saves
        # take turns, so the second one sees the version the first one wrote (PostgreSQL).
        model = type(self.instance)
        if transaction.get_connection().in_atomic_block:
            rows = model._base_manager.select_for_update().filter(pk=self.instance.pk)
            list(rows.values("pk"))
        current = history.latest_version_id(self.instance)
        if current is None or int(token) == current:
            return cleaned
        versions = self.instance.history.filter(history_id__in=[int(token), current])
        by_id = {record.history_id: record for record in versions}
        newer = self.instance.history.filter(history_id__gt=int(token)).select_related(
            "history_user"
        )
        self.conflict = {
            "changes": history.diff_versions(by_id[int(token)], by_id[current])
            if int(token) in by_id
            else [],
            "editors": sorted({str(r.history_user or "someone unrecorded") for r in newer}),
            "at": by_id[current].history_date,
        }
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(current)
        self.data = data
        raise ValidationError(
            "Not saved: %(who)s saved this %(what)s after you opened it (%(when)s). What they "
            "changed is shown below; your edits are still in the form. Merge them, then save "
            "again to keep your version.",
            code="stale",
            params={
                "who": ", ".join(self.conflict["editors"]),
                "what": self.instance._meta.verbose_name,
                "when": f"{timezone.localtime(self.conflict['at']):%d %b %Y %H:%M:%S}",
            },
        )

    def keep_unchanged_values(self, cleaned):
        """Undo what the browser's round trip alone changed, so a save without edits makes no
        difference in the history: textareas come back with CRLF line endings, and the split
        date/time widget drops the microseconds of a stored time."""
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
            elif isinstance(value, datetime.datetime) and self.instance.pk is not None:
                stored = getattr(self.instance, name, None)
                if isinstance(stored, datetime.datetime) and stored.replace(microsecond=0) == value:
                    cleaned[name] = stored


class EditorialAdmin(SimpleHistoryAdmin):
    """History with field-by-field diffs and restore as a new version, plus conflict-safe editing.

    simple-history's own "revert" form is read-only here: restore goes through restore_version(),
    which restores citations too and obeys the source rule.
    """

    change_form_template = "admin/editorial/change_form.html"
    object_history_template = "admin/editorial/object_history.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if VERSION_FIELD in form.base_fields:
            return form
        return type(form.__name__, (VersionedFormMixin, form), {})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.history_compare_view),
                name=url_name(self.opts, "history_compare"),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.history_restore_view),
                name=url_name(self.opts, "history_restore"),
            ),
            *super().get_urls(),
        ]

    def revert_disabled(self, request, obj=None):
        return True

    def _history_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with ID “{object_id}”.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {
            "compare_url": reverse(
                "admin:" + url_name(self.opts, "history_compare"),
                args=[object_id],
            ),
            "may_restore": obj is not None and self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        # simple-history's URL takes any text as the version id and its lookup fails on one that
        # is not a number; a version id that cannot exist is simply not found.
        if not str(version_id).isdigit():
            raise Http404(f"No version {version_id} of this {self.opts.verbose_name}.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_compare_view(self, request, object_id):
        obj = self._history_object(request, object_id)
        versions = obj.history.order_by("-history_date", "-history_id").select_related(
            "history_user"
        )
        ids = [record.history_id for record in versions]
        if not ids:
            raise Http404("This record has no history.")

        def pick(name, default):
            value = request.GET.get(name, "")
            if not value:
                return default
            if not value.isdigit() or int(value) not in ids:
                raise Http404(f"No version {value} of this {self.opts.verbose_name}.")
            return int(value)

        newer_id = pick("to", ids[0])
        older_id = pick("from", ids[1] if len(ids) > 1 else ids[0])
        by_id = {record.history_id: record for record in versions}
        older, newer = by_id[older_id], by_id[newer_id]
        if (older.history_date, older_id) > (newer.history_date, newer_id):
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {obj}",
            "opts": self.opts,
            "object": obj,
            "older": older,
            "newer": newer,
            "older_label": history.version_label(older),
            "newer_label": history.version_label(newer),
            "changes": history.diff_versions(older, newer),
            "versions": versions,
            "may_restore": self.has_change_permission(request, obj),
        }
        return TemplateResponse(request, "admin/editorial/history_compare.html", context)

    def history_restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._history_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        record = get_object_or_404(obj.history.all(), history_id=version_id)
        history_url = reverse("admin:" + url_name(self.opts, "history"), args=[object_id])
        try:
            changed = history.restore_version(obj, record, by=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                f"Not restored: {' '.join(error.messages)}",
                messages.ERROR,
            )
            return HttpResponseRedirect(history_url)
        if changed:
            self.message_user(
                request,
                f"Restored the version of {history.version_label(record)} as a new version; "
                "the versions before it are kept.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "That version is what the record says now; nothing changed.")
        return HttpResponseRedirect(history_url)
