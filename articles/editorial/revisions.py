"""Revisions: an article's whole content as a JSON document, diffs between two, restores.

A revision holds the text fields, the publication time, the lead image and every relation
(topics, cities, people, organisations, related articles, authors) by id and by name, so a
diff reads well even after a person was renamed or deleted.
"""

import difflib
import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from articles.models import Article, City, Image, Organisation, Person, Revision, Topic
from articles.models.tags import normalise_tag_name, tag_key
from articles.sanitize import clean_html

TEXT_FIELDS = ("kicker", "headline", "slug", "teaser")
# Compared word by word; the other fields as a whole value.
WORD_DIFFED = ("kicker", "headline", "teaser", "body")
RELATIONS = ("topics", "cities", "people", "organisations", "related", "authors")
LABELS = {
    "kicker": _("Dachzeile"),
    "headline": _("Überschrift"),
    "slug": _("Kurzname in der URL"),
    "teaser": _("Anreißer"),
    "body": _("Text"),
    "status": _("Status"),
    "published_at": _("veröffentlicht am"),
    "lead_image": _("Aufmacherbild"),
    "topics": _("Themen"),
    "cities": _("Kommunen"),
    "people": _("erwähnte Personen"),
    "organisations": _("erwähnte Organisationen"),
    "related": _("verwandte Artikel"),
    "authors": _("Autorinnen und Autoren"),
}


def _ref(obj, label):
    return {"id": obj.pk, "name": label}


def snapshot(article):
    """The article's full content as plain JSON data."""
    image = article.lead_image
    return {
        **{name: getattr(article, name) for name in TEXT_FIELDS},
        "body": article.body,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "lead_image": _ref(image, image.title) if image else None,
        # From .all(), not .names(): a prefetch (snapshots) then answers without a query.
        "topics": sorted(tag.name for tag in article.topics.all()),
        "cities": sorted(tag.name for tag in article.cities.all()),
        **_references(people=article.people.all(), organisations=article.organisations.all(),
                      related=article.related.all(), authors=article.authors.all()),
    }


def snapshots(articles):
    """The snapshot of each article in the queryset `articles`, in a handful of queries
    for all of them (imports record thousands at once)."""
    articles = articles.select_related("lead_image").prefetch_related(*RELATIONS)
    return [(article, snapshot(article)) for article in articles]


def _references(*, people, organisations, related, authors):
    """Relations by id and name, in an order that does not depend on the database."""
    by_name = {"key": lambda obj: (obj.name, obj.pk)}
    return {
        "people": [_ref(p, p.name) for p in sorted(people, **by_name)],
        "organisations": [_ref(o, o.name) for o in sorted(organisations, **by_name)],
        "related": [_ref(a, a.headline) for a in sorted(related, key=lambda a: a.pk)],
        "authors": [_ref(u, u.get_full_name() or u.get_username())
                    for u in sorted(authors, key=lambda u: u.pk)],
    }


def _tag_names(model, names):
    """Typed tag names as they are stored: "smart city" is the topic "Smart City"."""
    stored = dict(model.objects.filter(name_key__in=[tag_key(n) for n in names])
                  .values_list("name_key", "name"))
    return sorted({stored.get(tag_key(n), normalise_tag_name(n)) for n in names})


def content_from_values(values, shown):
    """A content document from an article form's cleaned values. `shown` is the document
    the form was filled from: where the form loses precision (a time's microseconds),
    its value stands, so an untouched field never reads as changed."""
    published_at = values.get("published_at")
    shown_at = parse_datetime(shown["published_at"]) if shown.get("published_at") else None
    if published_at and shown_at and published_at == shown_at.replace(microsecond=0):
        published_at = shown_at
    image = values.get("lead_image")
    return {
        **{name: values.get(name) or "" for name in TEXT_FIELDS},
        "body": clean_html(values.get("body") or ""),
        "published_at": published_at.isoformat() if published_at else None,
        "lead_image": _ref(image, image.title) if image else None,
        "topics": _tag_names(Topic, values.get("topics") or []),
        "cities": _tag_names(City, values.get("cities") or []),
        **_references(**{name: values.get(name) or []
                         for name in ("people", "organisations", "related", "authors")}),
    }


