from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from karabakh_site.core.admin import (
    CitationInline,
    ImportExportMixin,
    PublishableAdmin,
    SharedRecordAdminMixin,
)

from . import dates
from .models import Place, TimelineCitation, TimelineEntry

# Translators: the field reads dates in English only (month names, “c.”): keep the examples.
DATE_HELP = _(
    "As historians write it: 1988, May 1994 (or 1994-05), 12 May 1994 (or 1994-05-12); "
    "“c.” before it for an uncertain or disputed date (c. 1988)."
)


class HistorianDateField(forms.CharField):
    """A date typed at its precision ("1988", "May 1994", "c. 1988"), cleaned to
    dates.HistorianDate: the day, the precision and whether it is approximate."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return dates.parse(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def has_changed(self, initial, data):
        def read(value):
            try:
                return dates.parse(value) if value else None
            except ValueError:
                return value

        return read(initial) != read(data)


class TimelineEntryForm(forms.ModelForm):
    """The start and the end typed as historians write them; each sets its own date, precision
    and "approximate" on the entry."""

    date = HistorianDateField(label=_("Date"), max_length=40, help_text=DATE_HELP)
    end_date = HistorianDateField(
        label=_("End date"),
        max_length=40,
        required=False,
        help_text=_("For an event that spans a period, in the same way (1988 – May 1994)."),
    )
    parts = {
        "date": ("date_precision", "approximate"),
        "end_date": ("end_precision", "end_approximate"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        if entry.pk is not None:
            self.initial["date"] = dates.format_input(
                entry.date, entry.date_precision, entry.approximate
            )
            self.initial["end_date"] = dates.format_input(
                entry.end_date, entry.end_precision, entry.end_approximate
            )

    def clean(self):
        cleaned = super().clean()
        self._date_parts = {}
        for name, (precision, approximate) in self.parts.items():
            if name not in cleaned:  # refused by the field: its error is shown already
                continue
            value = cleaned[name]
            cleaned[name] = value.date if value else None
            if value:
                self._date_parts.update(
                    {precision: value.precision, approximate: value.approximate}
                )
        return cleaned

    def _post_clean(self):
        # Before the model's checks (end after start), which read the precisions.
        for attribute, value in getattr(self, "_date_parts", {}).items():
            setattr(self.instance, attribute, value)
        super()._post_clean()


class TimelineCitationInline(CitationInline):
    model = TimelineCitation


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = TimelineEntry.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(Place)
class PlaceAdmin(SharedRecordAdminMixin, admin.ModelAdmin):
    # A place of a published entry shows on public pages: only an editor changes it.
    list_display = ["name_en", "name_en_alt", "name_hy", "name_az", "name_ru"]
    search_fields = ["name_en", "name_en_alt", "name_hy", "name_az", "name_ru"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ImportExportMixin, PublishableAdmin):
    import_kind = "timeline"
    form = TimelineEntryForm
    # Few enough columns to fit 1280 px with the sidebar filters (key events and places filter).
    list_display = ["title", "display_date", "category", "status_label", "live", "citation_count"]
    list_filter = [*PublishableAdmin.list_filter, "category", "key_event", YearListFilter]
    list_select_related = ["place"]
    search_fields = [
        "title", "summary", "place__name_en", "place__name_en_alt", "place__name_hy",
        "place__name_az", "place__name_ru",
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "claims", "related_articles", "place"]
    inlines = [TimelineCitationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "summary",
                    "category",
                    "key_event",
                    "place",
                    "topics",
                    "claims",
                    "related_articles",
                ]
            },
        ),  # fmt: skip
        # Typed with their precision and "c." (TimelineEntryForm), not picked from three fields.
        (_("Date"), {"fields": ["date", "end_date"]}),
        PublishableAdmin.publishing_fieldset,
        PublishableAdmin.record_fieldset,
    ]
