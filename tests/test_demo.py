"""The demo newsroom: `load_demo` loads the seed page once, however often it runs;
`create_demo_users` sets up one editor and one journalist login."""

import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.utils import formats, timezone, translation
from PIL import Image as PILImage

from articles.models import (
    Affiliation,
    Article,
    City,
    ImageCredit,
    LegalPage,
    Organisation,
    Placement,
    Teaser,
)
from articles.models.teasers import placement_teasers
from tests.conftest import admin_login

pytestmark = pytest.mark.django_db

MAIN_HEADLINE = "KL.digital bekommt neue Geschäftsleitung"

# The teasers under the seed article, in the page's order.
SEED_TEASERS = [
    ("28.04.2025", "Lübeck", "VIAA setzt neue Maßstäbe"),
    ("25.04.2025", "Jena", "Smarter und vernetzter"),
    ("24.04.2025", "Regensburg", "Verbessertes Verkehrsmanagement"),
    ("23.04.2025", "Menden", "Digitaler Zwilling veröffentlicht"),
    ("17.04.2025", "Duisburg", "Smart City sucht Bürgerideen"),
    ("16.04.2025", "Stuttgart", "Smart-City-Masterplan in Arbeit"),
    ("15.04.2025", "Leipzig / Landau in der Pfalz",
     "Modellstädte für KI-gestützte Verkehrssteuerung"),
    ("11.04.2025", "Regionalkonferenz MPSC", "Smart sein"),
    ("11.04.2025", "Interkommunale Zusammenarbeit", "Smarte Daten helfen Bauhöfen"),
    ("10.04.2025", "Digitale Verkehrssteuerung", "KIMONO sorgt für Neustart"),
    ("09.04.2025", "Hamburg", "Parkraum effizient prüfen"),
    ("09.04.2025", "Kreis Hameln-Pyrmont", "Smart City geht in Verlängerung"),
    ("08.04.2025", "Interkommunales Netzwerk", "Mobiler in der Ortenau"),
    ("07.04.2025", "Wolfsburg", "Mehr als ein Parkleitsystem"),
    ("02.04.2025", "Fraunhofer FOKUS", "Digital Twin hilft beim Routing"),
]


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def files_under(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def german_date(moment):
    with translation.override("de"):
        return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


# load_demo --------------------------------------------------------------------------------


def test_loading_twice_adds_no_rows_and_no_files(media_root):
    first = run("load_demo")
    counts, files = row_counts(), files_under(media_root)
    second = run("load_demo")
    assert row_counts() == counts
    assert files_under(media_root) == files
    # One picture: its original and its renditions (four widths, two crops, two formats).
    assert counts["articles.Rendition"] == 12
    assert len(files) == 1 + 12
    assert counts["articles.Article"] == 16
    assert "16 Artikel (davon 16 neu)" in first
    assert "16 Artikel (davon 0 neu)" in second


def test_loading_restores_a_picture_whose_file_is_gone(demo):
    image = Article.objects.get(headline=MAIN_HEADLINE).lead_image
    image.file.storage.delete(image.file.name)
    call_command("load_demo", verbosity=0)
    image.refresh_from_db()
    assert image.file.storage.exists(image.file.name)
    assert Article.objects.get(headline=MAIN_HEADLINE).lead_image == image


def test_loading_reuses_a_city_an_editor_already_tagged(make_article):
    make_article(cities=["LÜBECK"])
    call_command("load_demo", verbosity=0)
    city = City.objects.get(name_key="lübeck")
    assert (city.name, city.state) == ("LÜBECK", "SH")
    assert Article.objects.tagged(city=city).count() == 2
    assert City.objects.count() == 30  # 18 the seed names, 10 Länder and 2 Kreise


def test_main_article_has_the_seed_text(demo):
    article = Article.objects.get(headline=MAIN_HEADLINE)
    assert article.kicker == "Kaiserslautern"
    assert article.is_public
    assert article.published_at < datetime(2022, 2, 1, tzinfo=UTC)
    assert article.body.startswith(
        "<p>Die neue Geschäftsführerin der KL.digital, Gesellschaft zur Planung, "
        "Projektierung, Umsetzung und Verstetigung von Maßnahmen zur urbanen Entwicklung der "
        "Stadt Kaiserslautern, heißt Ilona Benz. "
    )
    assert (
        " So soll innerhalb der Verwaltung ein Referat „Digitalisierung und Innovation“ "
        "entstehen, ebenso ein Digitalisierungsausschuss des Stadtrats. " in article.body
    )
    assert article.body.endswith(
        "Wie Oberbürgermeister Weichel zeigte sich laut Stadt auch Rombach voll überzeugt, "
        "dafür mit Ilona Benz die richtige Person gefunden zu haben</p>"
    )
    assert article.body.count("<p>") == 5
    assert 0 < len(article.teaser) < 300
    assert "<" not in article.teaser


def test_main_article_has_a_placeholder_not_credited_as_the_photographers_work(demo, client):
    article = Article.objects.select_related("lead_image__credit").get(headline=MAIN_HEADLINE)
    image = article.lead_image
    assert image.caption == "Die neue Geschäftsführerin der KL.digital, Ilona Benz."
    # The credit says what the picture is: a stand-in for the seed's photo, not that photo.
    assert image.credit.label == "Platzhalterbild für ein Foto von Thomas Kierok"
    assert not ImageCredit.objects.filter(creator="Thomas Kierok").exists()
    for url in (article.get_absolute_url(), "/bildnachweise/"):
        page = client.get(url).content.decode()
        assert "Platzhalterbild für ein Foto von Thomas Kierok" in page
        assert not re.search(r"Bildquelle: Thomas Kierok|>\s*Thomas Kierok\s*<", page), url
    assert "Platzhalter" in image.alt
    image.full_clean()
    with image.file.open() as f, PILImage.open(f) as picture:
        assert (picture.format, picture.size) == ("JPEG", (1600, 900))
    assert (image.width, image.height) == (1600, 900)


def test_main_article_is_tagged_and_linked(demo):
    article = Article.objects.get(headline=MAIN_HEADLINE)
    assert list(article.cities.values_list("name", "state")) == [("Kaiserslautern", "RP")]
    assert {"Smart City", "Personalien"} <= set(article.topics.names())
    assert set(article.people.values_list("name", flat=True)) == {
        "Ilona Benz", "Martin Verlage", "Dieter Rombach", "Gerhard Steinebach", "Klaus Weichel",
    }
    assert {"KL.digital", "Stadt Kaiserslautern", "Gemeindetag Baden-Württemberg", "Bitkom"} <= (
        set(article.organisations.values_list("name", flat=True))
    )
    assert [a.headline for a in article.related.all()] == ["KIMONO sorgt für Neustart"]


def test_seed_teasers_are_articles_with_the_seed_dates_kickers_and_texts(demo):
    articles = list(Article.objects.published().exclude(headline=MAIN_HEADLINE).newest())
    assert [(german_date(a.published_at), a.kicker, a.headline) for a in articles] == (
        SEED_TEASERS
    )
    assert articles[0].teaser == (
        "Die Stadt Lübeck beschreitet mit ihrem vom Bund geförderten Verkehrsprojekt neue Wege. "
        "Die Kombination aus moderner Technologie, datenbasierter Analyse und praxisnahen "
        "Testfeldern ermöglicht eine flexible, nachhaltige und zukunftssichere Verkehrssteuerung."
    )
    assert articles[-1].teaser == (
        "Das Smart-Mobility-Team von Fraunhofer FOKUS hat im Projekt KIS’M eine Fahrrad-App "
        "entwickelt, die auf einem digitalen Zwilling des Berliner Straßenverkehrs basiert. Die "
        "App berücksichtigt individuelle Präferenzen bei der Routenplanung und bietet einen "
        "Ampelphasenassistenten."
    )
    assert all(a.body == f"<p>{a.teaser}</p>" for a in articles)
    assert all(a.cities.exists() and a.topics.exists() for a in articles)


def test_the_newest_article_leads_and_the_others_follow_uncurated(demo, client):
    assert not Teaser.objects.exists()  # nothing pinned: the newest leads
    lead = placement_teasers(Placement.LEAD, 1)
    assert [t.article.headline for t in lead] == ["VIAA setzt neue Maßstäbe"]
    more = placement_teasers(Placement.MORE, 15, exclude=[lead[0].article_id])
    assert [t.display_headline for t in more] == [
        headline for _, _, headline in SEED_TEASERS[1:]] + [MAIN_HEADLINE]
    page = client.get("/").content.decode()
    lead_section = page.split('class="home-lead"', 1)[1].split("</section>", 1)[0]
    assert "VIAA setzt neue Maßstäbe" in lead_section
    assert MAIN_HEADLINE not in lead_section


def test_reloading_an_old_demo_unpins_its_2021_lead_story(demo):
    Teaser.objects.create(placement=Placement.LEAD, article=Article.objects.get(
        headline=MAIN_HEADLINE), active_until=timezone.now() + timedelta(days=3650))
    call_command("load_demo", stdout=StringIO())
    assert not Teaser.objects.exists()


def test_the_legal_pages_carry_marked_sample_texts(demo, client):
    for url, title in (("/impressum/", "Impressum"), ("/datenschutz/", "Datenschutzerklärung"),
                       ("/kontakt/", "Kontakt")):
        page = client.get(url).content.decode()
        assert f"<h1>{title}</h1>" in page
        assert "Mustertext der Demo:" in page
    impressum = client.get("/impressum/").content.decode()
    assert "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV" in impressum
    assert "Max Mustermann (Mustertext)" in impressum
    assert LegalPage.objects.get(kind="impressum").versions.count() == 1
    # A page an editor wrote is never replaced by the sample.
    page = LegalPage.objects.get(kind="kontakt")
    page.body = "<p>Schreiben Sie uns.</p>"
    page.save()
    call_command("load_demo", stdout=StringIO())
    assert LegalPage.objects.get(kind="kontakt").body == "<p>Schreiben Sie uns.</p>"


@pytest.mark.parametrize(
    ("headline", "cities"),
    [
        ("Smarte Daten helfen Bauhöfen", {("Nauheim", "HE"), ("Trebur", "HE"),
                                          ("Büttelborn", "HE")}),
        ("Modellstädte für KI-gestützte Verkehrssteuerung", {("Leipzig", "SN"),
                                                             ("Landau in der Pfalz", "RP")}),
        ("Smart sein", {("Halle (Saale)", "ST")}),
        ("Smart City geht in Verlängerung", {("Kreis Hameln-Pyrmont", "NI")}),
        ("Digital Twin hilft beim Routing", {("Berlin", "BE")}),
    ],
)
def test_teasers_are_tagged_with_every_city_they_are_about(demo, headline, cities):
    article = Article.objects.get(headline=headline)
    assert set(article.cities.values_list("name", "state")) == cities


def test_people_hold_the_roles_the_text_states(demo):
    def role(person, organisation):
        found = Affiliation.objects.get(person__name=person, organisation__name=organisation)
        return found.role, found.start_date, found.end_date

    assert role("Ilona Benz", "KL.digital") == ("Geschäftsführerin", date(2022, 2, 1), None)
    assert role("Ilona Benz", "Gemeindetag Baden-Württemberg") == (
        "Leiterin der Stabsstelle Digitalisierung", None, date(2022, 1, 31)
    )
    assert role("Martin Verlage", "KL.digital") == ("Geschäftsführer", None, date(2021, 12, 31))
    assert role("Sarah Berberich", "endura kommunal")[0] == "Geschäftsführerin"
    assert set(
        Affiliation.objects.filter(organisation__name="Stadt Kaiserslautern").values_list(
            "person__name", "role"
        )
    ) == {
        ("Dieter Rombach", "Chief Digital Officer (CDO)"),
        ("Gerhard Steinebach", "Chief Urban Officer"),
        ("Klaus Weichel", "Oberbürgermeister"),
    }

    def heads_of_kl_digital(day):
        return list(
            Affiliation.objects.current(day)
            .filter(organisation__name="KL.digital")
            .values_list("person__name", flat=True)
        )

    assert heads_of_kl_digital(date(2021, 12, 16)) == ["Martin Verlage"]
    assert heads_of_kl_digital(date(2022, 1, 15)) == []
    assert heads_of_kl_digital(date(2022, 2, 1)) == ["Ilona Benz"]


def test_kl_digital_belongs_to_the_city(demo):
    company = Organisation.objects.select_related("parent", "city").get(name="KL.digital")
    assert company.get_kind_display() == "kommunale Gesellschaft"
    assert company.parent.name == "Stadt Kaiserslautern"
    assert company.parent.get_kind_display() == "Kommune"
    assert company.city.name == "Kaiserslautern"
    assert company.slug == "kldigital"


# create_demo_users ------------------------------------------------------------------------


@pytest.fixture
def no_password_variables(monkeypatch):
    monkeypatch.delenv("DEMO_EDITOR_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO_JOURNALIST_PASSWORD", raising=False)
    return monkeypatch


def printed_passwords(output):
    return dict(re.findall(r"Benutzername „(\w+)“, Passwort „([^“]+)“", output))


def test_demo_users_take_passwords_from_the_environment(client, no_password_variables):
    no_password_variables.setenv("DEMO_EDITOR_PASSWORD", "Blauer-Kran-2025")
    no_password_variables.setenv("DEMO_JOURNALIST_PASSWORD", "Gruene-Welle-2025")
    output = run("create_demo_users")

    editor = User.objects.get(username="chefredaktion")
    journalist = User.objects.get(username="redaktion")
    assert list(editor.groups.values_list("name", flat=True)) == ["Chefredaktion"]
    assert list(journalist.groups.values_list("name", flat=True)) == ["Redaktion"]
    assert editor.is_staff and journalist.is_staff
    assert editor.get_full_name() == "Clara Schubert"
    assert journalist.get_full_name() == "Jonas Weber"
    assert editor.has_perm("articles.publish_article")
    assert not journalist.has_perm("articles.publish_article")
    assert admin_login(client, "chefredaktion", "Blauer-Kran-2025")
    assert admin_login(client, "redaktion", "Gruene-Welle-2025")
    assert "http://127.0.0.1:8000/admin/" in output
    assert printed_passwords(output) == {
        "chefredaktion": "Blauer-Kran-2025", "redaktion": "Gruene-Welle-2025",
    }


def test_generated_passwords_are_printed_once_and_kept(client, no_password_variables):
    passwords = printed_passwords(run("create_demo_users"))
    assert set(passwords) == {"chefredaktion", "redaktion"}

    rerun = run("create_demo_users")
    assert printed_passwords(rerun) == {}
    assert "Passwort unverändert" in rerun
    assert User.objects.count() == 2
    for username, password in passwords.items():
        assert admin_login(client, username, password)

    no_password_variables.setenv("DEMO_JOURNALIST_PASSWORD", "Gruene-Welle-2025")
    assert printed_passwords(run("create_demo_users")) == {"redaktion": "Gruene-Welle-2025"}
    assert admin_login(client, "redaktion", "Gruene-Welle-2025")
    assert admin_login(client, "chefredaktion", passwords["chefredaktion"])


def test_an_existing_user_keeps_the_password_and_gets_the_demo_role(client, no_password_variables):
    user = User.objects.create_user(username="redaktion", password="Alter-Zugang-2024")
    user.groups.add(Group.objects.get(name="Chefredaktion"))
    run("create_demo_users")
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["Redaktion"]
    assert user.is_staff
    assert admin_login(client, "redaktion", "Alter-Zugang-2024")


def test_a_weak_password_from_the_environment_is_refused(no_password_variables):
    no_password_variables.setenv("DEMO_EDITOR_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="numerisch"):
        run("create_demo_users")
    assert not User.objects.exists()


def test_demo_users_name_the_address_make_run_serves(no_password_variables):
    assert "http://127.0.0.1:8123/admin/" in run("create_demo_users",
                                                 "--site-url", "http://127.0.0.1:8123")
