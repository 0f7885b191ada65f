"""The public pages' markup: the seed's teaser and credit forms, German dates, and the
accessibility basics every page must keep."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertNotContains

from articles.images import picture
from articles.models import Affiliation, City, ImageCredit, Organisation, Person

BERLIN = ZoneInfo("Europe/Berlin")


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def test_teasers_follow_the_seed_and_name_their_more_links(client, make_article):
    make_article(headline="Neueste Meldung")
    article = make_article(
        kicker="Lübeck",
        headline="VIAA setzt neue Maßstäbe",
        teaser="Die Stadt Lübeck beschreitet neue Wege.",
        published_at=datetime(2025, 4, 28, 0, 30, tzinfo=BERLIN),
    )

    response = client.get("/")

    url = article.get_absolute_url()
    assertContains(response, '<span class="teaser__kicker">Lübeck<span class="teaser__colon">:'
                             "</span></span>", html=True)
    assertContains(response, f'<a href="{url}">VIAA setzt neue Maßstäbe</a>', html=True)
    # Local date, not UTC (which would still be the 27th).
    assertContains(
        response,
        '<time class="teaser__date" datetime="2025-04-28T00:30:00+02:00">[28.04.2025]</time>',
        html=True,
    )
    assertContains(
        response,
        f'<a class="teaser__more" href="{url}">mehr...'
        '<span class="visually-hidden">: VIAA setzt neue Maßstäbe</span></a>',
        html=True,
    )


def test_article_page_shows_byline_figure_credit_and_subject_links(
    client, make_article, make_image, journalist, editor
):
    credit = ImageCredit.objects.create(creator="Thomas Kierok")
    image = make_image(
        alt_text="Ilona Benz vor dem Rathaus",
        caption="Die neue Geschäftsführerin der KL.digital, Ilona Benz.",
        credit=credit,
    )
    person = Person.objects.create(name="Ilona Benz")
    organisation = Organisation.objects.create(name="KL.digital")
    article = make_article(
        kicker="Kaiserslautern",
        headline="KL.digital bekommt neue Geschäftsleitung",
        teaser="Ilona Benz übernimmt.",
        lead_image=image,
        people=[person],
        organisations=[organisation],
        cities=["Kaiserslautern"],
        topics=["Smart City"],
    )
    article.authors.add(journalist, editor)
    other = make_article(lead_image=make_image(alt_text="Symbolbild", credit=credit))

    response = client.get(article.get_absolute_url())

    assertContains(
        response, "<title>KL.digital bekommt neue Geschäftsleitung – Kommune digital</title>",
        html=True,
    )
    assertContains(response, '<meta name="description" content="Ilona Benz übernimmt.">',
                   html=True)
    # Authors carry no order of their own; either way round is a correct byline.
    assert re.search(r"Von\s+(Jana Muster und Erik Muster|Erik Muster und Jana Muster)",
                     response.content.decode())
    # The renditions as <picture>: the 64 pixels wide original is never scaled up.
    renditions = picture(image)
    sizes = "(max-width: 44rem) 100vw, 44rem"
    assertContains(
        response,
        '<figure class="figure"><picture>'
        f'<source type="image/webp" srcset="{renditions.srcsets["webp"]}" sizes="{sizes}">'
        f'<img src="{renditions.src}" srcset="{renditions.srcsets["jpeg"]}" sizes="{sizes}" '
        'width="64" height="48" alt="Ilona Benz vor dem Rathaus"></picture><figcaption>'
        '<span class="figure__caption">Die neue Geschäftsführerin der KL.digital, Ilona Benz.'
        '</span><span class="figure__credit">(Bildquelle: Thomas Kierok)</span>'
        "</figcaption></figure>",
        html=True,
    )
    # The related teaser's thumbnail loads lazily; the lead image above does not.
    assertContains(response, 'loading="lazy"', count=1)
    assertContains(response, other.headline)
    for subject in (person, organisation, *article.cities.all(), *article.topics.all()):
        assertContains(response, f'<a href="{subject.get_absolute_url()}">{subject}</a>',
                       html=True)
    assert h1_count(response) == 1


def test_decorative_image_gets_empty_alt(client, make_article, make_image):
    article = make_article(lead_image=make_image(decorative=True, alt_text=""))

    response = client.get(article.get_absolute_url())

    assertContains(response, 'alt=""', count=2)  # the logo and the picture


def test_a_changed_picture_shows_at_once_although_workers_keep_pictures(
    client, settings, make_article, make_image
):
    settings.NEWSROOM_PAGE_CACHE = False
    image = make_image(alt_text="Ein Bus an der Haltestelle")
    article = make_article(lead_image=image)
    first = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Ein Bus an der Haltestelle"' in first

    image.alt_text, image.focal_x, image.focal_y = "Eine Straßenbahn", 0.9, 0.1
    image.save()
    second = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Eine Straßenbahn"' in second
    # The focal point is part of every rendition's address (its version).
    assert set(re.findall(r"\?v=(\w+)", first)) != set(re.findall(r"\?v=(\w+)", second))


def test_filter_form_labels_chips_and_reset(client, make_article):
    person = Person.objects.create(name="Dieter Rombach")
    make_article(headline="KIMONO sorgt für Neustart", people=[person])

    response = client.get("/artikel/", {"q": "KIMONO", "person": person.slug})

    for field in ("q", "city", "topic", "date_from", "date_to"):
        assertContains(response, f'<label for="id_{field}"')
    assertContains(response, f'<input type="hidden" name="person" value="{person.slug}"')
    assertNotContains(response, 'name="organisation"')
    assertContains(
        response,
        '<a class="chip__remove" href="?q=KIMONO"><span aria-hidden="true">×</span>'
        '<span class="visually-hidden">Filter „Dieter Rombach“ entfernen</span></a>',
        html=True,
    )
    assertContains(response, '<a href="/artikel/">Filter zurücksetzen</a>', html=True)
    assertContains(response, "KIMONO sorgt für Neustart")


def test_pagination_keeps_the_filter(client, make_article):
    for _ in range(21):
        make_article(topics=["Smart City"])

    first = client.get("/artikel/", {"topic": "smart-city"})
    second = client.get("/artikel/", {"topic": "smart-city", "page": 2})

    assertContains(first, '<nav class="pagination" aria-label="Seitennavigation">')
    assertContains(first, 'href="?topic=smart-city&amp;page=2" rel="next"')
    assertContains(first, "Seite 1 von 2")
    assertContains(second, 'href="?topic=smart-city" rel="prev"')
    assertContains(second, "<title>Meldungen: Smart City – Seite 2 – Kommune digital</title>",
                   html=True)


def test_person_page_lists_current_future_and_past_roles(client, make_article, time_machine):
    time_machine.move_to(datetime(2025, 5, 1, 12, tzinfo=BERLIN))
    benz = Person.objects.create(name="Ilona Benz", description="Geschäftsführerin der KL.digital.")
    kld = Organisation.objects.create(name="KL.digital")
    gemeindetag = Organisation.objects.create(name="Gemeindetag Baden-Württemberg")
    Affiliation.objects.create(person=benz, organisation=kld, role="Geschäftsführerin",
                               start_date=date(2022, 2, 1))
    Affiliation.objects.create(person=benz, organisation=kld, role="Aufsichtsrätin",
                               start_date=date(2026, 1, 1))
    Affiliation.objects.create(person=benz, organisation=gemeindetag, role="Stabsstellenleiterin",
                               start_date=date(2018, 1, 1), end_date=date(2022, 1, 31))
    make_article(headline="KL.digital bekommt neue Geschäftsleitung", people=[benz],
                 organisations=[kld, gemeindetag])

    response = client.get(benz.get_absolute_url())
    html = response.content.decode()

    assert h1_count(response) == 1
    assertContains(response, "Geschäftsführerin der KL.digital.")
    assert (
        html.index("Aktuelle Funktionen") < html.index("Geschäftsführerin, ")
        < html.index("Künftige Funktionen") < html.index("Aufsichtsrätin")
        < html.index("Frühere Funktionen") < html.index("Stabsstellenleiterin")
    )
    assertContains(response, "(seit 01.02.2022)")
    assertContains(response, "(01.01.2018 – 31.01.2022)")
    assertContains(response, f'<a href="{gemeindetag.get_absolute_url()}">{gemeindetag}</a>',
                   html=True)
    assertContains(response, f'href="/artikel/?person={benz.slug}"')
    assertContains(response, "KL.digital bekommt neue Geschäftsleitung")


def test_organisation_page_shows_facts_and_current_people(client, make_article):
    city = City.objects.create(name="Kaiserslautern", state="RP")
    parent = Organisation.objects.create(name="Stadt Kaiserslautern", kind="kommune")
    kld = Organisation.objects.create(
        name="KL.digital", kind="kommunale-gesellschaft", city=city, parent=parent,
        website="https://www.kl.digital",
    )
    benz = Person.objects.create(name="Ilona Benz")
    verlage = Person.objects.create(name="Martin Verlage")
    Affiliation.objects.create(person=benz, organisation=kld, role="Geschäftsführerin")
    Affiliation.objects.create(person=verlage, organisation=kld, role="Geschäftsführer",
                               end_date=date(2021, 12, 31))
    make_article(people=[benz, verlage], organisations=[kld, parent], cities=[city])

    response = client.get(kld.get_absolute_url())

    assertContains(response, "<dd>kommunale Gesellschaft</dd>", html=True)
    assertContains(response, f'<a href="{city.get_absolute_url()}">Kaiserslautern</a>', html=True)
    assertContains(response, f'<a href="{parent.get_absolute_url()}">Stadt Kaiserslautern</a>',
                   html=True)
    assertContains(response, 'href="https://www.kl.digital"')
    assertContains(response, f'<a href="{benz.get_absolute_url()}">Ilona Benz</a>', html=True)
    assertNotContains(response, "Martin Verlage")


def test_city_page_names_the_state(client, make_article):
    make_article(cities=["Kaiserslautern"])
    city = City.objects.get(name="Kaiserslautern")
    city.state = "RP"
    city.save()

    response = client.get(city.get_absolute_url())

    # Without a parent place yet, the Land an editor chose, unlinked (articles.models.City).
    assertContains(response, "<dt>Land</dt><dd>Rheinland-Pfalz</dd>", html=True)
    assertContains(response, "1 Meldung")


@pytest.mark.parametrize("path", ["/", "/artikel/", "/thema/smart-city/", "/gibt-es-nicht/"])
def test_every_page_has_the_accessible_frame(client, make_article, path):
    make_article(topics=["Smart City"])

    response = client.get(path)

    assertContains(response, '<html lang="de">', status_code=response.status_code)
    assertContains(response, '<a class="skip-link" href="#inhalt">',
                   status_code=response.status_code)
    assertContains(response, '<main id="inhalt"', status_code=response.status_code)
    assertContains(response, 'aria-label="Hauptnavigation"', status_code=response.status_code)
    assertContains(response, '<footer class="site-footer">', status_code=response.status_code)
    assert h1_count(response) == 1


def test_not_found_page_in_the_site_look(client, db):
    response = client.get("/gibt-es-nicht/")

    assertContains(response, "Seite nicht gefunden", status_code=404)
    assertContains(response, '<a class="brand" href="/">', status_code=404)


def test_server_error_page_needs_no_context_or_database():
    # Without the db fixture any query raises, so this renders as Django does after a crash.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    content = response.content.decode()
    assert content.startswith("<!DOCTYPE html>")
    assert "Technische Störung" in content
    assert '<a href="/">Zur Startseite</a>' in content
