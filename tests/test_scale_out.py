"""Two app servers behind one load balancer share everything a visitor or editor can tell.

Real processes, as in production: two gunicorn servers (A and B) in production mode on one
PostgreSQL database, one Redis (page cache and sessions) and one S3 bucket (a moto
server), spoken to over plain HTTP by an editor's and a visitor's "browser". What happens
on one server shows on the other at once: a published article, an uploaded picture with
its renditions, a login, an archived article. The visitor's pages are cached beforehand,
so a stale page cache would fail the test.

PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) run on every
developer's machine and in CI; without them the test fails, it never skips.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import boto3
import psycopg
import pytest
import redis
import requests
from PIL import Image as PillowImage

from newsroom.media import CACHE_CONTROL
from tests.conftest import jpeg_bytes

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
REDIS_DB = 9  # the test's own database in the shared Redis, flushed before and after
BUCKET = "newsroom-media"
PASSWORD = "Chefredaktion-2025!"
TIMEOUT = 15  # seconds for any one request
# The draft the editor publishes, as the form shows it.
DRAFT = {"kicker": "Kreis Lippe",
         "teaser": "Ab Montag fahren die Busse im Takt der Regionalbahn.",
         "body": "<p>Die neue Linie verbindet alle Ortsteile.</p>"}
# What the bucket must answer for each extension the site stores: type and image format.
TYPES = {"jpg": ("image/jpeg", "JPEG"), "jpeg": ("image/jpeg", "JPEG"),
         "webp": ("image/webp", "WEBP")}
# Variables of the developer's own environment that must not leak into the servers.
OWN_VARIABLES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                 "MEDIA_ROOT", "STATIC_ROOT", "HTTPS"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require(service, probe):
    try:
        probe()
    except Exception as error:
        pytest.fail(f"{service} is unreachable ({error}). It runs on every machine of this "
                    "project and in CI; the scale-out test needs it and does not skip.")


class Processes:
    """Everything the test starts, each logging to a file, all ended however it ends."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.started = {}

    def start(self, name, args, env):
        with open(self.log_dir / f"{name}.log", "wb") as log:
            self.started[name] = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: gunicorn's workers too
            )

    def finish(self, name, deadline=90):
        """Wait for a command to succeed; return its output."""
        try:
            returncode = self.started[name].wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} did not finish within {deadline} s.\n{self.logs()}")
        if returncode != 0:
            pytest.fail(f"{name} failed with {returncode}.\n{self.logs()}")
        return self.log(name)

    def wait_until_answering(self, name, url, deadline=30):
        """Poll `url` until it answers 200; fail with the logs if the process dies first."""
        process, give_up = self.started[name], time.monotonic() + deadline
        while time.monotonic() < give_up:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}.\n{self.logs()}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:  # not listening, or no worker ready yet
                pass
            time.sleep(0.1)
        pytest.fail(f"{name} did not answer {url} within {deadline} s.\n{self.logs()}")

    def stop_all(self):
        for process in self.started.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log(self, name):
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def logs(self):
        return "\n".join(f"----- {name} -----\n{self.log(name)}" for name in self.started)

    @contextmanager
    def logs_on_failure(self):
        try:
            yield
        except BaseException:
            print(self.logs())  # pytest shows it with the failure
            raise


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture
def database_url():
    """A fresh PostgreSQL database, dropped afterwards whatever still holds it."""
    def admin():
        return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)

    require("PostgreSQL at 127.0.0.1:5432", lambda: admin().close())
    name = f"newsroom_scaleout_{secrets.token_hex(4)}"
    with admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    url = f"{REDIS}/{REDIS_DB}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    require("Redis at 127.0.0.1:6379", client.ping)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def s3_endpoint(processes):
    """A moto S3 server with an empty bucket."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    processes.start("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)], {**os.environ, "PYTHONUNBUFFERED": "1"})
    processes.wait_until_answering("moto", f"{endpoint}/moto-api/")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-central-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket=BUCKET,
                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    # Anyone may read, as the README asks of a production bucket.
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
    }))
    return endpoint


@pytest.fixture
def production_env(tmp_path, database_url, redis_url, s3_endpoint):
    """What both app servers are started with: production mode on the shared services."""
    own = {name: value for name, value in os.environ.items()
           if name not in OWN_VARIABLES and not name.startswith(("NEWSROOM_", "AWS_"))}
    return {
        **own,
        "NEWSROOM_ENV": "production", "DEBUG": "0", "HTTPS": "0",
        # Staff sign in with the password alone here (tests/test_second_factor.py covers
        # the second factor), as in the test settings.
        "NEWSROOM_MFA": "optional",
        "ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "STATIC_ROOT": str(tmp_path / "static"),
        # Nothing may land here: uploads belong in the bucket.
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
    }


def manage(*args):
    return [sys.executable, "manage.py", *args]


SET_UP_NEWSROOM = """
from django.contrib.auth.models import Group, User
from articles.models import Article
editor = User.objects.create_user("erik", password={password!r}, is_staff=True,
                                  first_name="Erik", last_name="Muster")
