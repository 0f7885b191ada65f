"""Backups: `export_newsroom` writes everything the public pages and the logins need, and
`import_newsroom` restores it into an empty site exactly, from and into either database,
or refuses a bad archive and changes nothing."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image as PillowImage
from psycopg import sql

from articles.editorial import livecopy, previews, revisions, workflow
from articles.importers.backup import VERSION
from articles.models import (
    Affiliation,
    Article,
    ArticleRedirect,
    City,
    Image,
    ImageCredit,
    ImportedItem,
    LegalPage,
    LegalPageKind,
    LegalPageVersion,
    NavigationItem,
    Organisation,
    Person,
    Placement,
    Rendition,
    Status,
    SubjectRedirect,
    Teaser,
    Topic,
    Transition,
    WorkingCopy,
)
from articles.models.people import OrganisationKind
from articles.public import archive, legal
from articles.public.sitemaps import SITEMAPS

from .conftest import jpeg_bytes
from .test_images import camera_jpeg

PASSWORD = "Redaktion-2025!"
MANIFEST, ARTICLES = "manifest.json", "data/articles.article.json"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
BASE_DIR = Path(settings.BASE_DIR)


# The newsroom and its pages --------------------------------------------------------------


def build_newsroom(demo=True):
    """The demo newsroom (unless `demo` is false) and what it lacks: logins with bylines,
    workflow steps and revisions, a draft, an old URL, an archived article, a curated
    teaser with its own picture, a person with portrait and roles, an organisation under
    another, related articles, and enough articles for a second list page."""
    if demo:
        call_command("load_demo", verbosity=0)
    users = get_user_model().objects
    editor = users.create_user(
        "erika", "erika@example.org", PASSWORD, first_name="Erika", last_name="Muster",
        is_staff=True,
    )
    editor.groups.add(Group.objects.get(name="Chefredaktion"))
    journalist = users.create_user(
        "jonas", "jonas@example.org", PASSWORD, first_name="Jonas", last_name="Beispiel",
        is_staff=True,
    )
    journalist.groups.add(Group.objects.get(name="Redaktion"))
    picture = Image.objects.create(
        file=SimpleUploadedFile("foto.jpg", jpeg_bytes(480, 320, (200, 120, 40))),
        title="Rathaus", alt_text="Das Rathaus im Abendlicht", focal_x=0.25, focal_y=0.4,
        credit=ImageCredit.objects.create(creator="Jana Foto", rights_holder="dpa"),
    )
    city, _created = City.objects.get_or_create(
        name_key="kaiserslautern", defaults={"name": "Kaiserslautern", "state": "RP"}
    )
    state = Organisation.objects.create(name="Land (Beispiel)", kind=OrganisationKind.GOVERNMENT)
    office = Organisation.objects.create(
        name="Digitalbüro (Beispiel)", kind=OrganisationKind.MUNICIPALITY, city=city, parent=state,
        website="https://example.org/",
    )
    person = Person.objects.create(
        name="Paula Beispiel", description="Leitet das Digitalbüro.", portrait=picture
    )
    Affiliation.objects.create(person=person, organisation=office, role="Leiterin",
                               start_date=date(2023, 4, 1))
    Affiliation.objects.create(person=person, organisation=state, role="Referentin",
                               start_date=date(2019, 1, 1), end_date=date(2023, 3, 31))

    published = []
    for n in range(6):
        article = Article.objects.create(
            kicker="Kaiserslautern", headline=f"Neue Meldung {n}", teaser=f"Anreißer {n}.",
            body=f"<p>Verkehr und Verwaltung, Teil {n}.</p>", lead_image=picture,
        )
        article.authors.add(journalist)
        article.topics.add("Verkehr", "Bürgerbeteiligung")
        article.cities.add(city)
        article.people.add(person)
        article.organisations.add(office)
        revisions.record(article, journalist)
        workflow.perform(article, Transition.PUBLISH, editor)
        published.append(article)
    published[3].related.add(published[5], published[4])
    # The legal pages an editor wrote, with their versions, and the main navigation.
    contact = legal.page_for("kontakt")
    contact.body = "<p>Schreiben Sie der Redaktion.</p>"
    legal.save(contact, editor)
    NavigationItem.objects.create(position=1, city=city)
    renamed = published[0]
    renamed.slug = "neuer-kurzname"
    renamed.save()
    workflow.perform(published[1], Transition.ARCHIVE, editor, comment="Veraltet")
    Teaser.objects.create(
        placement=Placement.MORE, position=0, article=published[2], headline="Eigene Zeile",
        image=picture, active_from=timezone.now() - timedelta(hours=1),
    )
    draft = Article.objects.create(headline="Ein Entwurf", teaser="Noch geheim.")
    draft.authors.add(journalist)
    revisions.record(draft, journalist, note="Erste Fassung")
    # A published correction, pending changes waiting for review, and the trash.
    corrected = published[4]
    livecopy.save(corrected, {**revisions.snapshot(corrected), "teaser": "Berichtigt."},
                  journalist, expected_version=corrected.version, correction="Zahl berichtigt.")
    workflow.perform(corrected, Transition.PUBLISH_CHANGES, editor)
    pending = published[5]
    livecopy.save(pending, {**revisions.snapshot(pending), "headline": "Noch nicht freigegeben"},
                  journalist, expected_version=pending.version)
    workflow.perform(pending, Transition.SUBMIT_CHANGES, journalist)
    trashed = Article.objects.create(headline="Zurückgezogen", teaser="Weg.", body="<p>x</p>")
    trashed.topics.add("Verkehr")
    workflow.perform(trashed, Transition.PUBLISH, editor)
    workflow.perform(trashed, Transition.TRASH, editor)
    # Moved in from WordPress: its old permalinks must still lead to it after a restore.
    ImportedItem.objects.create(source=ImportedItem.Source.WORDPRESS, key="7",
                                article=published[2], old_slug="alte-meldung",
                                old_date=date(2021, 5, 3), digest="0" * 64, article_version=1)


def public_urls():
    """Every page a visitor can open: each named URL, with every value its arguments
    take, and the list's second page. Fails for a new kind of URL, so it is never missed."""
    public = Article.objects.published()
    kinds = {"topic": Topic, "city": City, "person": Person, "organisation": Organisation}
    subjects = {
        kind: list(model.objects.order_by("pk").values_list("slug", flat=True))
        for kind, model in kinds.items()
    }
    # A subject's feed lists what its page lists: one feed of each kind will do.
    feeds = {
        kind: list(model.objects.filter(articles__in=public).order_by("pk")
                   .values_list("slug", flat=True)[:1])
        for kind, model in kinds.items()
    }
    months = archive.month_counts(public)
    values = {
        ("slug", "detail"): [
            *public.values_list("slug", flat=True),
            *Article.objects.filter(status__in=[Status.ARCHIVED, Status.TRASHED])
            .values_list("slug", flat=True),
            *ArticleRedirect.objects.values_list("old_slug", flat=True),
        ],
        **{("slug", kind): slugs for kind, slugs in subjects.items()},
        # The API's article detail (api:article_detail); the news boxes (embed_city,
        # embed_topic) take a city's or a topic's slug.
        ("slug", "article"): list(public.values_list("slug", flat=True)),
        ("slug", "embed"): [*subjects["city"], *subjects["topic"]],
        **{("slug", kind, "feed"): slugs for kind, slugs in feeds.items()},
        ("section", "sitemap"): list(SITEMAPS),
        ("slug", "wordpress"): list(ImportedItem.objects.values_list("old_slug", flat=True)),
        ("month", "slug", "year", "wordpress"): [
            (i.old_date.year, i.old_date.month, i.old_slug) for i in ImportedItem.objects.all()],
        ("day", "month", "slug", "year", "wordpress"): [
            (i.old_date.year, i.old_date.month, i.old_date.day, i.old_slug)
            for i in ImportedItem.objects.all()],
        ("token", "preview"): [
            previews.share_token(a) for a in Article.objects.exclude(status=Status.PUBLISHED)
        ],
        # Readers' personal pages: the archive holds content, not subscribers (their
        # consent and addresses stay in the database's own backup).
        ("key", "manage"): [], ("key", "unsubscribe"): [], ("token", "confirm"): [],
        ("kind", "legal"): [kind.value for kind in LegalPageKind],
        ("year", "archive"): sorted({m.year for m in months}),
        ("month", "year", "archive"): [(m.year, m.month) for m in months],
        ("name", "media"): [
            *Image.objects.values_list("file", flat=True),
            *Rendition.objects.values_list("file", flat=True),
        ],
    }
    staff_only = {"articles:preview"}
    urls = [reverse("articles:list") + "?page=2"]
    for name, params in _named_patterns(get_resolver()):
        if name.startswith(("admin:", "accounts:", "otp_webauthn:")) or name in staff_only:
            continue
        if not params:
            urls.append(reverse(name))
            continue
        short = name.split(":")[-1]
        key = (*sorted(params), short.split("_")[0], *(["feed"] if "_feed_" in short else []))
        assert key in values, f"The backup test does not know how to open {name} {params}."
        urls += [reverse(name, args=v if isinstance(v, tuple) else [v]) for v in values[key]]
    return urls


