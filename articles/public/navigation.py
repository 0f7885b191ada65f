"""The main navigation: the leading topics and places editors chose, on every page.

Every public page shows it, so it costs no query on most requests: it is kept in the
shared cache (articles.cache.remember_shown) until its items change, or one of its topics
or places is renamed or gains or loses its public page.
"""

from articles import surrogate_keys
from articles.cache import remember_shown
from articles.models import NavigationItem


def _compute():
    items = list(NavigationItem.objects.with_publicity())
    links = [
        {"name": item.subject.name, "url": item.subject.get_absolute_url(),
         "kind": item.subject._meta.model_name, "slug": item.subject.slug}
        for item in items if item.shown
    ]
    # Every item's subject, shown or not: a topic's first public article brings it in.
    keys = [surrogate_keys.NAVIGATION]
    for item in items:
        keys += [surrogate_keys.key_for(item.subject), surrogate_keys.listing_of(item.subject)]
    return links, keys


def main_navigation():
    """The navigation's links: name, URL, kind ("topic", "city") and slug."""
    return remember_shown("navigation", _compute)
