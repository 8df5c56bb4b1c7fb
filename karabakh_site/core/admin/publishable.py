"""The base of every content admin: status and scheduling, citation inlines checked with the
item, the contributor/editor split enforced on the server, and one save as one write
(services.ItemWrite)."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import claims, services
from ..models import Publishable
from ..permissions import PUBLIC_STATUSES, may_delete, may_publish
from ..record import PartOfTheRecord
from .recovery import RecoveryMixin
from .translations import TranslatedAdminMixin
from .versioning import EditorialAdmin, merge_citation_rows
from .workflow import WorkflowMixin


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
    saved: the source rule, and [^N] markers that point past the last citation or at a citation
    being removed. The citations checked are the ones the write saves (save_related), in the
    order asked for (services.arrange_citations); the markers typed in the text follow the
    numbers the rows were shown with, and the write renumbers them to the new order."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i < self.initial_form_count():
            # The saved rows are shown in order, so the Nth is the source of [^N].
            form.instance.shown_number = i + 1
            form.initial["position"] = i + 1
        return form

    def full_clean(self):
        # The admin builds the formsets before it validates the item's form, which is where a
        # stale save is found (VersionedFormMixin): the rows are merged now, before the forms
        # are built from them.
        base = getattr(self.instance, "editorial_base", None)
        if self.is_bound and base is not None and not getattr(self, "_merged", False):
            self._merged = True
            merge_citation_rows(self, base)
            for cached in ("forms", "management_form"):
                self.__dict__.pop(cached, None)
        super().full_clean()

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        shown = [
            form
            for form in self.forms
            if form.cleaned_data
            and (form.instance.pk is not None or form.cleaned_data.get("source"))
        ]
        kept = [
            (form.instance, form.cleaned_data.get("position"), number)
            for number, form in enumerate(shown, start=1)
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        try:
            pending_write(self.instance).check_citations(
                services.arrange_citations(kept),
                markers_from=[form.instance for form in shown],
            )
        except ValidationError as error:
            raise ValidationError(
                [message for messages_ in error.message_dict.values() for message in messages_]
            ) from None


class CitationInline(admin.TabularInline):
    formset = CitationInlineFormSet
    autocomplete_fields = ["source"]
    fields = ["marker", "position", "source", "locator", "quote"]
    readonly_fields = ["marker"]
    extra = 1

    class Media:
        js = ["admin/editorial/citation_order.js"]

    @admin.display(description=_("Marker"))
    def marker(self, citation):
        number = getattr(citation, "shown_number", None)
        return f"[^{number}]" if number else gettext("new: next number")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position":
            # Left empty, a new row goes at the end; a number moves the row to that place.
            field.required = False
            field.initial = None
            field.widget.attrs.update({"min": 1, "class": "citation-position", "size": 3})
            field.help_text = ""
        return field


class PublishedListFilter(admin.SimpleListFilter):
    title = _("visible to readers")
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Yes")), ("scheduled", gettext("Scheduled")), ("no", gettext("No"))]

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


class PublishableAdmin(TranslatedAdminMixin, RecoveryMixin, WorkflowMixin, EditorialAdmin):
    """Status, scheduling, the review workflow and the publish/withdraw actions, with the source
    rule and the contributor/editor split enforced on the server."""

    actions = ["publish_selected", "withdraw_selected"]
    readonly_fields = [
        "schedule_state", "review_comment", "created_at", "created_by", "updated_at", "updated_by",
    ]  # fmt: skip
    list_filter = ["status", PublishedListFilter, "topics"]
    autocomplete_fields = ["topics", "claims"]
    list_per_page = 50
    save_on_top = True

    publishing_fieldset = (
        _("Publishing"),
        {"fields": ["status", "schedule_state", "review_comment", "publish_at", "withdraw_at"]},
    )
    record_fieldset = (
        _("Record"),
        {
            "classes": ["collapse"],
            "fields": ["created_at", "created_by", "updated_at", "updated_by"],
        },
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("sources"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    # Contributors write drafts and submit them for review; publishing is the editors'.
    def has_publish_permission(self, request):
        return may_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Once public, an item changes only through someone who may publish.
        if obj is not None and obj.status in PUBLIC_STATUSES:
            return self.has_publish_permission(request)
        return True

    def has_delete_permission(self, request, obj=None):
        # Never offered for an item that has been public (withdraw it instead); contributors
        # delete their own drafts (core.permissions.may_delete).
        return may_delete(request.user, self.model, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions[name] = (type(self).delete_selected_drafts, name, description)
        return actions

    def delete_selected_drafts(self, request, queryset):
        """Django's "delete selected", for the selected items this user may delete; the others
        (public items, someone else's drafts) are named and left alone."""
        refused = [obj for obj in queryset if not self.has_delete_permission(request, obj)]
        if refused:
            self.message_user(
                request,
                gettext(
                    "Not deleted: %(items)s. An item that has been public is part of the record: "
                    "withdraw it instead; contributors delete only their own drafts."
                )
                % {"items": ", ".join(f"“{obj}”" for obj in refused)},
                messages.ERROR,
            )
            queryset = queryset.exclude(pk__in=[obj.pk for obj in refused])
            if not queryset.exists():
                return None
        return delete_selected(self, request, queryset)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except PartOfTheRecord as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.revision_of_id is not None:
            # A revision keeps a slug of its own; the live item's address does not change.
            fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        fields = super().get_prepopulated_fields(request, obj)
        if obj is not None and obj.revision_of_id is not None:
            return {name: sources for name, sources in fields.items() if name != "slug"}
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        revision = obj is not None and obj.revision_of_id is not None
        if self.has_publish_permission(request) and not revision:
            return fieldsets
        # Contributors may not schedule: the times are not shown to them as fields they could
        # fill in only to be refused ("Visible to readers" still says when an item goes live).
        # A revision goes live on its live item's schedule, so it has none of its own.
        hidden = {"publish_at", "withdraw_at"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        may_publish = self.has_publish_permission(request)
        if not may_publish and "status" in form.base_fields:
            field = form.base_fields["status"]
            field.choices = [c for c in field.choices if c[0] not in PUBLIC_STATUSES]
        elif obj is not None and obj.revision_of_id is not None and "status" in form.base_fields:
            # Published means "into the live item"; a revision is never withdrawn.
            field = form.base_fields["status"]
            field.choices = [c for c in field.choices if c[0] != Publishable.Status.WITHDRAWN]

        original_clean, original_post_clean = form.clean, form._post_clean

        def clean(form_self):
            cleaned = original_clean(form_self)
            self.clean_workflow_move(request, form_self, cleaned)
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
            self.apply_workflow_move(form_self)
            # The instance now holds what was submitted: the write checks the withdraw time of
            # an item it publishes, and the error goes next to that field.
            try:
                pending_write(form_self.instance).check_schedule()
            except ValidationError as error:
                form_self.add_error(None, error)
            # The positions' source rule, once the status is the one the save will write (a
            # workflow button sets it only here).
            chosen = form_self.cleaned_data.get("claims")
            if form_self.instance.status == Publishable.Status.PUBLISHED and chosen:
                try:
                    claims.ensure_claims_cited(chosen)
                except ValidationError as error:
                    form_self.add_error(None, error)

        form.clean = clean
        form._post_clean = _post_clean
        return form

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
        pending_write(item).save(
            by=request.user,
            relations=relations,
            comment=getattr(form, "workflow_comment", ""),
        )
        del item._admin_write
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, CitationInlineFormSet):
            return super().save_formset(request, form, formset, change)
        # The write saved the citations; commit=False only records which rows were added,
        # changed and deleted, for the admin's change message.
        formset.save(commit=False)