def _named_patterns(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.converters)


CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def fetch_pages(urls):
    """Each page as a visitor gets it: status, redirect target and text, or a picture's
    checksum. Only the CSRF token of a form is blanked out, since it is masked anew for
    every response."""
    client = Client()
    pages = {}
    for url in urls:
        response = client.get(url)
        # Reading a file response to its end closes it, as a WSGI server would.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response["Content-Type"].startswith("image/"):
            text = f"sha256:{hashlib.sha256(body).hexdigest()}"
        else:
            text = CSRF_TOKEN.sub(r"\1…", body.decode())
        pages[url] = [response.status_code, response.get("Location", ""), text]
    return pages


def save_pages(path, urls=None):
    """For the subprocesses: the pages of `urls` (default: all) as JSON in `path`."""
    Path(path).write_text(json.dumps(fetch_pages(urls or public_urls())))


def different(before, after):
    return sorted(url for url in before.keys() | after.keys() if before.get(url) != after.get(url))


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def empty_site(media_root):
    """Delete all content, as on a freshly migrated site, and every stored file."""
    Article.objects.all().delete()  # with revisions, events, redirects, tags and teasers
    City.objects.update(parent=None)  # a Land cannot go before the places inside it
    for model in (Affiliation, NavigationItem, Person, Organisation, Topic, City, Image,
                  ImageCredit, SubjectRedirect, LegalPageVersion):
        model.objects.all().delete()
    # The legal pages as the migration makes them: there, and empty.
    LegalPage.objects.update(body="", responsible="")
    get_user_model().objects.all().delete()
    shutil.rmtree(media_root, ignore_errors=True)


