"""import_feed: RSS 2.0 and Atom 1.0 entries become drafts (or published articles) that
name and link their source; a second run adds only new entries; a broken feed is
refused with nothing written. Files only: the tests never go online."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, City, ImportedItem, Revision, Status, Topic

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
RSS, ATOM = DATA / "partner.rss", DATA / "partner.atom"


def run(source, *args):
    out = io.StringIO()
    call_command("import_feed", str(source), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_rss_items_become_drafts_with_their_source():
    output = run(RSS)
    assert "Meldungen" in output
    first = Article.objects.get(headline="Kaiserslautern startet „Bürger-App“ & Portal")
    assert first.status == Status.DRAFT and first.published_at is None
    assert first.body.startswith("<p>Die Stadt hat eine App vorgestellt.</p>")
    assert "script" not in first.body
    assert ('<p>Quelle: <a href="https://partner.example.de/meldung/1" rel="noopener">'
            "Partnerdienst Kommunal &amp; Digital</a></p>") in first.body
    assert first.teaser == "Die Stadt hat eine App vorgestellt."
    plain = Article.objects.get(headline="Landkreis digitalisiert Bauanträge")
    assert plain.body.startswith("<p>Nur Text ohne Absätze.<br>\nMit Zeilenumbruch.</p>")
    assert set(ImportedItem.objects.values_list("key", flat=True)) == {
        "partner-1", "https://partner.example.de/meldung/2"}
    assert Revision.objects.filter(article=first).exists()


def test_atom_entries_published_with_topic_and_place(client):
    Topic.objects.create(name="Breitband")
    City.objects.create(name="Kaiserslautern")
    run(ATOM, "--publish", "--topic", "breitband", "--place", "kaiserslautern")
    article = Article.objects.get()
    assert article.headline == "Glasfaser für alle Ortsteile & Höfe"
    assert article.status == Status.PUBLISHED and article.is_public
    assert article.teaser == "Der Ausbau beginnt im Juni."
    assert list(article.topics.names()) == ["Breitband"]
    assert list(article.cities.names()) == ["Kaiserslautern"]
    assert "Quelle: " in article.body and "Atom-Partner" in article.body
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Quelle:" in page and "https://atom.example.de/glasfaser" in page
    assert article.slug in client.get("/feeds/rss/").content.decode()
    assert article.slug in client.get("/sitemap-artikel.xml").content.decode()
    assert "Glasfaser" in client.get("/artikel/?q=Glasfaser").content.decode()


def test_drafts_from_a_feed_stay_hidden(client):
    run(RSS)
    for url in ("/", "/artikel/", "/feeds/rss/", "/sitemap-artikel.xml",
                "/artikel/?q=Bauanträge"):
        body = client.get(url).content.decode()
        assert "Landkreis digitalisiert" not in body, url
    article = Article.objects.get(headline="Landkreis digitalisiert Bauanträge")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_second_run_adds_only_new_items(tmp_path):
    run(RSS)
    output = run(RSS)
    assert Article.objects.count() == 2
    line = next(line for line in output.splitlines() if line.startswith("Meldungen"))
    assert line.split()[1:] == ["0", "0", "2", "0"]
    grown = tmp_path / "mehr.rss"
    grown.write_text(RSS.read_text().replace("</channel>", """<item>
      <title>Neue Meldung</title><guid>partner-3</guid>
      <description>Neu.</description></item></channel>"""))
    run(grown)
    assert Article.objects.count() == 3


@pytest.mark.parametrize("content", [
    "kein Feed", "<rss version='2.0'><channel><item><title>abgebrochen",
    "<?xml version='1.0'?><html><body>Website</body></html>",
])
def test_a_broken_feed_is_refused(tmp_path, content):
    path = tmp_path / "kaputt.xml"
    path.write_text(content)
    with pytest.raises(CommandError, match="Es wurde nichts importiert"):
        run(path)
    assert Article.objects.count() == 0


def test_an_unknown_topic_is_refused():
    with pytest.raises(CommandError, match="„gibtsnicht“ gibt es nicht"):
        run(RSS, "--topic", "gibtsnicht")
    assert Article.objects.count() == 0
