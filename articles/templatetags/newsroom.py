"""Small helpers that let one set of includes serve teasers, articles and subjects."""

from django import template

from articles.models import Teaser
from articles.public import navigation

register = template.Library()


@register.filter
def as_teasers(articles):
    """Wrap articles as unsaved teasers, as the home page does when nothing is curated,
    so includes/teaser.html reads one set of attribute names everywhere."""
    return [Teaser(article=article) for article in articles]


@register.filter
def model_name(obj):
    """The list filter's parameter that selects `obj`: "person" or "organisation"."""
    return obj._meta.model_name


@register.filter
def roles_by_period(affiliations):
    """Split a person's affiliations into current, future and past roles, in their order."""
    roles = {"current": [], "future": [], "past": []}
    for affiliation in affiliations:
        if affiliation.is_current():
            roles["current"].append(affiliation)
        elif affiliation.is_future():
            roles["future"].append(affiliation)
        else:
            roles["past"].append(affiliation)
    return roles


@register.inclusion_tag("includes/nav.html", takes_context=True)
def main_navigation(context):
    """The main navigation with the editors' topics and places, the current one marked."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return {
        "links": navigation.main_navigation(),
        "current": match.url_name if match else "",
        "current_slug": match.kwargs.get("slug") if match else None,
    }