def entries(path):
    """The archive's entries except the manifest, whose creation time differs."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != MANIFEST}


# Round trip ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_restores_every_public_page_and_the_logins(tmp_path, media_root):
    build_newsroom()
    renamed = Topic.objects.order_by("pk").first()
    old_address = renamed.get_absolute_url()
    renamed.slug += "-neu"
    renamed.save()  # its old address answers 301, after the restore too
    urls = [*public_urls(), reverse("articles:list") + "?q=Verkehr", old_address]
    before = fetch_pages(urls)
    assert before[old_address][0] == 301
    assert before[reverse("articles:list") + "?page=2"][0] == 200
    exported = tmp_path / "newsroom.zip"
    call_command("export_newsroom", exported, verbosity=0)

    empty_site(media_root)
    call_command("import_newsroom", exported, verbosity=0)
    cache.clear()  # a page cache must not answer for the restored site

    assert different(before, fetch_pages(urls)) == []
    # Exported again, the restored site gives the same rows to the microsecond, and the
    # same original files.
    again = tmp_path / "again.zip"
    call_command("export_newsroom", again, verbosity=0)
    assert entries(again) == entries(exported)

    browser = Client()
    response = browser.post(reverse("admin:login"), {"username": "erika", "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get(reverse("admin:index")).status_code == 200
    assert get_user_model().objects.get(username="erika").has_perm("articles.publish_article")


@pytest.mark.django_db
def test_archive_holds_manifest_rows_logins_and_originals(
    tmp_path, make_article, make_image, journalist, editor
):
    users = get_user_model().objects
    author = users.create_user("autorin", first_name="Anna", last_name="Autorin")
    users.create_user("leser")  # wrote nothing, no staff login: not the newsroom's
    make_article(lead_image=make_image(alt_text="Ein Bild")).authors.add(author)
    exported = tmp_path / "newsroom.zip"
    call_command("export_newsroom", exported, verbosity=0)

    with zipfile.ZipFile(exported) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        names = set(archive.namelist()) - {MANIFEST}
        checksums = {n: hashlib.sha256(archive.read(n)).hexdigest() for n in names}
        logins = {row["fields"]["username"]: row["fields"]
                  for row in json.loads(archive.read("data/auth.user.json"))}
    assert manifest["format"] == "newsroom-archive"
    assert manifest["version"] == VERSION
    assert manifest["files"] == checksums
    assert manifest["counts"]["articles.article"] == 1
    assert manifest["counts"]["auth.user"] == 3
    assert set(logins) == {"autorin", "jana", "erik"}
    assert logins["jana"]["groups"] == [["Redaktion"]]
    assert logins["jana"]["password"] == journalist.password
    originals = {f"media/{name}" for name in Image.objects.values_list("file", flat=True)}
    assert {n for n in names if n.startswith("media/")} == originals


@pytest.mark.django_db
def test_export_without_an_original_fails_and_writes_no_archive(tmp_path, make_image):
    image = make_image(alt_text="Ein Bild")
    image.file.storage.delete(image.file.name)
    with pytest.raises(CommandError, match=f"Die Datei {image.file.name} von Bild"):
        call_command("export_newsroom", tmp_path / "newsroom.zip", verbosity=0)
    assert list(tmp_path.glob("newsroom.zip*")) == list(tmp_path.glob(".newsroom.zip*")) == []


# Refusals --------------------------------------------------------------------------------


@pytest.fixture
def small_archive(tmp_path, make_article, make_image, media_root):
    """An archive of a small site, which is then emptied for the import."""
    make_article(lead_image=make_image(alt_text="Ein Bild"), topics=["Verkehr"])
    path = tmp_path / "small.zip"
    call_command("export_newsroom", path, verbosity=0)
    empty_site(media_root)
    return path


def rewritten(path, change, *, reseal=False):
    """A copy of the archive with each entry's bytes replaced by `change(name, data)`
    (None leaves the entry out). `reseal` puts the new checksums into the manifest, as an
    exporter would have written them for that content."""
    with zipfile.ZipFile(path) as source:
        contents = {name: change(name, source.read(name)) for name in source.namelist()}
    if reseal:
        manifest = json.loads(contents[MANIFEST])
        manifest["files"] = {name: hashlib.sha256(data).hexdigest()
                             for name, data in contents.items() if name != MANIFEST}
        contents[MANIFEST] = json.dumps(manifest).encode()
    copy = path.with_name(f"changed-{path.name}")
    with zipfile.ZipFile(copy, "w") as target:
        for name, data in contents.items():
            if data is not None:
                target.writestr(name, data)
    return copy


def truncated(path):
    copy = path.with_name(f"truncated-{path.name}")
    copy.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return copy


def flipped_media_byte(path):
    def flip(name, data):
        return data[:100] + bytes([data[100] ^ 0xFF]) + data[101:] if "media/" in name else data

    return rewritten(path, flip)


def manifest_with(**changes):
    def change(name, data):
        return json.dumps({**json.loads(data), **changes}).encode() if name == MANIFEST else data

    return lambda path: rewritten(path, change)


def without_manifest(path):
    return rewritten(path, lambda name, data: None if name == MANIFEST else data)


def malformed_articles(path):
    """Cut short, with checksums to match: what a faulty exporter could have written."""
    return rewritten(path, lambda name, data: data[:40] if name == ARTICLES else data,
                     reseal=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncated, "kein lesbares Newsroom-Archiv"),
        (flipped_media_byte, "Die Prüfsumme von media/images/"),
        (manifest_with(version=99), "Das Archiv hat Version 99"),
        (manifest_with(format="wxr"), "Das ist kein Newsroom-Archiv"),
        (without_manifest, "manifest.json fehlt"),
        (malformed_articles, f"{ARTICLES} ist kein gültiges JSON"),
    ],
)
def test_damaged_or_incompatible_archive_is_refused_and_nothing_changes(
    small_archive, media_root, damage, message
):
    counts = row_counts()
    with pytest.raises(CommandError, match=message) as refusal:
        call_command("import_newsroom", damage(small_archive), verbosity=0)
    assert "Es wurde nichts importiert." in str(refusal.value)
    assert row_counts() == counts
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_import_into_a_site_with_content_is_refused(small_archive, make_article, media_root):
    make_article(headline="Schon da")
    counts, files = row_counts(), stored_files(media_root)
    with pytest.raises(CommandError, match=r"Die Zieldatenbank ist nicht leer \(1 Artikel"):
        call_command("import_newsroom", small_archive, verbosity=0)
    assert row_counts() == counts
    assert stored_files(media_root) == files


@pytest.mark.django_db
def test_a_file_that_is_no_picture_is_refused_with_nothing_written(small_archive, media_root):
    """An original that is no picture passes the checksums; the upload checks refuse it
    before any row or file is written."""
    no_picture = rewritten(
        small_archive, lambda n, d: b"<html><script>alert(1)</script>" if n.startswith("media/")
        else d, reseal=True
    )
    counts = row_counts()
    with pytest.raises(CommandError, match="kein zulässiges Bild"):
        call_command("import_newsroom", no_picture, verbosity=0)
    assert row_counts() == counts
    assert stored_files(media_root) == []


def test_hostile_html_is_cleaned_and_pictures_lose_their_metadata(small_archive, media_root,
                                                                   client):
    def hostile(name, data):
        if name == ARTICLES:
            rows = json.loads(data)
            rows[0]["fields"]["body"] = (
                '<p>Text</p><script>alert("x")</script><img src=x onerror=alert(1)>')
            return json.dumps(rows).encode()
        if name.startswith("media/"):
            return camera_jpeg(64, 48)
        return data

    call_command("import_newsroom", rewritten(small_archive, hostile, reseal=True), verbosity=0)

    article = Article.objects.get()
    assert article.body == "<p>Text</p>"
    assert "alert" not in client.get(article.get_absolute_url()).content.decode()
    with article.lead_image.file.open("rb") as stored:
        picture = PillowImage.open(stored)
        assert not picture.getexif() and "icc_profile" not in picture.info


# Across databases -------------------------------------------------------------------------


@pytest.fixture
def postgres_url():
    """A PostgreSQL database of its own on 127.0.0.1:5432, dropped afterwards."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"newsroom_backup_{worker}_{uuid.uuid4().hex[:10]}"
    try:
        server = psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is unreachable; the cross-database "
                    f"backup test needs it: {error}")
    with server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"postgres://postgres@127.0.0.1:5432/{name}"
        finally:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def site(database_url, media, *steps):
    """Run `steps` (Python lines) in `manage.py shell` against another database and
    media directory, as a separate installation would."""
    env = {**os.environ, "NEWSROOM_ENV": "test", "DATABASE_URL": database_url,
           "MEDIA_ROOT": str(media)}
    code = "\n".join([
        "from django.conf import settings",
        "from django.core.management import call_command as run",
        "from tests import test_backup as t",
        # Fast hashing, as tests/conftest.py sets it for the suite.
        f"settings.PASSWORD_HASHERS = {FAST_HASHERS!r}",
        "run('migrate', verbosity=0)",
        *steps,
    ])
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr


