"""Translations in the admin: on each item's page, one form per language with its status
(missing, draft, outdated, up to date) and what changed in the original since it was made; a
list of every translation, filtered to the outdated ones, as the editors' report."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet, GenericStackedInline
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Translation
from ..translations import TRANSLATION_LANGUAGES, changes_since, status_of

PUBLISH_PERMISSION = "core.publish_translation"

# What the admin calls each of status_of()'s states (which code compares as they are).
STATE_LABELS = {
    "missing": pgettext_lazy("translation state", "missing"),
    "draft": pgettext_lazy("translation state", "draft"),
    "outdated": pgettext_lazy("translation state", "outdated"),
    "up to date": pgettext_lazy("translation state", "up to date"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def render_changes(item, translation) -> str:
    """What changed in the original since the translation was made, word by word, paragraph by
    paragraph (core.history.word_diff): removed words in <del>, added ones in <ins>."""
    tags = {"remove": "del", "add": "ins"}
    parts = []
    for column, paragraphs in changes_since(item, translation):
        lines = [
            format_html_join(
                "",
                "{}",
                (
                    (format_html("<{0}>{1}</{0}>", tags[kind], text) if kind in tags else text,)
                    for kind, text in paragraph
                ),
            )
            for paragraph in paragraphs
        ]
        parts.append(
            format_html(
                '<div class="translation-changes"><strong>{}</strong>{}</div>',
                column,
                format_html_join("", "<p>{}</p>", ((line,) for line in lines)),
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))


TEXT_COLUMNS = ("title", "summary", "body")


class TranslationForm(forms.ModelForm):
    @cached_property
    def changed_data(self):
        # A browser posts a textarea's lines with CRLF: the same text is not a change (else every
        # save of the original would re-save its translations as made from it, up to date).
        changed = []
        for name in super().changed_data:
            if name in TEXT_COLUMNS and self.instance.pk is not None:
                posted = (self[name].data or "").replace("\r\n", "\n")
                if posted.strip() == (getattr(self.instance, name) or "").strip():
                    continue
            changed.append(name)
        return changed

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_COLUMNS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned

    def _post_clean(self):
        # A translation left as it was is not checked against the original being edited: the
        # original's editor is never blocked by a translation (it becomes outdated instead, and
        # its markers follow the citations: core.translations.follow_citations).
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()


class TranslationFormSet(BaseGenericInlineFormSet):
    @cached_property
    def management_form(self):
        # A change form posted without the translations section (a script, a form rendered
        # before translations existed) leaves the translations as they are, rather than failing
        # the whole save: no forms, so nothing is added, changed or deleted.
        if self.is_bound and f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:
            form = ManagementForm(
                {
                    f"{self.prefix}-{TOTAL_FORM_COUNT}": "0",
                    f"{self.prefix}-{INITIAL_FORM_COUNT}": "0",
                },
                auto_id=self.auto_id,
                prefix=self.prefix,
            )
            form.full_clean()
            return form
        return super().management_form

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The check compares with the original as this request is about to save it.
        form.instance.item = self.instance
        return form

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            language = form.cleaned_data.get("language")
            if language in seen:
                form.add_error(
                    "language", gettext("There is already a translation into this language.")
                )
            seen.add(language)
            publishing = form.cleaned_data.get("status") == Translation.Status.PUBLISHED
            was = form.initial.get("status")
            if publishing and was != Translation.Status.PUBLISHED and not self.may_publish:
                form.add_error(
                    "status", gettext("Only editors publish translations: save it as a draft.")
                )


class TranslationInline(GenericStackedInline):
    model = Translation
    form = TranslationForm
    formset = TranslationFormSet
    extra = 0
    max_num = len(TRANSLATION_LANGUAGES)
    fields = [
        "language",
        "status",
        "state",
        "machine_assisted",
        "reviewed",
        "title",
        "summary",
        "body",
    ]
    readonly_fields = ["state"]
    classes = ["collapse"]
    verbose_name = _("translation")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.may_publish = request.user.has_perm(PUBLISH_PERMISSION)
        return formset

    @admin.display(description=_("state"))
    def state(self, translation):
        item = translation.item if translation.pk else None
        if item is None:
            return pgettext("translation state", "new")
        state = status_of(item, translation)
        if state != "outdated":
            return state_label(state)
        return format_html(
            "{}{}",
            gettext("outdated: the original changed since this translation was made"),
            render_changes(item, translation),
        )


class TranslatedAdminMixin:
    """Adds the translations inline to an admin of a translatable model."""

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), TranslationInline]


class OutdatedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("outdated", gettext("Outdated: the original changed since")),
            ("current", gettext("Up to date")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in ("outdated", "current"):
            return queryset
        wanted = self.value() == "outdated"
        ids = [
            row.pk
            for row in queryset.select_related("content_type").prefetch_related("item")
            if row.item is not None and (status_of(row.item, row) == "outdated") == wanted
        ]
        return queryset.filter(pk__in=ids)


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    """Every translation: the report of what is outdated (filter by state)."""

    list_display = [
        "__str__",
        "language",
        "status",
        "state",
        "machine_assisted",
        "reviewed",
        "updated_at",
    ]
    list_filter = [OutdatedFilter, "language", "status", "machine_assisted", "reviewed"]
    list_select_related = ["content_type"]
    readonly_fields = ["content_type", "object_id", "state"]
    fields = ["content_type", "object_id", *TranslationInline.fields]

    def has_add_permission(self, request):
        # A translation is made on its item's page, where the original is.
        return False

    @admin.display(description=_("state"))
    def state(self, translation):
        item = translation.item
        if item is None:
            return gettext("item deleted")
        return state_label(status_of(item, translation))

    def save_model(self, request, obj, form, change):
        if (
            obj.status == Translation.Status.PUBLISHED
            and form.initial.get("status") != Translation.Status.PUBLISHED
            and not request.user.has_perm(PUBLISH_PERMISSION)
        ):
            obj.status = Translation.Status.DRAFT
        super().save_model(request, obj, form, change)
