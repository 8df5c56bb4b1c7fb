"""History with field-by-field diffs and restore as a new version, and conflict-safe editing: the
base of every admin of a tracked record (sources and content items)."""

import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from karabakh_site.markdown import renumber_markers

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
        # ASCII digits only, of a size a history id can have: "²" is isdigit() but not int().
        if self.instance.pk is None or not re.fullmatch(r"[0-9]{1,18}", token):
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
            "editors": sorted(
                {str(r.history_user or gettext("someone unrecorded")) for r in newer}
            ),
            "at": by_id[current].history_date,
        }
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(current)
        taken = set()
        if int(token) in by_id:
            taken = self.take_their_text(data, cleaned, by_id[int(token)], by_id[current])
        if int(token) in by_id and history.has_citations(model):
            # The citation formset, built next, merges the other person's citation edits into
            # this editor's rows (merge_citation_rows); the markers of this editor's text move
            # to the numbers their citations have now.
            base = self.instance.editorial_base = by_id[int(token)]
            numbers = history.marker_moves(base, by_id[current])
            for name in self.instance.markdown_fields:
                key = self.add_prefix(name)
                # Text just taken from the other version already has the new numbers.
                if key in data and numbers and name not in taken:
                    data[key] = renumber_markers(data[key], numbers)
        self.data = data
        raise ValidationError(
            gettext(
                "Not saved: %(who)s saved this %(what)s after you opened it (%(when)s). What they "
                "changed is shown below. What you had not touched now holds their version; your "
                "own edits are still in the form. Check them, then save again to keep both."
            ),
            code="stale",
            params={
                "who": ", ".join(self.conflict["editors"]),
                "what": self.instance._meta.verbose_name,
                "when": f"{timezone.localtime(self.conflict['at']):%d %b %Y %H:%M:%S}",
            },
        )

    def take_their_text(self, data, cleaned, base, current) -> set[str]:
        """Text this editor left as it was in ``base`` (the version they opened) takes what the
        other person saved (``current``), so saving again keeps both people's edits. Text both
        changed keeps this editor's; the panel shows the other version. Returns the names of the
        fields taken."""
        taken = set()
        for model_field in history.diffable_fields(type(self.instance)):
            name = model_field.name
            if (
                name not in self.fields
                or model_field.choices
                or not isinstance(model_field, models.CharField | models.TextField)
            ):
                continue
            theirs, started = getattr(current, name), getattr(base, name)
            if theirs != started and cleaned.get(name) == started:
                data[self.add_prefix(name)] = theirs
                taken.add(name)
        return taken

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


def _row(data, prefix, index) -> dict[str, str]:
    names = ("id", "source", "locator", "quote", "position", "DELETE")
    return {name: data.get(f"{prefix}-{index}-{name}", "") for name in names}


def merge_citation_rows(formset, base) -> None:
    """After a refused stale save, rebuild the submitted citation rows on the citations the
    item has now, so saving again keeps what the other person did: a citation this editor left
    as it was in ``base`` (the version they started from) takes its current source, locator,
    quote and place; one this editor changed keeps their values (both changes are shown); rows
    for citations removed since go; citations added since and this editor's new rows stay."""
    prefix, data = formset.prefix, formset.data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        return  # a tampered management form: the formset reports it
    started = {
        row.id: (number, row) for number, row in enumerate(history.version_citations(base), 1)
    }
    submitted = [_row(data, prefix, index) for index in range(total)]
    by_id = {row["id"]: row for row in submitted if row["id"]}
    rows = []
    for number, citation in enumerate(formset.get_queryset(), start=1):
        mine = by_id.get(str(citation.pk))
        theirs = {
            "id": str(citation.pk),
            "source": str(citation.source_id),
            "locator": citation.locator,
            "quote": citation.quote,
            "position": str(number),
            "DELETE": "",
        }
        if mine is None or citation.pk not in started:
            rows.append(theirs)
            continue
        was_number, was = started[citation.pk]
        edited = (mine["source"], mine["locator"], mine["quote"]) != (
            str(was.source_id), was.locator, was.quote,
        ) or mine["DELETE"]  # fmt: skip
        row = (
            {**theirs, **{k: mine[k] for k in ("source", "locator", "quote", "DELETE")}}
            if edited
            else theirs
        )
        if mine["position"] not in ("", str(was_number)):
            row["position"] = mine["position"]
        rows.append(row)
    rows += [row for row in submitted if not row["id"] and row["source"]]
    for index in range(max(total, len(rows))):
        for name in ("id", "source", "locator", "quote", "position", "DELETE", formset.fk.name):
            data.pop(f"{prefix}-{index}-{name}", None)
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value:
                data[f"{prefix}-{index}-{name}"] = value
        if row["id"]:
            data[f"{prefix}-{index}-{formset.fk.name}"] = str(formset.instance.pk)
    initial = sum(1 for row in rows if row["id"])
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    formset.data = data


class EditorialAdmin(SimpleHistoryAdmin):
    """History with field-by-field diffs and restore as a new version, plus conflict-safe editing.

    simple-history's own "revert" form is read-only here: restore goes through restore_version(),
    which restores citations too and obeys the source rule.
    """

    change_form_template = "admin/editorial/change_form.html"
    # Each row of the history says what changed, which costs a diff (a few queries) per row.
    history_list_per_page = 25
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

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # "What changed" of each version, from the diff the compare page shows: citations,
        # topics and related items too, not only the fields simple-history compares.
        records = list(historical_records)  # newest first
        for index, record in enumerate(records):
            # The next row of the page is the version before; only the last row looks it up.
            previous = records[index + 1] if index + 1 < len(records) else record.prev_record
            record.editorial_changes = (
                history.change_summary(previous, record) if previous is not None else []
            )

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
            "title": gettext("Compare versions: %(item)s") % {"item": obj},
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
        """GET: what a restore of the version would change, and a button to do it; POST: the
        restore, as a new version."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self._history_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        record = get_object_or_404(obj.history.all(), history_id=version_id)
        history_url = reverse("admin:" + url_name(self.opts, "history"), args=[object_id])
        if request.method == "GET":
            latest = obj.history.order_by("-history_date", "-history_id").first()
            changes = history.restore_changes(latest, record)
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Restore a version: %(item)s") % {"item": obj},
                "opts": self.opts,
                "object": obj,
                "record": record,
                "record_label": history.version_label(record),
                "changes": changes,
            }
            return TemplateResponse(request, "admin/editorial/history_restore.html", context)
        try:
            changed = history.restore_version(obj, record, by=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                gettext("Not restored: %(reason)s") % {"reason": " ".join(error.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(history_url)
        if changed:
            self.message_user(
                request,
                gettext(
                    "Restored the version of %(version)s as a new version; "
                    "the versions before it are kept."
                )
                % {"version": history.version_label(record)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, gettext("That version is what the record says now; nothing changed.")
            )
        return HttpResponseRedirect(history_url)