def write_after_restore():
    """New rows get keys of their own: on PostgreSQL only if the import reset the sequences."""
    user = get_user_model().objects.create_user("neu")
    article = Article.objects.create(headline="Nach der Wiederherstellung")
    article.topics.add("Neues Thema")
    revisions.record(article, user)


def rows(path):
    """An archive's rows, parsed: PostgreSQL's jsonb keeps a revision's keys in an order
    of its own, which changes the bytes but not the data."""
    return {name: json.loads(data) for name, data in entries(path).items()
            if name.startswith("data/")}


def test_sqlite_to_postgresql_and_back(tmp_path, postgres_url):
    """SQLite → PostgreSQL → SQLite: every page reads the same on all three sites, and
    the rows and files arrive unchanged."""
    sqlite_a, sqlite_c = tmp_path / "a.sqlite3", tmp_path / "c.sqlite3"
    pages = {name: tmp_path / f"pages-{name}.json" for name in "abc"}
    archives = {name: tmp_path / f"archive-{name}.zip" for name in "ab"}
    site(f"sqlite:///{sqlite_a}", tmp_path / "media-a",
         # The third site starts as a copy of this one, migrated and still empty.
         f"import shutil; shutil.copy({str(sqlite_a)!r}, {str(sqlite_c)!r})",
         # Without the demo, whose large picture costs time on every import.
         "t.build_newsroom(demo=False)",
         f"t.save_pages({str(pages['a'])!r})",
         f"run('export_newsroom', {str(archives['a'])!r})")
    urls = list(json.loads(pages["a"].read_text()))
    site(postgres_url, tmp_path / "media-b",
         f"run('import_newsroom', {str(archives['a'])!r})",
         f"t.save_pages({str(pages['b'])!r}, {urls!r})",
         f"run('export_newsroom', {str(archives['b'])!r})",
         "t.write_after_restore()")
    site(f"sqlite:///{sqlite_c}", tmp_path / "media-c",
         f"run('import_newsroom', {str(archives['b'])!r})",
         f"t.save_pages({str(pages['c'])!r}, {urls!r})")

    a, b, c = (json.loads(pages[name].read_text()) for name in "abc")
    assert different(a, b) == []
    assert different(a, c) == []
    assert rows(archives["b"]) == rows(archives["a"])
    files = stored_files(tmp_path / "media-a")
    assert stored_files(tmp_path / "media-b") == stored_files(tmp_path / "media-c") == files


