"""Picture licences: a licence that ends takes its picture off every public surface by
itself, at its time, cached pages included; the article stays. CC credit lines link the
licence; the editors' start page warns of licences that end within 30 days."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import ImageCredit, LicenceType, Person, Status, Teaser
from articles.models.teasers import Placement
from articles.public.sitemaps import SITEMAPS
from tests.public_urls import concrete_urls, newsletter_values

pytestmark = pytest.mark.django_db

CAPTION = "Lichtblick-Bildunterschrift"
CREATOR = "Agentur Lichtblick"
ALT = "Lichtblick-Alternativtext"


@pytest.fixture
def licensed(make_article, make_image):
    """A public article, a public person and a curated teaser whose pictures are under a
    licence valid through today; and an article whose picture's licence does not end."""
    credit = ImageCredit.objects.create(
        creator=CREATOR, licence_type=LicenceType.AGENCY, licence="Lichtblick-AGB",
        valid_until=timezone.localdate(), usage_note="Nur für die Messeberichterstattung.")

    def picture(label):
        return make_image(title=f"Lichtblick {label}", alt_text=f"{ALT} {label}",
                          caption=f"{CAPTION} {label}", credit=credit)

    person = Person.objects.create(name="Ilona Benz", portrait=picture("Porträt"))
    article = make_article(headline="Messe eröffnet", cities=["Kaiserslautern"],
                           topics=["Smart City"], people=[person],
                           lead_image=picture("Aufmacher"))
    other = make_article(headline="Rathaus digital", cities=["Kaiserslautern"],
                         lead_image=make_image(alt_text="Das Rathaus", caption="Rathaus",
                                               credit=ImageCredit.objects.create(
                                                   creator="Eigene Fotografin",
                                                   licence_type=LicenceType.OWN)))
    teaser_article = make_article(headline="Teaser-Meldung", topics=["Smart City"])
    Teaser.objects.create(placement=Placement.MORE, article=teaser_article,
                          image=picture("Teaser"))
    images = [person.portrait, article.lead_image, Teaser.objects.get().image]
    return {"credit": credit, "article": article, "other": other, "person": person,
            "images": images}


def markers(images):
    """What shows a picture: its texts and the addresses of its files."""
    return [text for image in images for text in (
        image.caption, image.alt_text, image.file.name,
        *image.renditions.values_list("file", flat=True))] + [CREATOR]


def walk(client, licensed):
    """(url, status, body) of every public URL, with the slugs and files of the fixture."""
    article, person = licensed["article"], licensed["person"]
    day = timezone.localtime(article.published_at)
    values = {
        "slug": [article.slug, licensed["other"].slug, person.slug, "kaiserslautern",
                 "smart-city"],
        "year": [day.year], "month": [day.month], "day": [day.day],
        "section": sorted(SITEMAPS),
        "name": [name for image in licensed["images"] for name in (
            image.file.name, *image.renditions.values_list("file", flat=True))],
        **newsletter_values(),
    }
    for _name, url in concrete_urls(values):
        response = client.get(url)
        content = (b"".join(response.streaming_content) if response.streaming
                   else response.content)
        yield url, response, content.decode("utf-8", "replace")


def test_a_licence_that_ends_takes_the_picture_off_every_public_surface_and_cache(
    client, licensed
):
    ends_at = licensed["credit"].ends_at
    article = licensed["article"]
    assert ends_at == timezone.make_aware(
        timezone.datetime.combine(timezone.localdate() + timedelta(days=1),
                                  timezone.datetime.min.time()))
    shown = markers(licensed["images"])
    # Two minutes before the end: the pictures are everywhere, and the pages are cached.
    with time_machine.travel(ends_at - timedelta(minutes=2), tick=False):
        before = {url: body for url, response, body in walk(client, licensed)
                  if response.status_code == 200}
        for url in [article.get_absolute_url(), "/", reverse("articles:credits"),
                    licensed["person"].get_absolute_url(), reverse("articles:feed_rss"),
                    f"/api/v1/articles/{article.slug}/"]:
            assert any(marker in before[url] for marker in shown), url
        assert f'"image": ["http://testserver/media/{article.lead_image.file.name}"]' in (
            before[article.get_absolute_url()])
        assert "og:image" in before[article.get_absolute_url()]
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
        for image in licensed["images"]:
            assert client.get(f"/media/{image.file.name}").status_code == 200
    # A second after: gone from every public URL, cached or not; the articles stay.
    with time_machine.travel(ends_at + timedelta(seconds=1), tick=False):
        checked = 0
        for url, response, body in walk(client, licensed):
            assert response.status_code < 500, url
            if url.startswith("/media/"):
                assert response.status_code == 404, url
            leaked = [marker for marker in shown if marker in body]
            assert not leaked, f"{url} shows {leaked}"
            checked += 1
        assert checked > 40
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200 and "Messe eröffnet" in page.content.decode()
        assert "og:image" not in page.content.decode()
        api = json.loads(client.get(f"/api/v1/articles/{article.slug}/").content)
        assert api["headline"] == "Messe eröffnet" and api["lead_image"] is None
        # The picture whose licence does not end is still there.
        other = client.get(licensed["other"].get_absolute_url()).content.decode()
        assert "Das Rathaus" in other and "og:image" in other


