"""What a cached response shows, as surrogate keys, and how a change retires exactly the
responses that show it.

While a public response renders, a recorder notes the content it shows: every row loaded
from the database (an article, a topic, a picture, a byline's user ...) as
"<model>-<pk>", plus the lists whose membership it depends on: "listing" (the home page,
the article list, search, feeds, archive and sitemaps) or, on a topic's or a place's own
pages, just that subject's list ("listing-topic-3"). Each key has a version in the shared
cache; a cached response keeps the versions it was made with and is fresh while they all
still hold (no query; while nothing public has changed since, one read of a stamp).

A change bumps the keys it concerns: a corrected article its own key, so every page that
shows it renews and every other page stays; a publication or withdrawal also "listing"
and its subjects' lists. Keys are bumped when the change is saved and again when its
transaction commits, so a request that read the old rows in between cannot keep them;
then the purge hook (NEWSROOM_PURGE_URL) tells a CDN or Varnish, once per commit.

Related news on an article page comes from a window of recent articles, not from a list:
a new article shows up there when the page renews (NEWSROOM_PAGE_CACHE_SECONDS at most);
a withdrawn one leaves at once, as its own key goes.
"""

import logging
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

LISTING = "listing"
# Shown by every response: for changes written around the models' signals (bulk imports).
EVERYTHING = "site"
# Bumped when a scheduled update of a live article is set or a credit (which may carry a
# licence's end) is saved: the next publication's time (articles.cache.next_publication)
# is asked anew, as with every change of a listing.
SCHEDULE = "schedule"
# Shown by every page with the main navigation; changed with its items.
NAVIGATION = "navigation"
VERSION_PREFIX = "newsroom:key:"
STAMP_KEY = "newsroom:pages:stamp"
# Sent once per commit that changed public content, with the keys it changed.
committed = Signal()
# Saved with every article change, but never shown to visitors as they are.
INVISIBLE_MODELS = {"revision", "workflowevent", "editingpresence", "workingcopy", "rendition",
                    "taggedtopic", "taggedcity", "legalpageversion"}
# Pages of these name other subjects only while those are public (roles, city, parent):
# they follow every list, not only their own.
NAMES_OTHER_SUBJECTS = {"person", "organisation"}
# What decides whether and where an article is listed.
LISTED_BY = ("status", "published_at", "slug")
SUBJECT_RELATIONS = ("topics", "cities", "people", "organisations")


def key_for(instance):
    return f"{instance._meta.model_name}-{instance.pk}"


def listing_of(subject):
    return f"{LISTING}-{subject._meta.model_name}-{subject.pk}"


def subject_lists(subject):
    """The lists a subject's own page and feeds follow. A place's page also follows the
    places it lies in: it names them while they have pages (articles.models.City), and
    a change inside them is also one of theirs (`_with_places_around`)."""
    own = [listing_of(subject)]
    if subject._meta.model_name == "city":
        around = (subject.parent_id, subject.__dict__.get("grandparent_id"))
        own += [f"{LISTING}-city-{pk}" for pk in around if pk]
    return [*own, LISTING] if subject._meta.model_name in NAMES_OTHER_SUBJECTS else own


def _with_places_around(model, pks):
    """Places `pks` and the Kreise and Länder they lie in: a Land's page lists its towns'
    articles, so a change to those is a change of the Land's list too."""
    pks = set(pks)
    if model._meta.model_name != "city" or not pks:
        return pks
    around = model.objects.filter(pk__in=pks).values_list("parent", "parent__parent")
    return pks | {pk for row in around for pk in row if pk}


# Recording ---------------------------------------------------------------------------------


@dataclass
class Recording:
    shown: set = field(default_factory=set)
    lists: list | None = None  # None: the safe default, every list

    def keys(self):
        lists = [LISTING] if self.lists is None else self.lists
        return sorted(self.shown.union(lists, [EVERYTHING]))


_recording = ContextVar("newsroom_surrogate_keys", default=None)


@contextmanager
def recording():
    """Note what the code inside shows; yields the Recording."""
    found = Recording()
    token = _recording.set(found)
    try:
        yield found
    finally:
        _recording.reset(token)


def shows(*keys):
    """The response being rendered shows these keys (beyond the rows it loads)."""
    found = _recording.get()
    if found is not None:
        found.shown.update(keys)


def lists_shown(*keys):
    """The response shows these lists only (none: no list), not every list."""
    found = _recording.get()
    if found is not None:
        found.lists = list(keys)


