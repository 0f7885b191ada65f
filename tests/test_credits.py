"""The credits page, "Bildnachweise": every picture a visitor can see, and no other."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Image, ImageCredit, Person, Placement, Status, Teaser
from articles.models.images import rendition_folder

pytestmark = pytest.mark.django_db

CREDITS_URL = "/bildnachweise/"


def headings(response, level=2):
    return re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", response.content.decode())


def pictured_image_ids(html):
    """The images a page shows, by the renditions its <picture> elements load."""
    folders = {rendition_folder(name): pk for pk, name in Image.objects.values_list("pk", "file")}
    return {folders[folder] for folder in re.findall(r"/renditions/(\w+)/", html)}


@pytest.fixture
def credited_image(make_image):
    def make(creator, **credit_fields):
        credit = ImageCredit.objects.create(creator=creator, **credit_fields)
        return make_image(alt_text=f"Foto von {creator}", credit=credit)

    return make


def test_demo_picture_is_credited_with_its_article(client):
    call_command("load_demo", verbosity=0)
    article = Article.objects.get(headline="KL.digital bekommt neue Geschäftsleitung")

    response = client.get(CREDITS_URL)

    assert headings(response, 1) == ["Bildnachweise"]
    # The placeholder is credited as what it is, not as the seed photographer's work.
    assert headings(response) == ["Platzhalterbild für ein Foto von Thomas Kierok"]
    assertContains(response, "<dt>Urheber/in</dt><dd>Platzhalterbild für ein Foto von "
                   "Thomas Kierok</dd>", html=True)
    assertContains(response, "<dt>Lizenz</dt><dd>Platzhalter der Demo, frei verwendbar</dd>",
                   html=True)
    assertContains(
        response,
        f'<li>Artikel: <a href="{article.get_absolute_url()}">{article.headline}</a></li>',
        html=True,
    )
    assert pictured_image_ids(response.content.decode()) == {article.lead_image_id}


def test_lists_exactly_the_pictures_on_public_pages(client, make_article, make_image,
                                                     credited_image):
    now = timezone.now()
    make_article(headline="Öffentliche Meldung", lead_image=credited_image("Anna Alt"))
    shared = credited_image("Bernd Berg")
    promoted = make_article(headline="Geteilt und öffentlich", lead_image=shared)
    make_article(headline="Geteilter Entwurf", status=Status.DRAFT, lead_image=shared)
    draft = make_article(status=Status.DRAFT, lead_image=credited_image("Nur Entwurf"))
    make_article(published_at=now + timedelta(days=1), lead_image=credited_image("Nur geplant"))
    make_article(status=Status.ARCHIVED, published_at=now - timedelta(days=3),
                 lead_image=credited_image("Nur archiviert"))
    Teaser.objects.create(placement=Placement.MORE, article=promoted,
                          image=credited_image("Teaserfoto"))
    Teaser.objects.create(placement=Placement.MORE, article=promoted,
                          image=credited_image("Abgelaufen"),
                          active_until=now - timedelta(hours=1))
    Teaser.objects.create(placement=Placement.MORE, article=draft,
                          image=credited_image("Teaser eines Entwurfs"))
    person = Person.objects.create(name="Ilona Benz", portrait=credited_image("Porträtfoto"))
    make_article(headline="Über Ilona Benz", people=[person])
    # A person no public article is about has no page, and her portrait no credit.
    Person.objects.create(name="Unter Sperrfrist", portrait=credited_image("Gesperrt"))
    make_article(headline="Ohne Nachweis", lead_image=make_image(alt_text="Unbekannt"))

    response = client.get(CREDITS_URL)

    assert headings(response) == [
        "Anna Alt", "Bernd Berg", "Porträtfoto", "Teaserfoto", "Ohne Bildnachweis",
    ]
    assertContains(
        response,
        f'<li>Artikel: <a href="{promoted.get_absolute_url()}">Geteilt und öffentlich</a></li>',
        count=1, html=True,
    )
    assertNotContains(response, "Geteilter Entwurf")
    assertContains(
        response, f'<li>Person: <a href="{person.get_absolute_url()}">Ilona Benz</a></li>',
        html=True,
    )
    assertContains(
        response,
        f'<li>Teaser: <a href="{promoted.get_absolute_url()}">Geteilt und öffentlich</a></li>',
        html=True,
    )
    # The same set of pictures the public pages show, not one more or less.
    pages = ["/", "/artikel/", person.get_absolute_url()] + [
        article.get_absolute_url() for article in Article.objects.published()
    ]
    shown = set().union(*(pictured_image_ids(client.get(url).content.decode())
                          for url in pages))
    assert pictured_image_ids(response.content.decode()) == shown


def test_groups_by_creator_or_agency_with_licence_and_source(client, make_article,
                                                               credited_image):
    licensed = credited_image(
        "Jane Doe", rights_holder="dpa", licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        source_url="https://example.org/fotos/rathaus",
    )
    make_article(headline="Rathaus", lead_image=licensed)
    make_article(headline="Bahnhof", lead_image=credited_image("Jane Doe", rights_holder="dpa"))
    make_article(lead_image=credited_image("Zoe Zander"))
    make_article(lead_image=credited_image("Özlem Öztürk"))

    response = client.get(CREDITS_URL)

    # "Ö" files under O, as in a German index, not after Z.
    assert headings(response) == ["Jane Doe / dpa", "Özlem Öztürk", "Zoe Zander"]
    agency = re.search(r"<h2[^>]*>Jane Doe / dpa</h2>.*?</section>",
                       response.content.decode(), re.S).group()
    assert agency.count('<li class="credit">') == 2
    assertContains(response, "<dt>Rechteinhaber</dt><dd>dpa</dd>", count=2, html=True)
    assertContains(
        response,
        '<dd><a href="https://creativecommons.org/licenses/by/4.0/" rel="license">'
        "CC BY 4.0</a></dd>",
        html=True,
    )
    assertContains(
        response,
        '<a class="credit__source" href="https://example.org/fotos/rathaus">'
        "https://example.org/fotos/rathaus</a>",
        html=True,
    )
    assert 'loading="lazy"' in agency and "/fill-320x180.webp" in agency


def test_runs_a_constant_number_of_queries(client, make_article, credited_image):
    def queries(count):
        for n in range(count):
            article = make_article(lead_image=credited_image(f"Fotograf {n}"))
            Teaser.objects.create(placement=Placement.MORE, article=article,
                                  image=credited_image(f"Teaserfoto {n}"))
            Person.objects.create(name=f"Person {n}", portrait=credited_image(f"Porträt {n}"))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CREDITS_URL)
        assert response.status_code == 200
        return len(captured)

    assert queries(2) == queries(18)  # 2 and 20 of each


def test_every_page_links_to_the_credits(client, make_article):
    article = make_article()
    link = f'<a href="{CREDITS_URL}">Bildnachweise</a>'
    for url in ("/", article.get_absolute_url(), CREDITS_URL):
        assertContains(client.get(url), link, html=True)


def test_without_pictures_the_page_says_so(client, make_article):
    make_article()
    response = client.get(CREDITS_URL)
    assertContains(response, "Zurzeit sind auf dieser Website keine Bilder zu sehen.")
