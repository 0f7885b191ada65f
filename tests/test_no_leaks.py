"""Nothing unpublished leaks: drafts, articles in review, scheduled, archived and trashed
articles, with their own person, organisation, city, topic and image, and the pending
changes of a published article, appear on no public URL, feed, sitemap or media file."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from articles.editorial import livecopy, revisions
from articles.models import (
    Article,
    ImageCredit,
    ImportedItem,
    Organisation,
    Person,
    Status,
)
from articles.public.sitemaps import SITEMAPS
from tests.public_urls import concrete_urls, newsletter_values, url_names

pytestmark = pytest.mark.django_db

SECRET = "Geheimsache"


@pytest.fixture
def newsroom(make_article, make_image):
    now = timezone.now()
    public_person = Person.objects.create(name="Offene Person")
    public_org = Organisation.objects.create(name="Offene Organisation")
    public = make_article(headline="Öffentliche Meldung", cities=["Offenstadt"],
                          topics=["Offenes Thema"], people=[public_person],
                          organisations=[public_org],
                          lead_image=make_image(alt_text="Offenes Bild",
                                                credit=ImageCredit.objects.create(
                                                    creator="Offene Fotografin")))
    hidden = []
    states = {
        "Entwurf": {"status": Status.DRAFT},
        "Pruefung": {"status": Status.REVIEW},
        "Termin": {"status": Status.PUBLISHED, "published_at": now + timedelta(days=3)},
        "Archiv": {"status": Status.ARCHIVED, "published_at": now - timedelta(days=40)},
        "Papierkorb": {"status": Status.TRASHED, "published_at": now - timedelta(days=30),
                       "trashed_from": Status.PUBLISHED, "trashed_at": now - timedelta(days=1)},
    }
    for label, fields in states.items():
        person = Person.objects.create(name=f"{SECRET} Person {label}")
        org = Organisation.objects.create(name=f"{SECRET} Organisation {label}")
        image = make_image(title=f"{SECRET}-Bild-{label}", alt_text=f"{SECRET} Alt {label}",
                           caption=f"{SECRET} Bildunterschrift {label}",
                           credit=ImageCredit.objects.create(creator=f"{SECRET} Fotograf {label}"))
        article = make_article(
            headline=f"{SECRET} Überschrift {label}", kicker=f"{SECRET} Dachzeile {label}",
            teaser=f"{SECRET} Anreißer {label}", body=f"<p>{SECRET} Text {label}</p>",
            cities=[f"{SECRET}stadt {label}"], topics=[f"{SECRET}thema {label}"],
            people=[person], organisations=[org], lead_image=image, **fields)
        # Also tagged with the public subjects: their pages must still hide it.
        article.cities.add("Offenstadt")
        article.topics.add("Offenes Thema")
        article.people.add(public_person)
        article.organisations.add(public_org)
        public.related.add(article)
        # As if it came from WordPress: its old permalinks must not reveal it either.
        ImportedItem.objects.create(source=ImportedItem.Source.WORDPRESS, key=str(article.pk),
                                    article=article, old_slug=article.slug,
                                    old_date=now.date().replace(day=1))
        hidden.append(article)
    # Changes to the public article that wait for review.
    pending = {**revisions.snapshot(public), "headline": f"{SECRET} Arbeitskopie",
               "body": f"<p>{SECRET} Arbeitskopietext</p>", "topics": [f"{SECRET}thema neu"]}
    livecopy.save(public, pending, None, expected_version=public.version,
                  correction=f"{SECRET} Korrektur")
    return {"public": public, "hidden": hidden}


def secrets_of(article):
    """What a hidden article carries: its texts, the names only it uses, its picture's
    texts and the names of its original and renditions."""
    image = article.lead_image
    own_names = [
        *article.cities.values_list("name", flat=True),
        *article.topics.values_list("name", flat=True),
        *article.people.values_list("name", flat=True),
        *article.organisations.values_list("name", flat=True),
    ]
    return [article.headline, article.kicker, article.teaser, article.slug,
            strip_tags(article.body), image.title, image.alt_text, image.caption,
            image.credit.creator, image.file.name,
            *image.renditions.values_list("file", flat=True),
            *[name for name in own_names if name.startswith(SECRET)]]


def media_names(article):
    image = article.lead_image
    return [image.file.name, *image.renditions.values_list("file", flat=True)]


def test_no_public_url_shows_unpublished_content(client, newsroom):
    public = newsroom["public"]
    hidden = newsroom["hidden"]
    now = timezone.localtime()
    months = {timezone.localtime(a.published_at) for a in [public, *hidden] if a.published_at}
    values = {
        "slug": ["offenstadt", "offenes-thema", "offene-person", "offene-organisation",
                 public.slug]
        + [a.slug for a in hidden]
        + [s for a in hidden for s in a.cities.values_list("slug", flat=True)]
        + [s for a in hidden for s in a.topics.values_list("slug", flat=True)]
        + [p.slug for a in hidden for p in a.people.all()]
        + [o.slug for a in hidden for o in a.organisations.all()],
        "year": sorted({m.year for m in months} | {now.year}),
        "month": sorted({m.month for m in months} | {now.month}),
        "day": [1, 3],
        "section": sorted(SITEMAPS),
        # Uploaded files are served by their random names, never listed; the hidden
        # articles' pictures are not served to visitors at all.
        "name": [public.lead_image.file.name, *[n for a in hidden for n in media_names(a)]],
        **newsletter_values(),
    }
    forbidden = [text for article in hidden for text in secrets_of(article)] + [
        f"{SECRET} Arbeitskopie", f"{SECRET}thema neu", f"{SECRET} Korrektur"]
    checked = 0
    for name, url in concrete_urls(values):
        for query in ("", "?q=Geheimsache", "?q=Text", "?page=2"):
            response = client.get(url + query)
            assert response.status_code < 500, (url + query, response.status_code)
            if name == "media" and url.removeprefix("/media/") != public.lead_image.file.name:
                assert response.status_code == 404, url
            content = (b"".join(response.streaming_content) if response.streaming
                       else response.content)
            body = content.decode("utf-8", "replace")
            # A withdrawn article's notice names the headline it had when it was public.
            allowed = {a.headline for a in hidden if response.status_code == 410}
            leaked = [text for text in forbidden if text in body and text not in allowed]
            assert not leaked, f"{name} {url}{query} shows {leaked}"
            checked += 1
    assert checked > 100


def test_public_pages_do_show_the_public_article(client, newsroom):
    page = client.get("/").content.decode()
    assert "Öffentliche Meldung" in page
    assert Article.objects.published().count() == 1


def test_the_walk_covers_every_api_and_embed_route(client, newsroom):
    """The API's and the news box's routes are named, so the walk above visits them all;
    and they do show the public article, so a route answering nothing would not pass
    for one that hides well."""
    names = {name for name, _parameters in url_names()}
    api_routes = {name for name in names if name.startswith("api:")}
    assert {"api:article_list", "api:article_detail", "api:topic_list", "api:topic_detail",
            "api:city_list", "api:city_detail", "api:person_list", "api:person_detail",
            "api:organisation_list", "api:organisation_detail", "api:openapi-json"
            } <= api_routes
    assert {"embed_city", "embed_topic"} <= names
    public = newsroom["public"]
    assert public.headline.encode() in client.get("/api/v1/articles/").content
    assert b"Offene Person" in client.get("/api/v1/people/").content
    assert public.headline.encode() in client.get("/einbinden/kommune/offenstadt/").content