def form_initial(data):
    """An article form's initial values from a content document."""
    published_at = data.get("published_at")
    return {
        **{name: data.get(name, "") for name in (*TEXT_FIELDS, "body")},
        "published_at": parse_datetime(published_at) if published_at else None,
        "lead_image": (data.get("lead_image") or {}).get("id"),
        # The tag inputs spell out anything with a `name`.
        "topics": [SimpleNamespace(name=name) for name in data.get("topics", [])],
        "cities": [SimpleNamespace(name=name) for name in data.get("cities", [])],
        **{name: [ref["id"] for ref in data.get(name, [])]
           for name in ("people", "organisations", "related", "authors")},
    }


def record(article, user, note="", data=None):
    """Keep `data` (by default the saved article) as the article's current version."""
    return Revision.objects.create(
        article=article, version=article.version, user=user, status=article.status,
        data=snapshot(article) if data is None else data, note=note,
    )


def apply(article, data):
    """Put a revision's own fields back on `article` (unsaved)."""
    for name in (*TEXT_FIELDS, "body"):
        setattr(article, name, data.get(name, ""))
    published_at = data.get("published_at")
    article.published_at = parse_datetime(published_at) if published_at else None
    image = data.get("lead_image")
    article.lead_image = Image.objects.filter(pk=image["id"]).first() if image else None


def apply_relations(article, data):
    """Put a revision's relations back on the saved `article`; vanished objects stay away."""
    article.topics.set(data.get("topics", []))
    article.cities.set(data.get("cities", []))
    for name, model in (
        ("people", Person), ("organisations", Organisation), ("related", Article),
        ("authors", get_user_model()),
    ):
        ids = [ref["id"] for ref in data.get(name, [])]
        getattr(article, name).set(model._default_manager.filter(pk__in=ids))


@dataclass
class Change:
    field: str
    label: str
    html: str  # the change, marked up with <del> and <ins>, every value escaped


def _display(name, value):
    if value in (None, "", []):
        return "–"
    if name == "published_at":
        return date_format(localtime(parse_datetime(value)), "SHORT_DATETIME_FORMAT")
    if name == "status":
        from articles.models import Status

        return str(Status(value).label)
    if name == "lead_image":
        return value["name"]
    if isinstance(value, list):
        return ", ".join(v["name"] if isinstance(v, dict) else v for v in value)
    return str(value)


def _words(text, *, html):
    """The words of a field: the body's as read (its markup dropped, blocks as line
    breaks), a plain-text field's exactly as typed, "<b>" included."""
    if html:
        text = strip_tags(re.sub(r"</(p|h\d|li|blockquote)>", "\n", text or ""))
    return re.findall(r"\S+|\n", text or "")


def _word_diff(old, new, *, html=False):
    """Words removed and added, in reading order, as escaped HTML."""
    old_words, new_words = _words(old, html=html), _words(new, html=html)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return " ".join(parts).replace(" \n ", "<br>").replace("\n", "<br>")


def diff(old, new):
    """The fields that differ between two revision data documents, in form order."""
    changes = []
    for name, label in LABELS.items():
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name in WORD_DIFFED:
            html = _word_diff(before, after, html=name == "body")
        else:
            html = (
                f"<del>{escape(_display(name, before))}</del> → "
                f"<ins>{escape(_display(name, after))}</ins>"
            )
        changes.append(Change(name, str(label), mark_safe(html)))  # noqa: S308 - escaped above
    return changes


@dataclass
class ConflictField:
    field: str
    label: str
    mine: str  # each side's text, its changes since the common version marked up
    theirs: str
    choice: str | None


@dataclass
class Conflict:
    """What others saved since the version a user started from, for the merge form."""

    who: str
    version: int
    fields: list  # ConflictField: both sides changed
    merged: list  # Change: taken over from the others' save


def _side(name, base, value):
    if name in WORD_DIFFED:
        return mark_safe(_word_diff((base or {}).get(name), value, html=name == "body"))  # noqa: S308 - escaped
    return escape(_display(name, value))


def conflict_since(article, version, base, theirs, mine, conflicts, choices):
    later = Revision.objects.filter(article=article.pk, version__gt=version or 0)
    names = {
        revision.user.get_full_name() or revision.user.get_username()
        for revision in later.select_related("user")
        if revision.user
    }
    fields = [
        ConflictField(name, str(LABELS[name]), _side(name, base, mine.get(name)),
                      _side(name, base, theirs.get(name)), choices.get(name))
        for name in conflicts
    ]
    taken = {name for name in LABELS if name not in conflicts
             and mine.get(name) == (base or {}).get(name) != theirs.get(name)}
    merged = [change for change in diff(base or {}, theirs) if change.field in taken]
    return Conflict(", ".join(sorted(names)), article.version, fields, merged)
