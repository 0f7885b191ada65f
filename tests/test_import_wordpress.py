"""import_wordpress: a WordPress export (WXR) becomes articles, authors, topics, places
and pictures; old permalinks answer 301; a second run changes nothing; drafts stay
hidden everywhere."""

import datetime
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.editorial.workflow import TEASER_MAX_LENGTH
from articles.importers import wxr
from articles.models import Article, City, Image, ImportedItem, Revision, Status, Topic

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

SITE = "https://alt.example.de"
PAST = datetime.datetime(2021, 5, 3, 7, 30)  # UTC; 09:30 in Germany
FUTURE = (timezone.now() + timedelta(days=5)).replace(tzinfo=None, microsecond=0)
LONG_EXCERPT = "Wort " * 100


def attachment(post_id, parent, path, **fields):
    return {"post_id": post_id, "post_type": "attachment", "status": "inherit",
            "parent": parent, "attachment_url": f"{SITE}/wp-content/uploads/{path}", **fields}


ITEMS = [
    {"post_id": 101, "title": "Smart City &amp; Bürgeramt &#8211; „Kaiserslautern“ <3",
     "slug": "smart-city-buergeramt", "creator": "anna", "date": PAST,
     "local_date": "2021-05-03 09:30:00",
     "content": "Erster Absatz über das Bürgeramt\nmit Umbruch.\n\n"
                '[caption id="attachment_201" align="alignnone" width="640"]'
                '<img src="x.jpg" alt="" /> Der Marktplatz am Morgen[/caption]\n\n'
                '[gallery ids="201,202"]\n\nZweiter Absatz [su_box]im Kasten[/su_box].'
                "<script>alert(1)</script>",
     "categories": [("category", "Verwaltung"), ("post_tag", "Kaiserslautern"),
                    ("post_tag", "Digitalisierung"), ("category", "Uncategorized")]
     + [("post_tag", f"Schlagwort {n}") for n in range(12)],
     "meta": {"_thumbnail_id": "201"}},
    {"post_id": 102, "title": "Terminierte Meldung", "slug": "termin", "status": "future",
     "date": FUTURE, "content": "Kommt bald.", "creator": "bert"},
    {"post_id": 103, "title": "Geheimer Entwurf", "slug": "", "status": "draft",
     "content": "Geheimtext des Entwurfs.", "creator": "anna"},
    {"post_id": 104, "title": "Geheime Prüfung", "slug": "pruefung", "status": "pending",
     "content": "Geheimtext in Prüfung.", "date": PAST},
    {"post_id": 105, "title": "Geheim privat", "slug": "privat", "status": "private",
     "content": "Geheimtext privat.", "date": PAST},
    {"post_id": 106, "title": "", "slug": "ohne-titel", "content": "Nur Text.",
     "excerpt": LONG_EXCERPT, "date": PAST - timedelta(days=1)},
    {"post_id": 107, "title": "Ohne Inhalt", "slug": "ohne-inhalt", "content": "",
     "date": PAST - timedelta(days=2)},
    {"post_id": 108, "title": "Bild fehlt", "slug": "bild-fehlt", "content": "Text.",
     "date": PAST - timedelta(days=3), "meta": {"_thumbnail_id": "203"}},
    {"post_id": 109, "title": "Papierkorb", "status": "trash", "content": "weg"},
    {"post_id": 112, "title": "Geheim geschützt", "slug": "geschuetzt", "password": "pw",
     "content": "Geheimtext hinter Passwort.", "date": PAST},
    {"post_id": 110, "post_type": "page", "title": "Impressum", "content": "Seite"},
    {"post_id": 111, "post_type": "nav_menu_item", "title": "Menü"},
    attachment(201, 101, "2021/05/markt.jpg", title="Markt",
               excerpt="Der Markt am Morgen",
               meta={"_wp_attachment_image_alt": "Marktstände vor dem Rathaus",
                     "_wp_attachment_metadata": {
                         "width": 64, "height": 48, "file": "2021/05/markt.jpg",
                         "image_meta": {"credit": "Jörg Fotograf", "caption": ""}}}),
    attachment(202, 101, "2021/05/zweites.jpg", title="Zweites Bild"),
    attachment(203, 108, "2021/05/fehlt.jpg", title="Fehlendes Bild"),
]
AUTHORS = [{"login": "anna", "display_name": "Anna Alt", "first_name": "Anna",
            "last_name": "Alt", "email": "anna@alt.example.de"},
           {"login": "bert", "display_name": "Bert Berg"}]


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(wxr.build(ITEMS, authors=AUTHORS))
    uploads = tmp_path / "uploads" / "2021" / "05"
    uploads.mkdir(parents=True)
    (uploads / "markt.jpg").write_bytes(jpeg_bytes())
    (uploads / "zweites.jpg").write_bytes(jpeg_bytes(color=(200, 10, 10)))
    return path


