"""An article's versions, their differences, restores, and its preview share links.

These are admin pages of their own next to the change form, so a restore or a revoked
link never posts the change form (and never throws away what someone is typing).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.editorial import livecopy, presence, previews, revisions, workflow
from articles.models import EditConflict, Revision


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _refusal_text(refusal):
    if isinstance(refusal, EditConflict):
        return _("Jemand hat den Artikel inzwischen gespeichert. Bitte prüfen Sie die "
                 "Versionen und stellen Sie erneut wieder her.")
    return " ".join(refusal.messages)


class ArticleHistoryAdminMixin:
    def get_history_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/versionen/", view(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:pk>/versionen/vergleich/", view(self.compare_view),
                 name="articles_article_compare"),
            path("<int:pk>/versionen/<int:revision_pk>/wiederherstellen/",
                 view(self.restore_view), name="articles_article_restore"),
            path("<int:pk>/vorschau/", view(self.share_view), name="articles_article_share"),
            path("<int:pk>/anwesenheit/", view(require_POST(self.presence_view)),
                 name="articles_article_presence"),
        ]

    def _article(self, request, pk):
        article = self.get_object(request, str(pk))
        if article is None:
            raise Http404(_("Diesen Artikel gibt es nicht."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _page(self, request, article, template, title, **context):
        return TemplateResponse(request, f"admin/articles/article/{template}", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "article": article,
            "title": title,
            **context,
        })

    def revisions_view(self, request, pk):
        article = self._article(request, pk)
        return self._page(
            request, article, "revisions.html", _("Versionen: %s") % article.headline,
            revisions=article.revisions.select_related("user"),
            can_restore=self.has_change_permission(request, article),
        )

    def compare_view(self, request, pk):
        article = self._article(request, pk)
        chosen = {}
        for key in ("a", "b"):
            try:
                chosen[key] = article.revisions.get(pk=int(request.GET.get(key, "")))
            except (ValueError, Revision.DoesNotExist):
                messages.error(request, _("Bitte zwei Versionen zum Vergleichen wählen."))
                return HttpResponseRedirect(
                    reverse("admin:articles_article_revisions", args=[article.pk])
                )
        older, newer = sorted(chosen.values(), key=lambda r: (r.version, r.pk))
        return self._page(
            request, article, "compare.html", _("Vergleich: %s") % article.headline,
            older=older, newer=newer, changes=revisions.diff(older.data, newer.data),
        )

    def restore_view(self, request, pk, revision_pk):
        """Shows what a restore would change; done only when confirmed (POST)."""
        article = self._article(request, pk)
        revision = get_object_or_404(article.revisions, pk=revision_pk)
        back = HttpResponseRedirect(reverse("admin:articles_article_revisions", args=[article.pk]))
        if request.method == "POST":
            try:
                restored, notes = workflow.restore(
                    revision, request.user,
                    expected_version=_version(request.POST.get("edit_version")),
                )
            except (ValidationError, EditConflict) as refusal:
                messages.error(request, _refusal_text(refusal))
                return back
            for note in notes:
                messages.warning(request, note)
            messages.success(request, _(
                "Version %(old)d ist als neue Version %(new)d wiederhergestellt.") % {
                "old": revision.version, "new": restored.version})
            if livecopy.is_protected(article):
                messages.info(request, _("Sichtbar ist weiter die veröffentlichte Fassung, bis "
                                         "die Änderungen veröffentlicht sind."))
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[article.pk]))
        return self._page(
            request, article, "restore.html", _("Version wiederherstellen: %s") % article.headline,
            revision=revision, protected=livecopy.is_protected(article),
            changes=revisions.diff(livecopy.content_of(article), revision.data),
        )

    def presence_view(self, request, pk):
        """The form's heartbeat (and, with `leave`, its goodbye): answers who else has
        the article open, for the note above the form."""
        article = self._article(request, pk)
        if request.POST.get("leave"):
            presence.leave(article, request.user)
            return JsonResponse({"others": []})
        presence.touch(article, request.user)
        others = presence.others_editing(article, request.user)
        return JsonResponse({"others": [u.get_full_name() or u.get_username() for u in others]})

    def share_view(self, request, pk):
        """The preview link to hand out, and the button that revokes every such link."""
        article = self._article(request, pk)
        if request.method == "POST":
            previews.revoke_links(article)
            messages.success(request, _("Alle bisherigen Vorschau-Links sind ungültig."))
            return HttpResponseRedirect(request.path)
        share_url = None if article.is_public else request.build_absolute_uri(
            previews.share_url(article)
        )
        return self._page(
            request, article, "share.html", _("Vorschau: %s") % article.headline,
            share_url=share_url,
            preview_url=reverse("articles:preview", args=[article.pk]),
            max_age_days=previews.max_age_days(),
        )