def current_lists():
    """The lists the response being rendered shows (every list, outside a response)."""
    found = _recording.get()
    return [LISTING] if found is None or found.lists is None else list(found.lists)


def _loaded(sender, instance, **kwargs):
    found = _recording.get()
    if found is not None and instance.pk is not None:
        found.shown.add(key_for(instance))


# Versions ----------------------------------------------------------------------------------


def versions(keys):
    """The current version of each key, made now for keys that have none yet."""
    names = {VERSION_PREFIX + key: key for key in keys}
    found = cache.get_many(names)
    for name in names.keys() - found.keys():
        cache.add(name, time.time_ns(), timeout=None)
    if len(found) < len(names):
        found.update(cache.get_many([name for name in names if name not in found]))
    # None where the cache cannot say (it is down): nothing is kept with that.
    return {key: found.get(name) for name, key in names.items()}


def still_fresh(entry):
    """Whether no key has changed since `entry` (a kept response or datum, articles.cache)
    was made with its "versions". While the stamp read before it was made is still the
    current one, nothing public has changed at all: one read answers, rather than one per
    key it shows (the file cache reads each from a file of its own)."""
    made_at = entry.get("stamp")
    if made_at is not None and cache.get(STAMP_KEY) == made_at:
        return True
    made_with = entry["versions"]
    current = cache.get_many([VERSION_PREFIX + key for key in made_with])
    return all(current.get(VERSION_PREFIX + key) == version
               for key, version in made_with.items())


# Invalidation ------------------------------------------------------------------------------


def stamp():
    """A stamp that changes with every change to public content: a response rendered
    while it changed is not kept (articles.cache)."""
    current = cache.get(STAMP_KEY)
    if current is None:
        # Missing (a fresh or restarted cache): start anew.
        cache.add(STAMP_KEY, time.time_ns(), timeout=None)
        current = cache.get(STAMP_KEY, 0)
    return current


def changed(*keys):
    """Retire every response that shows one of `keys`: now, and again at commit."""
    _bump(keys)
    # Per connection, as transactions are: each thread has its own.
    connection = transaction.get_connection()
    connection.__dict__.setdefault("newsroom_stale_keys", set()).update(keys)
    transaction.on_commit(lambda: _at_commit(connection))


def changed_everything():
    """Retire every cached response: after writes that bypass the models' signals."""
    changed(EVERYTHING)


def _bump(keys):
    """New versions for `keys`, and a new stamp. New numbers rather than increments: the
    file-based cache increments by reading and writing, and two workers could both
    write N + 1, the second change then going unnoticed. The stamp goes first: while a
    reader still finds the old stamp, no key has changed yet (still_fresh)."""
    now = time.time_ns()
    cache.set_many({STAMP_KEY: now, **{VERSION_PREFIX + key: now for key in keys}},
                   timeout=None)


def _at_commit(connection):
    """Once per commit: the first callback of a transaction takes every pending key (and
    keys left by a rolled-back one, which cost only a renewal)."""
    keys = connection.__dict__.pop("newsroom_stale_keys", set())
    if not keys:
        return
    _bump(keys)
    committed.send(sender=None, keys=keys)
    purge(sorted(keys))


def purge(keys):
    """Tell the CDN or Varnish in front (NEWSROOM_PURGE_URL) which keys went stale: a POST
    to the URL, `{keys}` in it replaced by the keys, and the keys in the Surrogate-Key
    header. A purge that fails is logged; the pages it leaves expire as usual."""
    template = settings.NEWSROOM_PURGE_URL
    if not template:
        return
    joined = " ".join(keys)
    url = template.replace("{keys}", urllib.parse.quote(joined))
    request = urllib.request.Request(url, method="POST", headers={"Surrogate-Key": joined})
    try:
        with urllib.request.urlopen(request, timeout=settings.NEWSROOM_PURGE_TIMEOUT):  # noqa: S310 (the operator's URL)
            pass
    except OSError:
        logger.warning("Purge of %d keys at %s failed", len(keys), url, exc_info=True)


# What a change concerns --------------------------------------------------------------------


def _is_listed(article):
    from articles.models import Status

    return article.status == Status.PUBLISHED


def _subject_lists_of(article):
    """The lists of an article's subjects, for a change of whether or where it is listed."""
    keys = []
    for name in SUBJECT_RELATIONS:
        model = article._meta.get_field(name).related_model
        prefix = f"{LISTING}-{model._meta.model_name}-"
        pks = getattr(article, name).values_list("pk", flat=True)
        keys += [prefix + str(pk) for pk in _with_places_around(model, pks)]
    return keys