editor.groups.add(Group.objects.get(name="Chefredaktion"))
draft = Article.objects.create(headline={headline!r}, **{draft!r})
draft.topics.add("Verkehr")
draft.authors.add(editor)
# The topic's page exists before the story: an older public article is about it too.
older = Article.objects.create(headline="Ältere Meldung", status="published",
                               published_at="2025-01-02T10:00:00+01:00")
older.topics.add("Verkehr")
print("newsroom", editor.pk, draft.pk, draft.slug)
"""


@dataclass(frozen=True)
class Newsroom:
    a: str  # the servers' base URLs
    b: str
    editor: str  # ids and names in the shared database
    draft: str
    slug: str
    headline: str
    media_url: str  # where the pages link uploads: the bucket
    media_root: Path  # where they must not land


def start_newsroom(env, processes, *, media_url, media_root):
    """Servers A and B on the migrated database of `env`, with an editor and a draft
    ready to publish; the static files collected once, as a deployment does."""
    processes.start("collectstatic", manage("collectstatic", "--no-input"), env)
    processes.start("migrate", manage("migrate", "--no-input"), env)
    processes.finish("migrate")
    headline = f"Neue Buslinie verbindet die Ortsteile {secrets.token_hex(3)}"
    processes.start("setup", manage("shell", "-c", SET_UP_NEWSROOM.format(
        password=PASSWORD, headline=headline, draft=DRAFT)), env)
    processes.finish("collectstatic")
    servers = {}
    for name in ("A", "B"):
        port = free_port()
        processes.start(name, [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--graceful-timeout", "3", "--access-logfile", "-",
        ], env)
        servers[name] = f"http://127.0.0.1:{port}"
    for name, url in servers.items():
        processes.wait_until_answering(name, f"{url}/readyz")
    editor_pk, draft_pk, slug = re.search(
        r"^newsroom (\d+) (\d+) (\S+)$", processes.finish("setup"), re.MULTILINE
    ).groups()
    return Newsroom(a=servers["A"], b=servers["B"], editor=editor_pk, draft=draft_pk,
                    slug=slug, headline=headline, media_url=media_url, media_root=media_root)


@pytest.fixture
def newsroom(production_env, processes):
    """Two app servers sharing PostgreSQL, Redis and an S3 bucket."""
    return start_newsroom(
        production_env, processes,
        media_url=f"{production_env['AWS_S3_ENDPOINT_URL']}/{BUCKET}/",
        media_root=Path(production_env["MEDIA_ROOT"]),
    )


# The browsers' side ------------------------------------------------------------------------


class Browser(requests.Session):
    """One person's browser: its own cookies, sent to both servers (same host)."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)

    def submit(self, form_url, data, files=None):
        """POST a form the way a browser does: with the CSRF token of the page it is on."""
        page = self.get(form_url)
        assert page.status_code == 200, (form_url, page.status_code)
        token = field_value(page.text, "csrfmiddlewaretoken")
        return self.post(form_url, data={**data, "csrfmiddlewaretoken": token}, files=files,
                         headers={"Referer": form_url})


def field_value(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name} on the page"
    return match.group(1)


def form_errors(response):
    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.DOTALL)


def assert_redirect(response, to):
    assert response.status_code == 302, form_errors(response) or response.status_code
    assert response.headers["Location"].startswith(to), response.headers["Location"]


def warm(visitor, url):
    """Cache `url` on its server: the second request must come from the page cache."""
    visitor.get(url)
    again = visitor.get(url)
    assert again.headers.get("X-Page-Cache") == "hit", (url, again.status_code)
    return again


def log_in(editor, server):
    login = f"{server}/admin/login/?next=/admin/"
    response = editor.submit(login, {"username": "erik", "password": PASSWORD, "next": "/admin/"})
    assert_redirect(response, "/admin/")


def upload_picture(editor, server):
    """Add a picture through the admin's form; return its id."""
    response = editor.submit(
        f"{server}/admin/articles/image/add/",
        {"title": "Bus am Bahnhof", "alt_text": "Ein Linienbus hält am Bahnhof.",
         "caption": "", "credit": "", "credit_creator": "Thomas Kierok",
         "credit_rights_holder": "", "credit_licence": "", "focal_x": "", "focal_y": "",
         "_save": "Sichern"},
        files={"file": ("IMG_0815.jpg", jpeg_bytes(800, 600), "image/jpeg")},
    )
    assert_redirect(response, "/admin/articles/image/")
    listing = editor.get(f"{server}/admin/articles/image/").text
    return re.search(r"/admin/articles/image/(\d+)/change/", listing).group(1)


def publish(editor, server, newsroom, picture):
    """Press "Jetzt veröffentlichen" in the article form, with the picture as lead image."""
    change = f"{server}/admin/articles/article/{newsroom.draft}/change/"
    version = field_value(editor.get(change).text, "edit_version")
    response = editor.submit(change, {
        **DRAFT, "headline": newsroom.headline, "lead_image": picture,
        "topics": "Verkehr", "cities": "", "published_at_0": "", "published_at_1": "",
        "slug": newsroom.slug, "authors": newsroom.editor, "workflow_comment": "",
        "edit_version": version, "_workflow": "publish",
    })
    assert_redirect(response, "/admin/articles/article/")


