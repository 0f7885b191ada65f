"""Revisions: an article's whole content as a JSON document, diffs between two, restores.

A revision holds the text fields, the publication time, the lead image and every relation
(topics, cities, people, organisations, related articles, authors) by id and by name, so a
diff reads well even after a person was renamed or deleted.
"""

import difflib
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Image, Organisation, Person, Revision

TEXT_FIELDS = ("kicker", "headline", "slug", "teaser")
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
        "topics": sorted(article.topics.names()),
        "cities": sorted(article.cities.names()),
        "people": [_ref(p, p.name) for p in article.people.order_by("name")],
        "organisations": [_ref(o, o.name) for o in article.organisations.order_by("name")],
        "related": [_ref(a, a.headline) for a in article.related.order_by("pk")],
        "authors": [
            _ref(u, u.get_full_name() or u.get_username()) for u in article.authors.order_by("pk")
        ],
    }


def record(article, user, note=""):
    return Revision.objects.create(
        article=article, version=article.version, user=user, status=article.status,
        data=snapshot(article), note=note,
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


def _words(html):
    text = strip_tags(re.sub(r"</(p|h\d|li|blockquote)>", "\n", html or ""))
    return re.findall(r"\S+|\n", text)


def _word_diff(old, new):
    """Words removed and added, in reading order, as escaped HTML."""
    old_words, new_words = _words(old), _words(new)
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
        if name in ("body", "teaser"):
            html = _word_diff(before, after)
        else:
            html = (
                f"<del>{escape(_display(name, before))}</del> → "
                f"<ins>{escape(_display(name, after))}</ins>"
            )
        changes.append(Change(name, str(label), mark_safe(html)))  # noqa: S308 - escaped above
    return changes


@dataclass
class ChangesSince:
    """What others saved since a given version: for the edit-conflict message."""

    who: str
    changes: list


def changes_since(article, version):
    later = Revision.objects.filter(article=article.pk, version__gt=version or 0)
    names = {
        revision.user.get_full_name() or revision.user.get_username()
        for revision in later.select_related("user")
        if revision.user
    }
    base = Revision.objects.filter(article=article.pk, version=version).first()
    current = snapshot(Article.objects.get(pk=article.pk))
    return ChangesSince(", ".join(sorted(names)), diff(base.data, current) if base else [])
