"""Embargo-proof: names only unpublished articles use stay unknown, share links made for
one state never open a later one, login throttling sees the real client behind a proxy,
and every sitemap section answers."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.editorial import previews, workflow
from articles.models import City, Organisation, Person, Status, Topic, Transition
from articles.public.sitemaps import SITEMAPS

pytestmark = pytest.mark.django_db

SECRET = {"topic": "Fusion Stadtwerke", "city": "Geheimstadt", "person": "Neue Chefin",
          "organisation": "Neugründung GmbH"}


@pytest.fixture
def embargoed(make_article):
    """A scheduled and a draft article, the only ones about some names."""
    person = Person.objects.create(name=SECRET["person"], description="Wird bald vorgestellt.")
    org = Organisation.objects.create(name=SECRET["organisation"])
    for status, at in ((Status.PUBLISHED, timezone.now() + timedelta(days=1)),
                       (Status.DRAFT, None)):
        make_article(status=status, published_at=at, topics=[SECRET["topic"]],
                     cities=[SECRET["city"]], people=[person], organisations=[org])
    make_article(topics=["Öffentlich"], cities=["Jena"])  # something public besides
    return {"topic": Topic.objects.get(name=SECRET["topic"]),
            "city": City.objects.get(name=SECRET["city"]), "person": person,
            "organisation": org}


def test_subjects_of_unpublished_articles_have_no_page_feed_or_option(client, embargoed):
    for kind, subject in embargoed.items():
        assert client.get(subject.get_absolute_url()).status_code == 404, kind
        for format in ("rss", "atom"):
            feed = reverse(f"articles:{kind}_feed_{format}", args=[subject.slug])
            assert client.get(feed).status_code == 404, (kind, format)
    listing = client.get(reverse("articles:list")).content.decode()
    for name in SECRET.values():
        assert name not in listing
    assert "Jena" in listing and "Öffentlich" in listing
    # Asking for them by slug is the same as asking for nonsense: the plain list.
    response = client.get(reverse("articles:list"), {"topic": embargoed["topic"].slug})
    assert response.status_code == 200 and SECRET["topic"] not in response.content.decode()


def test_subjects_appear_once_their_article_is_public(client, embargoed, make_article, editor):
    make_article(topics=[embargoed["topic"]], people=[embargoed["person"]])
    assert client.get(embargoed["topic"].get_absolute_url()).status_code == 200
    page = client.get(embargoed["person"].get_absolute_url()).content.decode()
    assert "Wird bald vorgestellt." in page


def test_organisation_and_person_pages_name_only_public_subjects(client, make_article):
    from articles.models import Affiliation

    public_org = Organisation.objects.create(name="KL.digital")
    secret_person = Person.objects.create(name=SECRET["person"])
    Affiliation.objects.create(person=secret_person, organisation=public_org,
                               role="Geschäftsführerin")
    make_article(organisations=[public_org])
    make_article(status=Status.DRAFT, people=[secret_person])
    assert SECRET["person"] not in client.get(public_org.get_absolute_url()).content.decode()


def test_an_organisation_page_names_its_city_and_parent_only_when_they_are_public(
    client, embargoed, make_article
):
    child = Organisation.objects.create(name="Tochter GmbH", city=embargoed["city"],
                                        parent=embargoed["organisation"])
    make_article(organisations=[child])
    page = client.get(child.get_absolute_url()).content.decode()
    assert SECRET["city"] not in page and SECRET["organisation"] not in page
    make_article(cities=[embargoed["city"]], organisations=[embargoed["organisation"]])
    page = client.get(child.get_absolute_url()).content.decode()
    assert SECRET["city"] in page and SECRET["organisation"] in page


# Share links --------------------------------------------------------------------------------


STEPS = [  # (status before, step, publish_at in days)
    (Status.DRAFT, Transition.PUBLISH, None),
    (Status.DRAFT, Transition.SCHEDULE, 1),
    (Status.PUBLISHED, Transition.ARCHIVE, None),
    (Status.ARCHIVED, Transition.REOPEN, None),
    (Status.DRAFT, Transition.TRASH, None),
]


@pytest.mark.parametrize(("status", "step", "days"), STEPS)
def test_every_step_gives_the_article_a_new_preview_key(make_article, editor, client,
                                                        status, step, days):
    article = make_article(status=status, topics=["Breitband"],
                           published_at=timezone.now() - timedelta(days=3)
                           if status != Status.DRAFT else None)
    link = previews.share_url(article)
    key = article.preview_key
    workflow.perform(article, step, editor,
                     publish_at=timezone.now() + timedelta(days=days) if days else None)
    article.refresh_from_db()
    assert article.preview_key != key
    if step == Transition.REOPEN:
        # Archived, then reopened: the link made for the archived article stays shut.
        assert client.get(link).status_code == 404


def test_a_link_made_for_a_draft_stays_shut_after_archiving_and_reopening(make_article,
                                                                         editor, client):
    article = make_article(status=Status.DRAFT, topics=["Breitband"])
    link = previews.share_url(article)
    for step in (Transition.PUBLISH, Transition.ARCHIVE, Transition.REOPEN):
        workflow.perform(article, step, editor)
        assert client.get(link).status_code == 404, step


# Sitemaps ---------------------------------------------------------------------------------


def urlset(response):
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag.endswith("urlset")
    return root


@pytest.mark.parametrize("section", list(SITEMAPS))
def test_every_sitemap_section_answers_on_an_empty_site(client, section):
    urlset(client.get(f"/sitemap-{section}.xml"))


def test_index_lists_only_sections_with_urls(client, make_article):
    assert "sitemap-themen" not in client.get("/sitemap.xml").content.decode()
    person, org = Person.objects.create(name="Eine"), Organisation.objects.create(name="Eins")
    make_article(topics=["Thema"], cities=["Stadt"], people=[person], organisations=[org])
    index = client.get("/sitemap.xml").content.decode()
    for section in SITEMAPS:
        assert f"sitemap-{section}.xml" in index
        assert len(urlset(client.get(f"/sitemap-{section}.xml"))) >= 1


# Login throttling behind a proxy ------------------------------------------------------------


def login(address, username, password, proxy="10.0.0.1"):
    return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=address).post(
        reverse("admin:login"), {"username": username, "password": password})


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5


def test_one_clients_failures_never_lock_out_another_behind_the_same_proxy(
    behind_one_proxy, editor
):
    for _ in range(6):
        login("203.0.113.7", "erik", "falsch")
    assert login("203.0.113.7", "erik", "Redaktion-2025!").status_code == 429
    assert login("198.51.100.9", "erik", "Redaktion-2025!").status_code == 302


def test_a_forged_header_does_not_help_without_a_trusted_proxy(settings, editor):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(6):
        login(f"192.0.2.{n}", "erik", "falsch", proxy="203.0.113.7")
    assert login("192.0.2.99", "erik", "Redaktion-2025!", proxy="203.0.113.7").status_code == 429


def test_guessing_across_accounts_from_one_address_is_limited(behind_one_proxy, settings, db):
    settings.NEWSROOM_LOGIN_ADDRESS_LIMIT = 20
    from django.contrib.auth.models import User

    for n in range(6):
        User.objects.create_user(f"konto{n}", password="Richtig-2025!", is_staff=True)
    for n in range(24):
        login("203.0.113.7", f"konto{n % 6}", "falsch")
    assert login("203.0.113.7", "konto0", "Richtig-2025!").status_code == 429
    assert login("198.51.100.9", "konto0", "Richtig-2025!").status_code == 302


# Pictures -----------------------------------------------------------------------------------


def served(client, url):
    response = client.get(url)
    if response.status_code == 200:
        b"".join(response.streaming_content)
    return response


def test_pictures_of_unpublished_articles_are_not_served_to_visitors(
    client, editor_client, make_article, make_image
):
    image = make_image(alt_text="Porträt")
    article = make_article(status=Status.DRAFT, lead_image=image)
    rendition = image.renditions.first()
    for url in (image.file.url, rendition.file.url):
        assert served(client, url).status_code == 404, url
        staff = served(editor_client, url)
        assert staff.status_code == 200 and "no-store" in staff["Cache-Control"]
    article.status, article.published_at = Status.PUBLISHED, timezone.now()
    article.save()
    assert served(client, image.file.url).status_code == 200


def test_rendition_names_cannot_be_guessed_from_the_image(make_image):
    image = make_image()
    for rendition in image.renditions.all():
        folder = rendition.file.name.split("/")[1]
        assert folder != str(image.pk) and len(folder) == 24


def test_replacing_or_deleting_a_picture_removes_its_files(make_image, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import jpeg_bytes

    image = make_image()
    old = [image.file.name, *image.renditions.values_list("file", flat=True)]
    image.file = SimpleUploadedFile("neu.jpg", jpeg_bytes(80, 60, (10, 200, 10)))
    image.save()
    assert not any((media_root / name).exists() for name in old)
    current = [image.file.name, *image.renditions.values_list("file", flat=True)]
    assert all((media_root / name).exists() for name in current)
    image.delete()
    assert not any((media_root / name).exists() for name in current)
