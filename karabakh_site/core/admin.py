"""Admin for sources and topics, and the base classes every content admin builds on: history with
diffs and restore, conflict-safe editing, the review workflow, import and export."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import history, importexport, services, source_health
from .models import Publishable, Source, Topic
from .permissions import may_change_shared_record
from .services import PUBLIC_STATUSES


def publish_permission(model) -> str:
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def url_name(opts, suffix: str) -> str:
    """The name of one of a model admin's URLs, e.g. articles_article_history_compare."""
    return f"{opts.app_label}_{opts.model_name}_{suffix}"


def can_publish(user, model) -> bool:
    return user.has_perm(publish_permission(model))


def pending_write(item) -> services.ItemWrite:
    """The write of ``item`` that the admin's form (its withdraw time), its citation formset (the
    citations) and save_related() (the save) share. The form and the formsets are built apart and
    hold nothing in common but the item, so the write travels on it, for this request only."""
    write = getattr(item, "_admin_write", None)
    if write is None:
        write = item._admin_write = services.ItemWrite(item)
    return write


class CitationInlineFormSet(BaseInlineFormSet):
    """Checks the item together with the citations submitted in the same form, before anything is
    saved: the source rule, and [^N] markers that point past the last citation. The citations
    checked are the ones the write saves (save_related)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
        ]
        # In the order of the positions typed (ties in the form's order); saved as 1, 2, 3 ...
        kept.sort(key=lambda form: form.cleaned_data.get("position") or 0)
        try:
            pending_write(self.instance).check_citations([form.instance for form in kept])
        except ValidationError as error:
            raise ValidationError(
                [message for messages_ in error.message_dict.values() for message in messages_]
            ) from None


class CitationInline(admin.TabularInline):
    formset = CitationInlineFormSet
    autocomplete_fields = ["source"]
    fields = ["position", "source", "locator", "quote"]
    extra = 1


class PublishedListFilter(admin.SimpleListFilter):
    title = "visible to readers"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("scheduled", "Scheduled"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.filter(
                status=Publishable.Status.PUBLISHED, publish_at__gt=timezone.now()
            )
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.published().values("pk"))
        return queryset


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


class ImportExportMixin:
    """Import (dry-run preview first, then all or nothing) and export for the kinds in
    core.importexport; ``import_kind`` names this admin's kind."""

    import_kind: str = ""
    change_list_template = "admin/editorial/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=url_name(self.opts, "import")),
            path("export/", view(self.export_view), name=url_name(self.opts, "export")),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        context = {
            "may_import": self.has_import_permission(request),
            "export_formats": importexport.FORMATS,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        file_format = request.GET.get("format", "csv")
        if file_format not in importexport.FORMATS:
            return HttpResponse(
                f"Unknown format {file_format!r}; use csv or json.",
                status=400,
                content_type="text/plain",
            )
        text = importexport.export_text(self.import_kind, file_format)
        content_type = "text/csv" if file_format == "csv" else "application/json"
        response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
        filename = f"{self.import_kind}-{timezone.localdate():%Y-%m-%d}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "form": form,
            "kind": self.import_kind,
            "columns": importexport.KINDS[self.import_kind].columns,
        }
        if request.method == "POST" and form.is_valid():
            text, file_format = form.cleaned_data["text"], form.cleaned_data["file_format"]
            may_publish = can_publish(request.user, self.model)
            confirm = "_confirm" in request.POST
            report = importexport.import_text(
                self.import_kind,
                text,
                file_format,
                dry_run=not confirm,
                by=request.user,
                may_publish=may_publish,
            )
            context["report"] = report
            if confirm and report.ok:
                self.message_user(
                    request,
                    f"Imported {report.summary()}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:" + url_name(self.opts, "changelist")))
            if report.ok:
                # The preview passed: the same text goes back in a hidden field for confirming.
                context["confirm_form"] = ImportForm(
                    initial={"text": text, "file_format": file_format}, auto_id="confirm_%s"
                )
        return TemplateResponse(request, "admin/editorial/import.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A CSV or JSON file exported from here.")
    file_format = forms.ChoiceField(
        label="format",
        choices=[("", "From the file name")] + [(f, f.upper()) for f in importexport.FORMATS],
        required=False,
    )
    text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        file_format = cleaned.get("file_format") or ""
        if upload is not None:
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError("The file is not UTF-8 text.") from None
            if not file_format:
                file_format = upload.name.rsplit(".", 1)[-1].lower()
        if not cleaned.get("text"):
            raise ValidationError("Choose a file to import.")
        if file_format not in importexport.FORMATS:
            raise ValidationError("Say whether the file is CSV or JSON.")
        cleaned["file_format"] = file_format
        return cleaned


