"""The admin's import (a dry-run preview first, then all or nothing) and export views, for the
kinds in core.importexport.

The file previewed is the file imported: the preview keeps the uploaded text in the session
under a random token tied to the user and the kind, and the confirm step posts only that token.
(Posting the text back from a hidden field let the browser rewrite its line endings as CRLF, so
an export that previewed "0 changed" wrote every row with a multi-line cell.)"""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
                gettext("Unknown format %(format)s; use csv or json.")
                % {"format": repr(file_format)},
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
        confirm = request.method == "POST" and "_confirm" in request.POST
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import %(kinds)s") % {"kinds": self.opts.verbose_name_plural},
            "opts": self.opts,
            "form": ImportForm() if confirm else form,
            "kind": self.import_kind,
            "columns": importexport.KINDS[self.import_kind].columns,
        }
        if confirm:
            return self._confirm_import(request, context)
        if request.method == "POST" and form.is_valid():
            text, file_format = form.cleaned_data["text"], form.cleaned_data["file_format"]
            report = self._run_import(request, text, file_format, dry_run=True)
            context["report"] = report
            if report.ok:
                context["import_token"] = pending_imports.keep(
                    request,
                    self.import_kind,
                    text=text,
                    file_format=file_format,
                    summary=report.summary(),
                )
        return TemplateResponse(request, "admin/editorial/import.html", context)

    def _run_import(self, request, text, file_format, *, dry_run):
        return importexport.import_text(
            self.import_kind,
            text,
            file_format,
            dry_run=dry_run,
            by=request.user,
            may_publish=may_publish(request.user, self.model),
        )

    def _confirm_import(self, request, context):
        token = request.POST.get("token", "")
        pending = pending_imports.take(request, self.import_kind, token)
        if pending is None:
            context["import_error"] = gettext(
                "This preview has expired or was already imported: upload the file again."
            )
            return TemplateResponse(request, "admin/editorial/import.html", context, status=400)
        with transaction.atomic():
            report = self._run_import(request, pending["text"], pending["format"], dry_run=False)
            moved = report.ok and report.summary() != pending["summary"]
            if moved:
                # Someone changed the records between the preview and the confirmation: writing
                # now would do something else than the editor saw, so show the new preview.
                transaction.set_rollback(True)
        if moved:
            report = self._run_import(request, pending["text"], pending["format"], dry_run=True)
            context["report"] = report
            context["import_error"] = gettext(
                "The records changed since your preview, so nothing was imported. "
                "Here is the preview of the file against them now."
            )
            if report.ok:
                context["import_token"] = pending_imports.keep(
                    request,
                    self.import_kind,
                    text=pending["text"],
                    file_format=pending["format"],
                    summary=report.summary(),
                )
            return TemplateResponse(request, "admin/editorial/import.html", context)
        if not report.ok:
            context["report"] = report
            return TemplateResponse(request, "admin/editorial/import.html", context)
        self.message_user(
            request,
            gettext("Imported %(summary)s.") % {"summary": report.summary()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:" + url_name(self.opts, "changelist")))


class PendingImports:
    """Previewed files waiting for confirmation, in the editor's session (stored in the database,
    so any worker confirms what another previewed, and it works with Redis down or the dummy
    cache), each under a random token that only the user who uploaded it, importing the same
    kind, can redeem once."""

    timeout = 60 * 60  # An hour to read the preview.
    key = "admin-imports"
    most = 3  # Previews kept per session: a session row must not grow without bound.

    def _pending(self, request) -> dict:
        now = timezone.now().timestamp()
        pending = request.session.get(self.key, {})
        return {token: entry for token, entry in pending.items() if entry["expires"] > now}

    def keep(self, request, kind, *, text, file_format, summary) -> str:
        token = secrets.token_urlsafe(24)
        pending = self._pending(request)
        pending[token] = {
            "user": request.user.pk, "kind": kind, "text": text, "format": file_format,
            "summary": summary, "expires": timezone.now().timestamp() + self.timeout,
        }  # fmt: skip
        newest = sorted(pending.items(), key=lambda item: item[1]["expires"])[-self.most :]
        request.session[self.key] = dict(newest)
        return token

    def take(self, request, kind, token: str):
        if not token or len(token) > 64:
            return None
        pending = self._pending(request)
        entry = pending.pop(token, None)
        request.session[self.key] = pending
        if not entry or entry["user"] != request.user.pk or entry["kind"] != kind:
            return None
        return entry


pending_imports = PendingImports()


def normalise_line_endings(text: str) -> str:
    """CRLF to LF: files saved on Windows (or by a spreadsheet) carry CRLF inside multi-line
    cells, where the admin's own forms store LF, so the same text would count as changed."""
    return text.replace("\r\n", "\n")


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text=_("A CSV or JSON file exported from here."))
    file_format = forms.ChoiceField(
        label=_("format"),
        choices=[("", _("From the file name"))] + [(f, f.upper()) for f in importexport.FORMATS],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        file_format = cleaned.get("file_format") or ""
        if upload is None:
            raise ValidationError(gettext("Choose a file to import."))
        try:
            cleaned["text"] = normalise_line_endings(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValidationError(gettext("The file is not UTF-8 text.")) from None
        if not file_format:
            file_format = upload.name.rsplit(".", 1)[-1].lower()
        if not cleaned["text"]:
            raise ValidationError(gettext("The file is empty."))
        if file_format not in importexport.FORMATS:
            raise ValidationError(gettext("Say whether the file is CSV or JSON."))
        cleaned["file_format"] = file_format
        return cleaned