def _before_save(sender, instance, **kwargs):
    if sender._meta.model_name == "article" and instance.pk is not None:
        instance._listed_before = (
            sender.objects.filter(pk=instance.pk).values_list(*LISTED_BY).first()
        )
    if sender._meta.model_name == "city" and instance.pk is not None:
        # Moved to another Kreis or Land: the lists it leaves change too.
        instance._lists_around_before = _with_places_around(sender, [instance.pk])


def _before_delete(sender, instance, **kwargs):
    if sender._meta.model_name == "article":
        instance._subject_lists = _subject_lists_of(instance)


def legal_page_key(kind):
    """Shown by a legal page's URL, also before anybody wrote the page."""
    return f"legal-{kind}"


def _parents(instance):
    """Rows whose pages show `instance` without loading it when it is new."""
    name = instance._meta.model_name
    if name == "affiliation":
        return [f"person-{instance.person_id}", f"organisation-{instance.organisation_id}"]
    if name == "legalpage":
        return [legal_page_key(instance.kind)]
    if name == "navigationitem":
        return [NAVIGATION]
    return []


def _saved(sender, instance, created=False, update_fields=None, **kwargs):
    if sender._meta.label == settings.AUTH_USER_MODEL:
        # A login touches only last_login; bylines show names.
        if set(update_fields or ()) != {"last_login"}:
            changed(key_for(instance))
        return
    keys = [key_for(instance), *_parents(instance)]
    name = sender._meta.model_name
    if name == "article":
        listed = tuple(getattr(instance, field) for field in LISTED_BY)
        if created or getattr(instance, "_listed_before", None) != listed:
            keys += [LISTING, *_subject_lists_of(instance)]
    elif name == "imagecredit":
        keys.append(SCHEDULE)
    elif name == "city":
        around = getattr(instance, "_lists_around_before", set())
        around |= _with_places_around(sender, [instance.pk])
        keys += [LISTING, *(f"{LISTING}-city-{pk}" for pk in around)]
    elif name not in ("image", "articleredirect", "affiliation", "subjectredirect",
                      "legalpage", "navigationitem"):
        # Teasers, subjects and anything new: lists and filter choices may show them.
        keys.append(LISTING)
    changed(*keys)


def _deleted(sender, instance, **kwargs):
    keys = [key_for(instance), *_parents(instance)]
    if sender._meta.label != settings.AUTH_USER_MODEL:
        keys += [LISTING, *getattr(instance, "_subject_lists", ())]
    changed(*keys)


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """An article's topics, places, people, organisations, authors or related articles
    changed: pages showing it renew, and for a listed article the lists concerned."""
    if reverse or instance._meta.model_name != "article":
        # From the other side (topic.articles.add ...): that subject's lists change.
        if action.startswith("post_"):
            changed(key_for(instance), LISTING, listing_of(instance))
        return
    listed = _is_listed(instance)
    if action == "pre_clear" and listed:
        instance._lists_before_clear = _subject_lists_of(instance)
    if not action.startswith("post_"):
        return
    keys = [key_for(instance)]
    if listed:
        prefix = f"{LISTING}-{model._meta.model_name}-"
        keys += [LISTING, *(prefix + str(pk) for pk in _with_places_around(model, pk_set or ()))]
        keys += instance.__dict__.pop("_lists_before_clear", [])
    changed(*keys)


def connect():
    """Record and invalidate for every model visitors may see; called from apps.ready()."""
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_init,
        post_save,
        pre_delete,
        pre_save,
    )

    from articles.models import Article

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    visible = [model for model in apps.get_app_config("articles").get_models()
               if model._meta.model_name not in INVISIBLE_MODELS]
    for model in [*visible, user_model]:
        uid = f"surrogate-keys-{model._meta.label}"
        post_init.connect(_loaded, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    pre_save.connect(_before_save, sender=Article, dispatch_uid="surrogate-keys-article")
    pre_save.connect(_before_save, sender=apps.get_model("articles", "City"),
                     dispatch_uid="surrogate-keys-city")
    pre_delete.connect(_before_delete, sender=Article, dispatch_uid="surrogate-keys-article")
    for name in (*SUBJECT_RELATIONS, "authors", "related"):
        through = Article._meta.get_field(name).remote_field.through
        m2m_changed.connect(_links_changed, sender=through,
                            dispatch_uid=f"surrogate-keys-article-{name}")
