"""The credits page: every picture the public site shows, with its credit and its uses.

German copyright law lets photographers be named wherever their work appears. The page
must therefore know each picture a visitor can see, and no other: a picture only a draft
uses is nobody's business yet, and one whose licence has ended is on no page any more.
Three queries, however many pictures.
"""

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from articles.models import Article, Image, Person, Teaser, licensed


@dataclass(frozen=True)
class Use:
    """Where a visitor sees a picture: "Artikel: <headline>", linked."""

    kind: str
    title: str
    url: str


@dataclass
class Entry:
    image: Image
    uses: list[Use] = field(default_factory=list)


@dataclass
class Group:
    """The pictures of one creator or agency; `label` is None for uncredited ones."""

    label: str | None
    entries: list[Entry]


def public_pictures():
    """Each picture on a public page, with its uses: lead images of public articles,
    pictures of active teasers, and portraits of the people who have a public page."""
    entries = {}

    def add(image, use):
        if licensed(image) is None:
            return
        entry = entries.setdefault(image.pk, Entry(image))
        if use not in entry.uses:  # a picture in two placements of the same teaser
            entry.uses.append(use)

    articles = (
        Article.objects.published()
        .filter(lead_image__isnull=False)
        .select_related("lead_image__credit")
        .defer("body")
        .newest()
    )
    for article in articles:
        add(article.lead_image, Use(_("Artikel"), article.headline, article.get_absolute_url()))
    teasers = (
        Teaser.objects.active()
        .filter(image__isnull=False)
        .select_related("image__credit", "article")
        .defer("article__body")
    )
    for teaser in teasers:
        add(teaser.image, Use(_("Teaser"), teaser.display_headline, teaser.get_absolute_url()))
    people = Person.objects.public().filter(portrait__isnull=False).select_related(
        "portrait__credit")
    for person in people:
        add(person.portrait, Use(_("Person"), person.name, person.get_absolute_url()))
    return list(entries.values())


def credit_groups():
    """public_pictures() grouped by credit label in alphabetical order; uncredited last."""
    groups = {}
    for entry in public_pictures():
        credit = entry.image.credit
        groups.setdefault(credit.label if credit else None, []).append(entry)
    labels = sorted(filter(None, groups), key=_alphabetical)
    if None in groups:
        labels.append(None)
    return [Group(label, groups[label]) for label in labels]


def _alphabetical(text):
    """Sort key that files "Özdemir" under O, as German indexes do, not after Z."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
