"""What the API answers, as schemas: the OpenAPI document is generated from these, and
every answer is checked against them before it leaves.

Field names are English; texts are the newsroom's German. `from_*` functions build an
answer from model instances already loaded (relations by `load_relations`), so building
one costs no query.
"""

from datetime import date, datetime

from ninja import Field, Schema

from articles.images import public_renditions
from articles.models.images import LicenceType
from articles.models.tags import State


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    parameter: str | None = Field(None, description="Der Parameter, der den Fehler auslöste.")


class Subject(Schema):
    name: str
    slug: str
    url: str = Field(description="Die Seite im Portal.")


class Place(Subject):
    official_key: str | None = Field(
        None, description="Amtlicher Gemeindeschlüssel (8 Ziffern; Kreise 5, Länder 2); "
                          "null, solange das Portal keinen führt.")
    state: str | None = Field(None, description="Bundesland als Kürzel, z. B. RP.")
    state_name: str | None = None


class Person(Subject):
    description: str


class Organisation(Subject):
    kind: str
    website: str | None = None


class Credit(Schema):
    creator: str
    rights_holder: str | None
    licence_type: LicenceType
    licence: str = Field(description="Der Name der Lizenz, wie die Bildquelle ihn nennt.")
    licence_url: str | None = Field(
        description="Die Lizenzbedingungen; bei Creative Commons die deutsche Fassung.")
    valid_until: date | None = Field(
        description="Letzter Tag, an dem das Bild gezeigt werden darf; danach fehlt es in "
                    "allen Antworten. null: unbefristet.")
    source_url: str | None


class Rendition(Schema):
    url: str
    width: int
    height: int
    format: str


class LeadImage(Schema):
    caption: str
    alt_text: str = Field(description="Leer bei rein dekorativen Bildern.")
    renditions: list[Rendition]
    credit: Credit | None


class CorrectionNote(Schema):
    at: datetime
    text: str


class ArticleSummary(Schema):
    slug: str
    kicker: str
    headline: str
    teaser: str
    url: str = Field(description="Der Artikel im Portal.")
    published_at: datetime
    modified_at: datetime = Field(description="Wann die letzte Änderung veröffentlicht wurde.")
    authors: list[str]
    lead_image: LeadImage | None
    topics: list[Subject]
    places: list[Place]
    people: list[Subject]
    organisations: list[Subject]


class Article(ArticleSummary):
    body: str = Field(description="Bereinigtes HTML: Absätze, Zwischenüberschriften, "
                                  "Hervorhebungen, Links, Listen, Zitate.")
    corrections: list[CorrectionNote]


class Page(Schema):
    next: str | None = Field(description="Die nächste Seite; null auf der letzten.")
    next_cursor: str | None


class ArticlePage(Page):
    items: list[ArticleSummary]


class TopicPage(Page):
    items: list[Subject]


class PlacePage(Page):
    items: list[Place]


class PersonPage(Page):
    items: list[Person]


class OrganisationPage(Page):
    items: list[Organisation]


def _url(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url())


def from_subject(request, subject):
    return {"name": subject.name, "slug": subject.slug, "url": _url(request, subject)}


def from_place(request, city):
    state = getattr(city, "state", "") or None
    return {**from_subject(request, city), "official_key": city.ags or None, "state": state,
            "state_name": State(state).label if state else None}


def from_person(request, person):
    return {**from_subject(request, person), "description": person.description}


def from_organisation(request, organisation):
    return {**from_subject(request, organisation), "kind": organisation.kind,
            "website": organisation.website or None}


def from_image(request, image):
    if image is None:
        return None
    credit = image.credit
    return {
        "caption": image.caption,
        "alt_text": "" if image.decorative else image.alt_text,
        "renditions": [{**vars(r), "url": request.build_absolute_uri(r.url)}
                       for r in public_renditions(image)],
        "credit": credit and {
            "creator": credit.creator, "rights_holder": credit.rights_holder or None,
            "licence_type": credit.licence_type, "licence": credit.licence_name,
            "licence_url": credit.licence_link or None, "valid_until": credit.valid_until,
            "source_url": credit.source_url or None,
        },
    }


def from_article(request, article, *, full=False):
    """An article whose relations are loaded; `full` adds its text and corrections."""
    data = {
        "slug": article.slug, "kicker": article.kicker, "headline": article.headline,
        "teaser": article.teaser, "url": _url(request, article),
        "published_at": article.published_at, "modified_at": article.public_modified_at,
        "authors": [a.get_full_name() or a.get_username() for a in article.authors.all()],
        "lead_image": from_image(request, article.public_lead_image),
        "topics": [from_subject(request, t) for t in article.topics.all()],
        "places": [from_place(request, c) for c in article.cities.all()],
        # Only the names and slugs (all load_relations reads): the full record is one
        # request away.
        "people": [from_subject(request, p) for p in article.people.all()],
        "organisations": [from_subject(request, o) for o in article.organisations.all()],
    }
    if full:
        data["body"] = article.body
        data["corrections"] = [note._asdict() for note in article.correction_notes]
    return data
