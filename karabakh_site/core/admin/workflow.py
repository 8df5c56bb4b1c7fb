"""The review workflow in the admin: the panel on the change form (submit, return, publish,
withdraw, with the item's log), the publish and withdraw actions, and the status columns."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from .. import services
from ..models import Publishable
from .helpers import url_name


class WorkflowMixin:
    """For PublishableAdmin: every step goes through core.services, which logs it with the user."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name=url_name(self.opts, "workflow"),
            ),
            *super().get_urls(),
        ]

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