class PublishableAdmin(EditorialAdmin):
    """Status, scheduling, the review workflow and the publish/withdraw actions, with the source
    rule and the contributor/editor split enforced on the server."""

    actions = ["publish_selected", "withdraw_selected"]
    readonly_fields = [
        "schedule_state", "review_comment", "created_at", "created_by", "updated_at", "updated_by",
    ]  # fmt: skip
    list_filter = ["status", PublishedListFilter, "topics"]
    autocomplete_fields = ["topics"]
    list_per_page = 50
    save_on_top = True

    publishing_fieldset = (
        "Publishing",
        {"fields": ["status", "schedule_state", "review_comment", "publish_at", "withdraw_at"]},
    )
    record_fieldset = (
        "Record",
        {
            "classes": ["collapse"],
            "fields": ["created_at", "created_by", "updated_at", "updated_by"],
        },
    )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name=url_name(self.opts, "workflow"),
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="sources", ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    @admin.display(description="live", boolean=True)
    def live(self, obj):
        return obj.is_published

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.publish_at):%d %b %Y %H:%M}"
        if obj.status == Publishable.Status.PUBLISHED and not obj.is_published:
            # Past its withdraw time: down, though nobody pressed "Withdraw".
            return f"Taken down {timezone.localtime(obj.withdraw_at):%d %b %Y %H:%M}"
        return obj.get_status_display()

    @admin.display(description="visible to readers")
    def schedule_state(self, obj):
        if obj is None or obj.pk is None:
            return "No: not saved yet."
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.publish_at):%d %b %Y %H:%M}"
        if obj.is_published:
            if obj.withdraw_at:
                return f"Yes, until {timezone.localtime(obj.withdraw_at):%d %b %Y %H:%M}"
            return "Yes"
        if obj.status == Publishable.Status.PUBLISHED and obj.withdraw_at:
            return f"No: taken down {timezone.localtime(obj.withdraw_at):%d %b %Y %H:%M}"
        return f"No: {obj.get_status_display().lower()}"

    # Contributors write drafts and submit them for review; publishing is the editors'.
    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Once public, an item changes only through someone who may publish.
        if obj is not None and obj.status in PUBLIC_STATUSES:
            return self.has_publish_permission(request)
        return True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        may_publish = self.has_publish_permission(request)
        if not may_publish and "status" in form.base_fields:
            field = form.base_fields["status"]
            field.choices = [c for c in field.choices if c[0] not in PUBLIC_STATUSES]

        original_clean, original_post_clean = form.clean, form._post_clean

        def clean(form_self):
            cleaned = original_clean(form_self)
            try:
                services.refuse_contributor_move(
                    may_publish=may_publish,
                    status=cleaned.get("status"),
                    scheduling_changed=bool(
                        {"publish_at", "withdraw_at"} & set(form_self.changed_data)
                    ),
                )
            except PermissionDenied as refusal:
                raise ValidationError(str(refusal)) from None
            return cleaned

        def _post_clean(form_self):
            original_post_clean(form_self)
            # The instance now holds what was submitted: the write checks the withdraw time of
            # an item it publishes, and the error goes next to that field.
            try:
                pending_write(form_self.instance).check_schedule()
            except ValidationError as error:
                form_self.add_error(None, error)

        form.clean = clean
        form._post_clean = _post_clean
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, obj):
        status = obj.status
        may_publish = self.has_publish_permission(request)
        may_change = self.has_change_permission(request, obj)
        transitions = []
        if status == Publishable.Status.DRAFT and may_change:
            transitions.append(("submit", "Submit for review"))
        if status == Publishable.Status.IN_REVIEW and may_publish:
            transitions.append(("return", "Return to the author with a comment"))
        if status != Publishable.Status.PUBLISHED and may_publish:
            transitions.append(("publish", "Publish now"))
        if status == Publishable.Status.PUBLISHED and may_publish:
            transitions.append(("withdraw", "Withdraw"))
        return {
            "workflow_url": reverse("admin:" + url_name(self.opts, "workflow"), args=[obj.pk]),
            "workflow_transitions": transitions,
            "workflow_events": services.workflow_events(obj)[:10],
            "schedule_state": self.schedule_state(obj),
            "preview_url": obj.get_absolute_url(),
            "is_live": obj.is_published,
        }

    def workflow_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with ID “{object_id}”.")
        transition = request.POST.get("transition", "")
        may_publish = self.has_publish_permission(request)
        allowed = {
            "submit": self.has_change_permission(request, obj),
            "return": may_publish,
            "publish": may_publish,
            "withdraw": may_publish,
        }
        if transition not in allowed:
            return HttpResponse("Unknown workflow step.", status=400, content_type="text/plain")
        if not allowed[transition]:
            raise PermissionDenied
        try:
            if transition == "submit":
                services.submit_for_review(obj, by=request.user)
                done = "Submitted for review."
            elif transition == "return":
                services.return_for_changes(
                    obj, comment=request.POST.get("comment", ""), by=request.user
                )
                done = "Returned to draft with your comment."
            elif transition == "publish":
                services.publish(obj, by=request.user)
                done = "Published." if obj.is_published else self.status_label(obj) + "."
            else:
                services.withdraw(obj, by=request.user)
                done = "Withdrawn: readers no longer see it."
        except ValidationError as error:
            self.message_user(request, f"Not done: {' '.join(error.messages)}", messages.ERROR)
        else:
            self.message_user(request, f"“{obj}”: {done}", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:" + url_name(self.opts, "change"), args=[obj.pk])
        )

    def save_model(self, request, obj, form, change):
        # Nothing yet: save_related() saves the item with its citations and links as one write
        # (services.ItemWrite), so one save is one version and the rule holds at every step.
        pass

    def save_related(self, request, form, formsets, change):
        item = form.instance
        relations = {
            field.name: form.cleaned_data[field.name]
            for field in item._meta.many_to_many
            if field.name in form.cleaned_data
        }
        pending_write(item).save(by=request.user, relations=relations)
        del item._admin_write
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, CitationInlineFormSet):
            return super().save_formset(request, form, formset, change)
        # The write saved the citations; commit=False only records which rows were added,
        # changed and deleted, for the admin's change message.
        formset.save(commit=False)

    @admin.action(description="Publish selected items", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, refused = [], []
        for item in queryset:
            try:
                services.publish(item, by=request.user)
            except ValidationError as error:
                refused.append((item, " ".join(error.messages)))
            else:
                published.append(item)
        if published:
            self.message_user(
                request,
                f"Published {len(published)}: " + "; ".join(str(i) for i in published),
                messages.SUCCESS,
            )
        for item, reason in refused:
            self.message_user(request, f"Not published: “{item}”. {reason}", messages.ERROR)

    @admin.action(description="Withdraw selected items", permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        withdrawn = [services.withdraw(item, by=request.user) for item in queryset]
        self.message_user(
            request,
            f"Withdrew {len(withdrawn)}: " + "; ".join(str(i) for i in withdrawn),
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class ArchivedListFilter(admin.SimpleListFilter):
    title = "archived copy"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", "Has an archived copy"), ("no", "No archived copy")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(archived_url="")
        if self.value() == "no":
            return queryset.filter(archived_url="")
        return queryset


class HealthListFilter(admin.SimpleListFilter):
    """Dead links, split by whether readers can still follow an archived copy (see check_sources)."""

    title = "link health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("dead-archived", "Dead, archived copy kept"),
            ("dead-lost", "Dead, no archived copy"),
            ("unchecked", "Never checked"),
        ]

    def queryset(self, request, queryset):
        dead = queryset.filter(url_status=Source.UrlStatus.DEAD)
        if self.value() == "dead-archived":
            return dead.exclude(archived_url="")
        if self.value() == "dead-lost":
            return dead.filter(archived_url="")
        if self.value() == "unchecked":
            return queryset.filter(last_checked_at__isnull=True)
        return queryset


@admin.register(Source)
class SourceAdmin(ImportExportMixin, EditorialAdmin):
    import_kind = "sources"
    actions = ["check_links"]
    # The action checks inside the request; whole-archive checks are for manage.py check_sources.
    check_links_limit = 50
    list_display = [
        "title", "publisher", "kind", "language", "published_date", "url_status", "has_archive",
        "last_checked_at",
    ]  # fmt: skip
    list_filter = ["kind", "url_status", HealthListFilter, ArchivedListFilter, "language"]
    search_fields = ["title", "publisher", "author", "url", "notes"]
    date_hierarchy = "published_date"
    readonly_fields = ["cited_by", "last_checked_at", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "url",
                    "publisher",
                    "author",
                    "published_date",
                    "language",
                    "kind",
                ]
            },
        ),  # fmt: skip
        (
            "Archive and health",
            {
                "fields": [
                    "archived_url",
                    "archived_date",
                    "last_verified",
                    "url_status",
                    "last_checked_at",
                ]
            },
        ),  # fmt: skip
        (None, {"fields": ["notes", "cited_by", "created_at", "updated_at"]}),
    ]

    @admin.action(description="Check the links of the selected sources now", permissions=["change"])
    def check_links(self, request, queryset):
        sources = list(queryset.order_by("id")[: self.check_links_limit + 1])
        if len(sources) > self.check_links_limit:
            self.message_user(
                request,
                f"Select at most {self.check_links_limit} sources, or run "
                "manage.py check_sources to check them all.",
                messages.ERROR,
            )
            return
        results = source_health.check_urls(
            [(source.pk, source.url) for source in sources], concurrency=10, timeout=5
        )
        source_health.record_results(results)
        by_status = {}
        for result in results:
            by_status.setdefault(result.status, []).append(result)
        dead = by_status.get(Source.UrlStatus.DEAD, [])
        self.message_user(
            request,
            f"Checked {len(results)}: {len(by_status.get(Source.UrlStatus.LIVE, []))} live, "
            f"{len(dead)} dead, {len(by_status.get(Source.UrlStatus.UNKNOWN, []))} not decided, "
            f"{len(by_status.get('', []))} not checked (not http or https).",
            messages.WARNING if dead else messages.SUCCESS,
        )
        archived = {source.pk: source.archived_url for source in sources}
        for result in dead:
            copy = archived[result.source_id] or "no archived copy"
            self.message_user(
                request, f"Dead: {result.url} ({result.detail}); {copy}.", messages.WARNING
            )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change_shared_record(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change_shared_record(
            request.user, obj
        )

    @admin.display(description="archived", boolean=True)
    def has_archive(self, obj):
        return bool(obj.archived_url)

    @admin.display(description="cited by")
    def cited_by(self, obj):
        if obj.pk is None:
            return "—"
        items = obj.citing_items()
        if not items:
            return "Not cited yet."
        rows = []
        for item in items:
            meta = item._meta
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
            except NoReverseMatch:
                url = "#"
            rows.append((url, meta.verbose_name, item, item.get_status_display()))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} <a href='{}'>{}</a> ({})</li>", ((v, u, i, s) for u, v, i, s in rows)
            ),  # fmt: skip
        )