def take_bulk_action(editor, server, action, article):
    changelist = f"{server}/admin/articles/article/"
    response = editor.submit(changelist, {"action": action, "_selected_action": article,
                                          "index": "0"})
    assert_redirect(response, "/admin/articles/article/")


def media_urls(html, media_url):
    return set(re.findall(rf'{re.escape(media_url)}[^"\s,]+', html))


def extension(url):
    return url.split("?")[0].rsplit(".", 1)[-1]


def assert_served_from_bucket(url, width=None):
    """A visitor gets the picture at `url`, as its type says, cached for a year."""
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, url
    content_type, image_format = TYPES[extension(url)]
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    with PillowImage.open(BytesIO(response.content)) as picture:
        assert picture.format == image_format
        if width:
            assert picture.width == width, url


# The story ---------------------------------------------------------------------------------


def test_two_app_servers_share_content_pictures_sessions_and_the_page_cache(
    newsroom, processes
):
    a, b, headline = newsroom.a, newsroom.b, newsroom.headline
    article_path, topic_path = f"/artikel/{newsroom.slug}/", "/thema/verkehr/"
    editor, visitor = Browser(), Browser()
    with processes.logs_on_failure():
        # The visitor has B's pages cached before anything happens.
        for path in ("/", topic_path, "/feeds/rss/"):
            assert headline not in warm(visitor, f"{b}{path}").text
        assert visitor.get(f"{b}{article_path}").status_code == 404

        log_in(editor, a)
        picture = upload_picture(editor, a)
        publish(editor, a, newsroom, picture)

        # Published on A: on B at once, on every page that lists it.
        for path in ("/", article_path, topic_path, "/feeds/rss/"):
            response = visitor.get(f"{b}{path}")
            assert response.status_code == 200 and headline in response.text, path

        # The picture uploaded to A: B's pages link its original and renditions in the
        # bucket, and the bucket serves them.
        page = visitor.get(f"{b}{article_path}").text
        urls = media_urls(page, newsroom.media_url)
        assert any("/images/" in url for url in urls), urls
        renditions = dict(re.findall(
            rf"({re.escape(newsroom.media_url)}renditions/\w+/\S+) (\d+)w", page
        ))
        assert {extension(url) for url in renditions} == {"webp", "jpeg"}
        assert {int(width) for width in renditions.values()} >= {320, 640, 800}
        for url in urls - renditions.keys():
            assert_served_from_bucket(url)
        for url, width in renditions.items():
            assert_served_from_bucket(url, int(width))
        credits = visitor.get(f"{b}/bildnachweise/").text
        assert "Thomas Kierok" in credits and media_urls(credits, newsroom.media_url)
        assert not newsroom.media_root.exists()

        # The login made on A holds on B.
        admin = editor.get(f"{b}/admin/")
        assert admin.status_code == 200 and "/admin/logout/" in admin.text

        # Archived on B: gone from A's cached pages at once.
        for path in ("/", article_path):
            assert headline in warm(visitor, f"{a}{path}").text
        take_bulk_action(editor, b, "archive_selected", newsroom.draft)
        assert headline not in visitor.get(f"{a}/").text
        assert visitor.get(f"{a}{article_path}").status_code == 410


# One machine without Redis ------------------------------------------------------------------


@pytest.fixture
def one_machine(tmp_path, database_url, processes):
    """Servers A and B as two gunicorns of one machine: no Redis, local media, the cache in
    files they share (the default without REDIS_URL)."""
    own = {name: value for name, value in os.environ.items()
           if name not in OWN_VARIABLES and not name.startswith(("NEWSROOM_", "AWS_"))}
    env = {
        **own, "NEWSROOM_ENV": "production", "DEBUG": "0", "HTTPS": "0",
        "NEWSROOM_MFA": "optional",  # as above: password sign-in, as in the test settings
        "ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url, "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"), "NEWSROOM_CACHE_DIR": str(tmp_path / "cache"),
        "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
    }
    return start_newsroom(env, processes, media_url="/media/", media_root=tmp_path / "media")


def test_without_redis_a_publication_on_one_worker_is_seen_by_the_other_at_once(
    one_machine, processes
):
    newsroom = one_machine
    editor, visitor = Browser(), Browser()
    with processes.logs_on_failure():
        # B keeps its home page and topic page in the cache before anything happens.
        for path in ("/", "/thema/verkehr/"):
            assert newsroom.headline not in warm(visitor, f"{newsroom.b}{path}").text
        log_in(editor, newsroom.a)
        publish(editor, newsroom.a, newsroom, picture="")
        for path in ("/", "/thema/verkehr/", f"/artikel/{newsroom.slug}/"):
            response = visitor.get(f"{newsroom.b}{path}")
            assert response.status_code == 200 and newsroom.headline in response.text, path