def run(export, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(export), "--media-dir",
                 str(export.parent / "uploads"), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def imported(export):
    City.objects.create(name="Kaiserslautern", state="RP")
    output, progress = run(export)
    return {"output": output, "progress": progress,
            "articles": {i.key: i.article for i in
                         ImportedItem.objects.filter(article__isnull=False)
                         .select_related("article")}}


def test_statuses_become_ours(imported):
    a = imported["articles"]
    assert a["101"].status == Status.PUBLISHED
    assert a["101"].published_at == datetime.datetime(2021, 5, 3, 7, 30, tzinfo=datetime.UTC)
    assert a["102"].status == Status.PUBLISHED and a["102"].published_at > timezone.now()
    assert not a["102"].is_public  # scheduled
    assert a["103"].status == Status.DRAFT and a["103"].published_at is None
    assert a["104"].status == Status.REVIEW
    assert a["105"].status == Status.DRAFT
    assert a["112"].status == Status.DRAFT  # password-protected
    assert "109" not in a and "110" not in a and "111" not in a
    assert Revision.objects.filter(article=a["101"]).count() == 1


def test_title_entities_and_special_characters(imported):
    assert imported["articles"]["101"].headline == (
        "Smart City & Bürgeramt – „Kaiserslautern“ <3")


def test_no_title_and_no_content(imported):
    untitled = imported["articles"]["106"]
    assert untitled.headline == "Ohne Titel (WordPress-Beitrag 106)"
    assert len(untitled.teaser) <= TEASER_MAX_LENGTH and untitled.teaser.endswith("Wort…")
    empty = imported["articles"]["107"]
    assert empty.body == "" and empty.teaser == ""


def test_body_follows_wordpress_paragraph_rules(imported):
    article = imported["articles"]["101"]
    assert article.body.startswith(
        "<p>Erster Absatz über das Bürgeramt<br>\nmit Umbruch.</p>")
    assert "<figure>\n<figcaption>Der Marktplatz am Morgen</figcaption>\n</figure>" in (
        article.body)
    assert "<p>Zweiter Absatz im Kasten.</p>" in article.body
    assert "[" not in article.body and "script" not in article.body
    assert article.teaser == "Erster Absatz über das Bürgeramt mit Umbruch."
    assert "[gallery] (1)" in imported["output"] and "[su_box] (1)" in imported["output"]


def test_terms_become_topics_and_known_places(imported):
    article = imported["articles"]["101"]
    assert list(article.cities.names()) == ["Kaiserslautern"]
    topics = set(article.topics.names())
    assert {"Verwaltung", "Digitalisierung", "Schlagwort 11"} <= topics
    assert len(topics) == 14 and "Uncategorized" not in topics
    assert not Topic.objects.filter(name="Kaiserslautern").exists()


def test_authors_are_inactive_staff_without_password(imported):
    anna = get_user_model().objects.get(username="anna")
    assert anna.is_staff and not anna.is_active and not anna.has_usable_password()
    assert anna.get_full_name() == "Anna Alt"
    assert list(imported["articles"]["101"].authors.all()) == [anna]
    assert get_user_model().objects.get(username="bert").get_full_name() == "Bert Berg"


def test_featured_and_attached_images(imported):
    article = imported["articles"]["101"]
    image = article.lead_image
    assert image.caption == "Der Markt am Morgen"
    assert image.alt_text == "Marktstände vor dem Rathaus"
    assert image.credit.creator == "Jörg Fotograf"
    assert image.renditions.exists()
    assert Image.objects.filter(title="Zweites Bild").exists()
    missing = imported["articles"]["108"]
    assert missing.lead_image is None
    assert "fehlt.jpg" in imported["output"] and "Fehlendes Bild" in imported["output"]


def test_slugs_kept_where_free(make_article, export):
    make_article(slug="termin")
    run(export)
    items = {i.key: i.article for i in ImportedItem.objects.filter(article__isnull=False)}
    assert items["101"].slug == "smart-city-buergeramt"
    assert items["102"].slug == "termin-2" or items["102"].slug.startswith("termin-")
    assert items["103"].slug == "geheimer-entwurf"


def test_summary_and_progress(imported):
    output = imported["output"]
    assert "Beiträge" in output and "Seiten" in output and "Menüeinträge" in output
    lines = {line.split()[0]: line.split()[1:] for line in output.splitlines()
             if line.split() and line.split()[0] in ("Beiträge", "Seiten", "Bilder")}
    assert lines["Beiträge"] == ["9", "0", "1", "0"]
    assert lines["Seiten"] == ["0", "0", "1", "0"]
    assert lines["Bilder"] == ["2", "0", "0", "1"]
    assert "10/10 (100 %)" in imported["progress"]


def test_old_permalinks_answer_301(client, imported):
    article = imported["articles"]["101"]
    for old in ("/?p=101", "/2021/05/03/smart-city-buergeramt/",
                "/2021/05/smart-city-buergeramt/", "/smart-city-buergeramt/"):
        response = client.get(old, follow=True)
        assert response.redirect_chain == [(article.get_absolute_url(), 301)], old
        assert "Bürgeramt" in response.content.decode()
    assert client.get("/2021/06/03/smart-city-buergeramt/").status_code == 404
    assert client.get("/?p=999").status_code == 404


def test_old_permalinks_of_hidden_posts_reveal_nothing(client, imported):
    unknown = client.get("/gibt-es-nicht/")
    for old in ("/?p=103", "/?p=104", "/?p=102", "/pruefung/", "/termin/", "/privat/",
                "/?p=112", "/geschuetzt/",
                "/2021/05/03/pruefung/"):
        response = client.get(old)
        assert response.status_code == 404, old
        assert response.content == unknown.content.replace(b"gibt-es-nicht", b"x") or (
            "Geheim" not in response.content.decode()), old


def test_second_run_changes_nothing(export, imported):
    before = (Article.objects.count(), Image.objects.count(), ImportedItem.objects.count(),
              Revision.objects.count(), get_user_model().objects.count(),
              Topic.objects.count())
    output, _progress = run(export)
    after = (Article.objects.count(), Image.objects.count(), ImportedItem.objects.count(),
             Revision.objects.count(), get_user_model().objects.count(),
             Topic.objects.count())
    assert before == after
    beitraege = next(line for line in output.splitlines() if line.startswith("Beiträge"))
    assert beitraege.split()[1:] == ["0", "0", "10", "0"]


def test_dry_run_writes_nothing(export, media_root):
    output, _progress = run(export, "--dry-run")
    assert "Probelauf" in output
    assert Article.objects.count() == 0 and Image.objects.count() == 0
    assert get_user_model().objects.count() == 0 and ImportedItem.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    beitraege = next(line for line in output.splitlines() if line.startswith("Beiträge"))
    assert beitraege.split()[1:] == ["9", "0", "1", "0"]


@pytest.mark.parametrize("content", [
    b"kein XML", b"<?xml version='1.0'?><rss><channel><item></item></channel></rss>",
    b"<?xml version='1.0'?><html/>",
    wxr.build(ITEMS)[:-300],
])
def test_a_file_that_is_not_wxr_is_refused(tmp_path, content):
    path = tmp_path / "kaputt.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Es wurde nichts importiert"):
        call_command("import_wordpress", str(path), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert Article.objects.count() == 0 and get_user_model().objects.count() == 0


def test_wxr_1_1_is_read(tmp_path):
    path = tmp_path / "alt.xml"
    path.write_bytes(wxr.build(ITEMS[:1], version="1.1"))
    (tmp_path / "uploads").mkdir()
    run(path)
    assert Article.objects.get().headline.startswith("Smart City")


def test_a_failing_post_is_reported_and_leaves_nothing(monkeypatch, export):
    from articles.importers import wordpress

    original = wordpress._Run._relate

    def fail_for_one(self, posts, articles):
        if any(p.item.post_id == 106 for p in posts):
            raise wordpress.DatabaseError("kaputt")
        return original(self, posts, articles)

    monkeypatch.setattr(wordpress._Run, "_relate", fail_for_one)
    output, _progress = run(export)
    assert "„Ohne Titel (WordPress-Beitrag 106)“: kaputt" in output
    assert not ImportedItem.objects.filter(key="106").exists()
    assert not Article.objects.filter(slug="ohne-titel").exists()
    assert Article.objects.count() == 8


def test_public_pages_show_imported_articles_and_hide_drafts(client, imported):
    from articles.public.sitemaps import SITEMAPS

    published = imported["articles"]["101"]
    secrets = ["Geheimer Entwurf", "Geheime Prüfung", "Geheim privat", "Geheimtext des",
               "Geheimtext in", "Geheimtext hinter", "geheimer-entwurf", "pruefung",
               "Terminierte", "Kommt bald"]
    pages = ["/", "/artikel/", "/artikel/?q=Bürgeramt", "/artikel/?q=Geheimtext",
             "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/archiv/2021/05/",
             *(f"/sitemap-{section}.xml" for section in SITEMAPS),
             published.get_absolute_url()]
    seen = ""
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not [s for s in secrets if s in body], url
        seen += body
    assert "Bürgeramt" in client.get("/artikel/?q=Bürgeramt").content.decode()
    assert published.slug in client.get("/sitemap-artikel.xml").content.decode()
    assert published.slug in client.get("/feeds/rss/").content.decode()
    for key in ("103", "104", "105", "102", "112"):
        assert client.get(imported["articles"][key].get_absolute_url()).status_code == 404


def test_a_post_changed_in_wordpress_is_updated_unless_edited_here(tmp_path, imported):
    changed = [dict(item) for item in ITEMS]
    changed[0]["title"] = "Bürgeramt öffnet digital"
    changed[0]["categories"] = [("category", "Neues Thema")]
    changed[6]["content"] = "Jetzt mit Inhalt."
    edited = imported["articles"]["107"]
    edited.headline = "Hier bearbeitet"
    edited.save()
    path = tmp_path / "geaendert.xml"
    path.write_bytes(wxr.build(changed, authors=AUTHORS))
    output, _progress = run(path)
    article = Article.objects.get(pk=imported["articles"]["101"].pk)
    assert article.headline == "Bürgeramt öffnet digital"
    assert list(article.topics.names()) == ["Neues Thema"]
    assert article.revisions.first().note == "aus WordPress aktualisiert"
    assert Article.objects.get(pk=edited.pk).headline == "Hier bearbeitet"
    assert "hier schon bearbeitet" in output
    beitraege = next(line for line in output.splitlines() if line.startswith("Beiträge"))
    assert beitraege.split()[1:] == ["0", "1", "9", "0"]
    assert run(path)[0].count("aktualisiert") == 1  # header only: nothing changed since


@pytest.mark.parametrize("query", ["?p=", "?p=abc", "?p=1%00", "?p=%EF%BC%91", "?p=-1"])
def test_anything_but_a_post_id_leaves_the_home_page_alone(client, imported, query):
    # Only digits are a WordPress post id; anything else is just the home page.
    assert client.get("/" + query).status_code == 200


def test_a_missing_media_folder_is_refused(export):
    with pytest.raises(CommandError, match="Medienordner"):
        call_command("import_wordpress", str(export), "--media-dir", "/gibt/es/nicht",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == 0
