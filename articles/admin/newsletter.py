"""Newsletter issues: journalists prepare them, editors send them, now or at a time."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from articles.models import Article, IssueArticle, IssueState, MailingKind, NewsletterIssue
from articles.newsletter import mailings, tasks

SEND_PERMISSION = "articles.send_newsletterissue"
# How far back the article choice reaches: a newsletter is about recent news.
CHOICE_DAYS = 60


class IssueArticleForm(forms.ModelForm):
    class Meta:
        model = IssueArticle
        fields = ["article", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        self.fields["article"].queryset = Article.objects.published(now=now).filter(
            published_at__gt=now - datetime.timedelta(days=CHOICE_DAYS)).newest()


class IssueArticleInline(admin.TabularInline):
    model = IssueArticle
    form = IssueArticleForm
    extra = 3

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:  # a new issue starts with the week's articles
            return len(_week(request)) or self.extra
        return self.extra

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


def _week(request):
    if not hasattr(request, "_newsletter_week"):
        request._newsletter_week = list(mailings.week_proposal().values_list("pk", flat=True))
    return request._newsletter_week


def _editable(issue):
    return issue is None or issue.state == IssueState.DRAFT


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "state", "send_at", "created_at"]
    list_filter = ["state"]
    fields = ["subject", "intro"]
    inlines = [IssueArticleInline]
    change_form_template = "admin/articles/newsletterissue/change_form.html"

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and request.method == "GET":
            kwargs["initial"] = [{"article": pk, "position": n}
                                 for n, pk in enumerate(_week(request), start=1)]
        return kwargs

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path("<int:pk>/vorschau/", self.admin_site.admin_view(self.preview),
                 name="articles_newsletterissue_preview"),
            path("<int:pk>/versand/", self.admin_site.admin_view(self.send),
                 name="articles_newsletterissue_send"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context.update(may_send=request.user.has_perm(SEND_PERMISSION), issue=obj,
                       articles_count=obj and len(mailings.issue_articles(obj)))
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def preview(self, request, pk):
        """The issue as subscribers will see it, in the browser."""
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        response = HttpResponse(mailings.preview(issue))
        response["Cache-Control"] = "private, no-store"
        return response

    def send(self, request, pk):
        """The buttons under the form: a test mail to oneself (anyone who may prepare),
        send now, at a time, or take back a time (editors only)."""
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if request.method != "POST" or not self.has_view_permission(request, issue):
            raise PermissionDenied
        back = HttpResponseRedirect(
            reverse("admin:articles_newsletterissue_change", args=[issue.pk]))
        action = request.POST.get("action")
        if action == "test":
            if not request.user.email:
                messages.error(request, _("Ihr Konto hat keine E-Mail-Adresse für die Testmail."))
                return back
            mailings.queue_single(MailingKind.TEST, None, address=request.user.email,
                                  issue=issue)
            tasks.send_soon()
            messages.success(request, _("Die Testmail an %(email)s ist unterwegs.")
                             % {"email": request.user.email})
            return back
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        if action == "unschedule":
            mailings.unschedule_issue(issue)
            messages.success(request, _("Der Versand ist aufgehoben."))
            return back
        if not mailings.issue_articles(issue):
            messages.error(request, _("Die Ausgabe enthält keinen veröffentlichten Artikel."))
            return back
        when = timezone.now()
        if action == "schedule":
            when = parse_datetime(request.POST.get("send_at", ""))
            if when is None:
                messages.error(request, _("Bitte geben Sie Datum und Uhrzeit des Versands an."))
                return back
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        if mailings.schedule_issue(issue, when):
            tasks.send_soon()
            messages.success(request, _("Die Ausgabe wird am %(when)s versandt.")
                             % {"when": timezone.localtime(when).strftime("%d.%m.%Y, %H:%M")})
        else:
            messages.error(request, _("Diese Ausgabe ist schon terminiert oder versandt."))
        return back
