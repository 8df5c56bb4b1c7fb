"""The admin's import (a dry-run preview first, then all or nothing) and export views, for the
kinds in core.importexport."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .. import importexport
from ..permissions import may_publish
from .helpers import url_name


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
            user_may_publish = may_publish(request.user, self.model)
            confirm = "_confirm" in request.POST
            report = importexport.import_text(
                self.import_kind,
                text,
                file_format,
                dry_run=not confirm,
                by=request.user,
                may_publish=user_may_publish,
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
