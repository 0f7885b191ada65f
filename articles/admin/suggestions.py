"""The article form's suggestions panel: which known people, organisations, places and
topics the text being typed names, and which new names it might hold
(articles.vocabulary.suggest). The panel's script (static/articles/admin/
entity-suggestions.js) posts the text as it changes and adds a suggestion in one click."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from articles.vocabulary import suggest

# More than any article names; a pasted archive should not fill the panel.
SHOWN = 40
TEXT_FIELDS = ("kicker", "headline", "teaser", "body")


class EntitySuggestionsAdminMixin:
    def get_suggestion_urls(self):
        return [path("vorschlaege/", self.admin_site.admin_view(
            require_POST(self.suggestions_view)), name="articles_article_suggestions")]

    def suggestions_view(self, request):
        """The suggestions for the posted kicker, headline, teaser and body (HTML)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        text = suggest.article_text({name: request.POST.get(name, "") for name in TEXT_FIELDS})
        found = suggest.suggest(text)[:SHOWN]
        return JsonResponse({"suggestions": [s.as_dict() for s in found]})
