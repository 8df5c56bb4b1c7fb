"""The review workflow in the admin: the panel on the change form (submit, return, publish,
unschedule, withdraw, with the item's log), the publish and withdraw actions, and the status
columns.

The panel's buttons belong to the change form (their ``form`` attribute), so each move saves the
edits with it as one write (services.ItemWrite): "Save and submit for review" never drops a
standfirst typed a moment before. workflow_view() moves a saved item without its form.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import revisions, services
from ..models import Publishable
from .helpers import url_name

# The moves of the change form's panel, in the order shown.
MOVES = {
    "submit": _("Save and submit for review"),
    "return": _("Save and return to the author"),
    "publish": _("Save and publish now"),
    "unschedule": _("Save and unschedule"),
    "withdraw": _("Save and withdraw"),
}
MOVE_DONE = {
    "submit": _("Saved and submitted for review."),
    "return": _("Saved and returned to the author with your comment."),
    "publish": _("Saved and published: readers see it now."),
    "unschedule": _("Saved and unscheduled: it is a draft again and will not go live."),
    "withdraw": _("Saved and withdrawn: readers no longer see it."),
}
CONFIRM_WITHDRAW = _(
    "Withdrawing takes the item off the site at once: tick “Yes, take it off the site” and "
    "press “Save and withdraw” again."
)


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%d %b %Y %H:%M}"


class WorkflowMixin:
    """For PublishableAdmin: every step goes through core.services, which logs it with the user."""

    class Media:
        # Warns before leaving a change form with unsaved edits (progressive enhancement).
        js = ["admin/js/unsaved.js"]

    def workflow_moves(self, request, obj) -> list[str]:
        """The panel's moves this user may make on the saved ``obj``."""
        if obj is None or obj.pk is None:
            return []
        status = obj.status
        may_publish = self.has_publish_permission(request)
        may_change = self.has_change_permission(request, obj)
        moves = []
        if status == Publishable.Status.DRAFT and may_change:
            moves.append("submit")
        if not may_publish:
            return moves
        if status == Publishable.Status.IN_REVIEW:
            moves.append("return")
        if status != Publishable.Status.PUBLISHED or obj.is_scheduled:
            moves.append("publish")
        if obj.is_scheduled:
            moves.append("unschedule")
        if status == Publishable.Status.PUBLISHED and not obj.is_scheduled:
            moves.append("withdraw")
        return moves

    def clean_workflow_move(self, request, form, cleaned) -> None:
        """The form's part of a panel move: refuse a move this user may not make here, a return
        without a comment and an unconfirmed withdrawal, and remember the move for
        apply_workflow_move(). Errors are the form's, so the edits stay in it."""
        move = request.POST.get("_workflow", "")
        form.workflow_move, form.workflow_comment = "", ""
        # A revision whose live item changed the same things meanwhile is published over them
        # only when the editor ticks the box the refusal showed (core.revisions).
        form.instance.revision_overwrite = bool(request.POST.get("_revision_overwrite"))
        if not move:
            return
        if move not in self.workflow_moves(request, form.instance):
            raise ValidationError(
                gettext("“%(step)s” is not a step you can take on this item now.")
                % {"step": MOVES.get(move, move)},
                code="workflow",
            )
        comment = request.POST.get("_workflow_comment", "").strip()
        if move == "return" and not comment:
            raise ValidationError(services.RETURN_NEEDS_COMMENT, code="workflow")
        if move == "withdraw" and not request.POST.get("_workflow_confirm"):
            raise ValidationError(CONFIRM_WITHDRAW, code="workflow")
        form.workflow_move, form.workflow_comment = move, comment

    def apply_workflow_move(self, form) -> None:
        """Set the move's status (and times) on the form's instance once it holds the edits, so
        the citation checks and the write see the status the item is going to."""
        move, item = getattr(form, "workflow_move", ""), form.instance
        Status = Publishable.Status
        if move == "submit":
            item.status = Status.IN_REVIEW
        elif move == "return":
            item.status = Status.DRAFT
        elif move == "publish":
            item.status = Status.PUBLISHED
            # "Publish now" means now: a publish time still ahead would only schedule it.
            if item.publish_at is None or item.publish_at > timezone.now():
                item.publish_at = timezone.now()
        elif move == "unschedule":
            item.status = Status.DRAFT
            item.publish_at = None
        elif move == "withdraw":
            item.status = Status.WITHDRAWN

    def response_change(self, request, obj):
        live = getattr(obj, "published_into", None)
        if live is not None:
            # The revision is gone: its text is the live item's now.
            self.message_user(
                request,
                gettext("“%(item)s”: the revision is published; readers see it now.")
                % {"item": live},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:" + url_name(self.opts, "change"), args=[live.pk])
            )
        refusal = getattr(obj, "revision_refusal", None)
        if refusal is not None:
            self.message_user(
                request,
                gettext("“%(item)s”: the revision is saved but not published. %(reason)s")
                % {"item": obj, "reason": " ".join(refusal.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:" + url_name(self.opts, "change"), args=[obj.pk])
            )
        move = request.POST.get("_workflow", "")
        if move not in MOVE_DONE:
            return super().response_change(request, obj)
        done = MOVE_DONE[move]
        if move == "publish" and not obj.is_published:
            done = gettext("Saved; %(state)s.") % {"state": self.schedule_state(obj)}
        self.message_user(
            request, gettext("“%(item)s”: %(done)s") % {"item": obj, "done": done}, messages.SUCCESS
        )
        return HttpResponseRedirect(
            reverse("admin:" + url_name(self.opts, "change"), args=[obj.pk])
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name=url_name(self.opts, "workflow"),
            ),
            path(
                "<path:object_id>/revise/",
                self.admin_site.admin_view(self.start_revision_view),
                name=url_name(self.opts, "revise"),
            ),
            path(
                "<path:object_id>/preview-text/",
                self.admin_site.admin_view(self.text_preview_view),
                name=url_name(self.opts, "text_preview"),
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("live"), boolean=True)
    def live(self, obj):
        return obj.is_published

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if obj.revision_of_id is not None:
            return gettext("Revision of a live item: %(status)s") % {
                "status": obj.get_status_display().lower()
            }
        if obj.is_scheduled:
            return gettext("Scheduled for %(when)s") % {"when": _when(obj.publish_at)}
        if obj.status == Publishable.Status.PUBLISHED and not obj.is_published:
            # Past its withdraw time: down, though nobody pressed "Withdraw".
            return gettext("Taken down %(when)s") % {"when": _when(obj.withdraw_at)}
        return obj.get_status_display()

    @admin.display(description=_("visible to readers"))
    def schedule_state(self, obj):
        if obj is None or obj.pk is None:
            return gettext("No: not saved yet.")
        if obj.is_scheduled:
            return gettext("Scheduled for %(when)s") % {"when": _when(obj.publish_at)}
        if obj.is_published:
            if obj.withdraw_at:
                return gettext("Yes, until %(when)s") % {"when": _when(obj.withdraw_at)}
            return gettext("Yes")
        if obj.status == Publishable.Status.PUBLISHED and obj.withdraw_at:
            return gettext("No: taken down %(when)s") % {"when": _when(obj.withdraw_at)}
        return gettext("No: %(status)s") % {"status": obj.get_status_display().lower()}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revision_context(self, request, obj) -> dict:
        """The revision panel: on a revision, its live item and what publishing it would change
        (and whether the live item changed the same things since); on a live item, its revision
        in progress or the button that starts one."""
        if obj.revision_of_id is not None:
            try:
                work = revisions.plan(obj)
            except ValidationError:
                return {}
            live = work.live
            changed = [
                str(obj._meta.get_field(f.name).verbose_name)
                for f in revisions.live_fields(type(obj))
                if f.attname in work.fields
            ]
            if work.citations is not None:
                changed.append(gettext("citations"))
            changed += [str(obj._meta.get_field(name).verbose_name) for name in work.relations]
            return {
                "revision_of": live,
                "revision_live_admin_url": reverse(
                    "admin:" + url_name(self.opts, "change"), args=[live.pk]
                ),
                "revision_changes": changed,
                "revision_conflict": work.conflict_message() if work.conflicts else "",
            }
        revision = type(obj)._base_manager.filter(revision_of=obj).first()
        if revision is not None:
            return {
                "live_revision": revision,
                "live_revision_url": reverse(
                    "admin:" + url_name(self.opts, "change"), args=[revision.pk]
                ),
            }
        if (
            obj.status == Publishable.Status.PUBLISHED
            and self.has_view_or_change_permission(request, obj)
            and request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")
        ):
            return {
                "revision_start_url": reverse(
                    "admin:" + url_name(self.opts, "revise"), args=[obj.pk]
                ),
                "revision_editor_may_edit": self.has_change_permission(request, obj),
            }
        return {}

    def start_revision_view(self, request, object_id):
        """Start the revision of a live item (or open the one in progress) and go to it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with ID “{object_id}”.")
        if not request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}"):
            raise PermissionDenied
        try:
            revision = revisions.start_revision(obj, by=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                gettext("Not done: %(reason)s") % {"reason": " ".join(error.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:" + url_name(self.opts, "change"), args=[obj.pk])
            )
        self.message_user(
            request,
            gettext(
                "“%(item)s”: this is your revision. Readers keep seeing the live version until an "
                "editor publishes the revision."
            )
            % {"item": obj},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:" + url_name(self.opts, "change"), args=[revision.pk])
        )

    def workflow_context(self, request, obj):
        labels = dict(MOVES)
        if obj.revision_of_id is not None:
            labels["publish"] = gettext("Save and publish the revision into the live item")
        return {
            **self.revision_context(request, obj),
            "workflow_url": reverse("admin:" + url_name(self.opts, "workflow"), args=[obj.pk]),
            "workflow_moves": [(move, labels[move]) for move in self.workflow_moves(request, obj)],
            # After a refused move, what was asked comes back with the form's edits.
            "workflow_asked": request.POST.get("_workflow", ""),
            "workflow_comment": request.POST.get("_workflow_comment", ""),
            "workflow_events": services.workflow_events(obj)[:10],
            "text_preview_url": reverse(
                "admin:" + url_name(self.opts, "text_preview"), args=[obj.pk]
            ),
            "schedule_state": self.schedule_state(obj),
            "preview_url": obj.get_absolute_url(),
            "is_live": obj.is_published,
        }

    def text_preview_view(self, request, object_id):
        """The Markdown fields as posted by the change form (its "Preview the text" button opens
        this in a new tab), rendered and sanitised as they will be stored: a preview of unsaved
        edits without JavaScript, which saves nothing."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with ID “{object_id}”.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        from karabakh_site.markdown import MAX_MARKDOWN_LENGTH, render_markdown

        fields = []
        for name in obj.markdown_fields:
            text = request.POST.get(name, getattr(obj, name))[:MAX_MARKDOWN_LENGTH]
            label = obj._meta.get_field(name).verbose_name
            # Sanitised by the renderer's allow-list, as the stored HTML is.
            html = mark_safe(render_markdown(text, anchor_prefix=obj.citation_anchor_prefix))
            fields.append((label, html))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Preview of the text: %(item)s") % {"item": obj},
            "opts": self.opts,
            "original": obj,
            "fields": fields,
        }
        return TemplateResponse(request, "admin/editorial/text_preview.html", context)

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
            return HttpResponse(
                gettext("Unknown workflow step."), status=400, content_type="text/plain"
            )
        if not allowed[transition]:
            raise PermissionDenied
        try:
            if transition == "submit":
                services.submit_for_review(obj, by=request.user)
                done = gettext("Submitted for review.")
            elif transition == "return":
                services.return_for_changes(
                    obj, comment=request.POST.get("comment", ""), by=request.user
                )
                done = gettext("Returned to draft with your comment.")
            elif transition == "publish":
                # "Publish now" publishes now, even when a later publish time had been set.
                at = timezone.now() if obj.publish_at and obj.publish_at > timezone.now() else None
                services.publish(obj, by=request.user, at=at)
                live = getattr(obj, "published_into", None)
                if live is not None:
                    self.message_user(
                        request,
                        gettext("“%(item)s”: the revision is published.") % {"item": live},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:" + url_name(self.opts, "change"), args=[live.pk])
                    )
                done = gettext("Published.") if obj.is_published else self.status_label(obj) + "."
            else:
                services.withdraw(obj, by=request.user)
                done = gettext("Withdrawn: readers no longer see it.")
        except ValidationError as error:
            self.message_user(
                request,
                gettext("Not done: %(reason)s") % {"reason": " ".join(error.messages)},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                gettext("“%(item)s”: %(done)s") % {"item": obj, "done": done},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:" + url_name(self.opts, "change"), args=[obj.pk])
        )

    @admin.action(description=_("Publish selected items"), permissions=["publish"])
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
                gettext("Published %(count)s: %(items)s")
                % {"count": len(published), "items": "; ".join(str(i) for i in published)},
                messages.SUCCESS,
            )
        for item, reason in refused:
            self.message_user(
                request,
                gettext("Not published: “%(item)s”. %(reason)s") % {"item": item, "reason": reason},
                messages.ERROR,
            )

    @admin.action(description=_("Withdraw selected items"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        # Like Django's "delete selected": a page that names what will come down, then the move.
        if request.POST.get("confirm_withdraw") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Withdraw these items?"),
                "opts": self.opts,
                "items": list(queryset),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/editorial/withdraw_selected.html", context)
        withdrawn = [services.withdraw(item, by=request.user) for item in queryset]
        self.message_user(
            request,
            gettext("Withdrew %(count)s: %(items)s")
            % {"count": len(withdrawn), "items": "; ".join(str(i) for i in withdrawn)},
            messages.SUCCESS,
        )