def test_no_cached_page_or_cdn_copy_outlives_the_licence(client, licensed):
    ends_at = licensed["credit"].ends_at
    url = licensed["article"].get_absolute_url()
    with time_machine.travel(ends_at - timedelta(seconds=30), tick=False):
        client.get(url)
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit"
        # A CDN in front may keep the page for 30 seconds, not the usual 60.
        assert "max-age=30" in response["Cache-Control"]
        media = client.get(f"/media/{licensed['article'].lead_image.file.name}")
        assert media["Cache-Control"] == "public, max-age=30"
    with time_machine.travel(ends_at, tick=False):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert ALT not in response.content.decode()


def test_ending_a_licence_early_retires_the_pages_at_once(client, licensed):
    url = licensed["article"].get_absolute_url()
    assert ALT in client.get(url).content.decode()
    credit = licensed["credit"]
    credit.valid_until = timezone.localdate() - timedelta(days=1)
    credit.save()
    assert ALT not in client.get(url).content.decode()
    credit.valid_until = None  # extended without end: back at once
    credit.save()
    assert ALT in client.get(url).content.decode()


def test_cc_credit_lines_name_the_author_and_link_the_licence_and_source(
    client, make_article, make_image
):
    for licence_type, name, deed in [
        (LicenceType.CC_BY, "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/deed.de"),
        (LicenceType.CC_BY_SA, "CC BY-SA 4.0",
         "https://creativecommons.org/licenses/by-sa/4.0/deed.de"),
        (LicenceType.CC0, "CC0 1.0 (gemeinfrei)",
         "https://creativecommons.org/publicdomain/zero/1.0/deed.de"),
    ]:
        credit = ImageCredit.objects.create(
            creator=f"Jana Beispiel {licence_type}", licence_type=licence_type,
            source_url="https://commons.wikimedia.org/wiki/File:Rathaus.jpg")
        article = make_article(lead_image=make_image(alt_text="Rathaus", credit=credit))
        page = client.get(article.get_absolute_url()).content.decode()
        assert (f'(Bildquelle: Jana Beispiel {licence_type}, <a href="{deed}" rel="license">'
                f'{name}</a>, <a href="https://commons.wikimedia.org/wiki/File:Rathaus.jpg">'
                "commons.wikimedia.org</a>)") in page
        credits = client.get(reverse("articles:credits")).content.decode()
        assert f'<a href="{deed}" rel="license">{name}</a>' in credits


def test_other_licences_keep_the_seeds_credit_line(client, make_article, make_image):
    credit = ImageCredit.objects.create(creator="Thomas Kierok", licence_type=LicenceType.PRESS,
                                        licence="Pressebild KL.digital")
    article = make_article(lead_image=make_image(alt_text="Ilona Benz", credit=credit))
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="figure__credit">(Bildquelle: Thomas Kierok)</span>' in page
    assert "Pressebild KL.digital" in client.get(reverse("articles:credits")).content.decode()


def overview_of(editor_client):
    return editor_client.get(reverse("admin:index")).content.decode()