def as_version_1(path, target):
    """`path`'s archive as version 1 wrote it: no working copies or imported items, and
    none of the fields version 2 added."""
    added = {"articles.article": {"modified_at", "corrections", "trashed_at", "trashed_from"},
             **{f"articles.{m}": {"version"} for m in
                ("image", "imagecredit", "person", "organisation", "teaser")}}
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w") as new:
        manifest = json.loads(old.read(MANIFEST))
        manifest["version"] = 1
        later = ("articles.workingcopy", "articles.importeditem")
        for label in later:
            del manifest["counts"][label]
            del manifest["files"][f"data/{label}.json"]
        for name in old.namelist():
            if name == MANIFEST or name.removeprefix("data/").removesuffix(".json") in later:
                continue
            content = old.read(name)
            label = name.removeprefix("data/").removesuffix(".json")
            if label in added:
                rows = json.loads(content)
                for row in rows:
                    for field in added[label]:
                        row["fields"].pop(field, None)
                content = json.dumps(rows).encode()
                manifest["files"][name] = hashlib.sha256(content).hexdigest()
            new.writestr(name, content)
        new.writestr(MANIFEST, json.dumps(manifest))


@pytest.mark.django_db
def test_an_archive_of_the_previous_format_still_imports(tmp_path, media_root):
    build_newsroom(demo=False)
    Article.objects.filter(status=Status.TRASHED).update(status=Status.DRAFT)
    WorkingCopy.objects.all().delete()
    exported, old = tmp_path / "newsroom.zip", tmp_path / "v1.zip"
    call_command("export_newsroom", exported, verbosity=0)
    as_version_1(exported, old)

    empty_site(media_root)
    call_command("import_newsroom", old, verbosity=0)

    public = Article.objects.published()
    assert public.exists()
    # As the migration does for existing sites: the live version dates from publication.
    assert all(a.modified_at == a.published_at for a in public)


@pytest.mark.django_db
def test_archive_carries_working_copies_and_the_trash(tmp_path, media_root):
    build_newsroom(demo=False)
    exported = tmp_path / "newsroom.zip"
    call_command("export_newsroom", exported, verbosity=0)
    empty_site(media_root)
    call_command("import_newsroom", exported, verbosity=0)
    assert WorkingCopy.objects.get().data["headline"] == "Noch nicht freigegeben"
    assert Article.objects.get(status=Status.TRASHED).trashed_from == Status.PUBLISHED
    assert Article.objects.get(teaser="Berichtigt.").corrections[0]["text"] == "Zahl berichtigt."
