"""The contested claims editors keep and the positions on them ("Who says what", core.claims).
A position is edited on its claim's page with its sources; the form refuses one without a source
or a claim without a position, with the same messages as the API and imports."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import claims
from ..models import Claim, Position, Source
from .translations import TranslatedAdminMixin


class PositionForm(forms.ModelForm):
    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(),
        required=False,  # required with its own message, in clean()
        help_text=_("The documents where the holder says this: at least one."),
    )

    class Meta:
        model = Position
        fields = ["holder", "perspective", "stance", "says", "said_on"]
        widgets = {"says": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sources"]
        field.widget = AutocompleteSelectMultiple(Position._meta.get_field("sources"), admin_site)
        field.widget.choices = field.choices
        if self.instance.pk:
            self.initial["sources"] = [row.source_id for row in self.instance.citations.all()]

    def clean(self):
        cleaned = super().clean()
        if not self.cleaned_data.get("DELETE") and not cleaned.get("sources"):
            self.add_error("sources", gettext(claims.POSITION_NEEDS_SOURCE))
        return cleaned


class PositionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms
            if form.has_changed() or form.instance.pk
            if not form.cleaned_data.get("DELETE")
        ]  # fmt: skip
        if not kept:
            raise forms.ValidationError(gettext(claims.CLAIM_NEEDS_POSITION))


class PositionInline(admin.StackedInline):
    model = Position
    form = PositionForm
    formset = PositionFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["perspective"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        site = self.admin_site

        class WithSite(formset):
            def get_form_kwargs(self, index):
                return {**super().get_form_kwargs(index), "admin_site": site}

        return WithSite


@admin.register(Claim)
class ClaimAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["statement", "kind", "position_count"]
    list_filter = ["kind"]
    search_fields = ["statement", "slug", "context", "positions__holder"]
    prepopulated_fields = {"slug": ["statement"]}
    fields = ["statement", "slug", "kind", "context"]
    inlines = [PositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(position_count=Count("positions"))

    @admin.display(description=_("positions"), ordering="position_count")
    def position_count(self, obj):
        return obj.position_count

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    def save_related(self, request, form, formsets, change):
        # The positions' sources are written by the claims service (new ones before the removed
        # ones go, so a position is never uncited), after Django saved the positions.
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for position_form in formset.forms:
                position = position_form.instance
                if position.pk is None or position_form.cleaned_data.get("DELETE"):
                    continue
                chosen = position_form.cleaned_data.get("sources") or []
                claims.write_sources(position, [(source, None) for source in chosen])