def test_the_start_page_lists_licences_ending_within_30_days_with_their_public_articles(
    editor_client, make_article, make_image
):
    today = timezone.localdate()

    def credit(days, name):
        return ImageCredit.objects.create(creator=name, valid_until=today + timedelta(days=days))

    soon = make_image(title="Bald weg", alt_text="x", credit=credit(10, "Agentur Bald"))
    make_article(headline="Öffentlich mit Bild", lead_image=soon)
    make_article(headline="Entwurf mit Bild", lead_image=soon, status=Status.DRAFT)
    make_image(title="Später weg", alt_text="x", credit=credit(45, "Agentur Später"))
    make_image(title="Schon weg", alt_text="x", credit=credit(-1, "Agentur Vorbei"))
    make_image(title="Ungenutzt", alt_text="x", credit=credit(29, "Agentur Ungenutzt"))
    page = overview_of(editor_client)
    section = page[page.index('id="overview-licences"'):]
    section = section[:section.index("</section>")]
    assert "Bildlizenzen, die in 30 Tagen enden" in page
    assert "Bald weg" in section and "Öffentlich mit Bild" in section
    assert (f"nutzbar bis {(today + timedelta(days=10)).strftime('%d.%m.%Y')}") in section
    assert "Entwurf mit Bild" not in section
    assert "Ungenutzt" in section and "in keinem öffentlichen Artikel" in section
    assert "Später weg" not in section and "Schon weg" not in section
    # Soonest first.
    assert section.index("Bald weg") < section.index("Ungenutzt")
    # The links under the list: the picture archive filtered by the licence's end.
    changelist = reverse("admin:articles_image_changelist")
    soon_list = editor_client.get(changelist, {"lizenz": "bald"}).content.decode()
    assert "Bald weg" in soon_list and "Ungenutzt" in soon_list
    assert "Schon weg" not in soon_list and "Später weg" not in soon_list
    ended = editor_client.get(changelist, {"lizenz": "abgelaufen"}).content.decode()
    assert "Schon weg" in ended and "Bald weg" not in ended
    credits = editor_client.get(reverse("admin:articles_imagecredit_changelist"),
                                {"lizenz": "abgelaufen"}).content.decode()
    assert "Agentur Vorbei" in credits and "Agentur Bald" not in credits


def test_the_start_pages_licence_list_runs_constant_queries(
    editor_client, make_article, make_image
):
    def add(n):
        for i in range(n):
            credit = ImageCredit.objects.create(
                creator=f"Agentur {i}", valid_until=timezone.localdate() + timedelta(days=5))
            image = make_image(alt_text="x", credit=credit)
            make_article(lead_image=image)
            make_article(lead_image=image)

    def count():
        with CaptureQueriesContext(connection) as queries:
            overview_of(editor_client)
        return len(queries)

    add(1)
    few = count()
    add(6)
    assert count() == few
    assert len(re.findall(r'class="overview-licence"', overview_of(editor_client))) == 7


def test_only_editors_change_the_licence_of_a_published_articles_picture(
    journalist_client, editor_client, licensed
):
    credit = licensed["credit"]
    url = reverse("admin:articles_imagecredit_change", args=[credit.pk])
    data = {"creator": CREATOR, "rights_holder": "", "licence_type": LicenceType.AGENCY,
            "licence": "Lichtblick-AGB", "licence_url": "", "source_url": "",
            "valid_until": "31.12.2099", "usage_note": "", "version": credit.version}
    page = journalist_client.get(url)
    assert "ändert deshalb nur die Chefredaktion" in page.content.decode()
    journalist_client.post(url, data)
    credit.refresh_from_db()
    assert credit.valid_until == timezone.localdate()
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    credit.refresh_from_db()
    assert credit.valid_until.year == 2099


def test_the_migration_gives_credits_named_after_a_cc_licence_that_type():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0013_image_licences")
    named = {text: ImageCredit.objects.create(creator=text, licence=text,
                                              licence_url="https://example.org/l")
             for text in ("CC BY 4.0", "cc-by-sa-4.0", "CC0", "CC BY 2.0",
                          "Alle Rechte vorbehalten")}
    migration.recognise_cc(apps, None)
    found = {text: (c.licence_type, c.licence_name, c.licence_link) for text, c in (
        (text, ImageCredit.objects.get(pk=credit.pk)) for text, credit in named.items())}
    assert found == {
        "CC BY 4.0": ("cc-by-4.0", "CC BY 4.0",
                      "https://creativecommons.org/licenses/by/4.0/deed.de"),
        "cc-by-sa-4.0": ("cc-by-sa-4.0", "CC BY-SA 4.0",
                         "https://creativecommons.org/licenses/by-sa/4.0/deed.de"),
        "CC0": ("cc0-1.0", "CC0 1.0 (gemeinfrei)",
                "https://creativecommons.org/publicdomain/zero/1.0/deed.de"),
        "CC BY 2.0": ("other", "CC BY 2.0", "https://example.org/l"),
        "Alle Rechte vorbehalten": ("other", "Alle Rechte vorbehalten", "https://example.org/l"),
    }
