"""Shared fixtures: users in the editorial groups, and a factory for articles."""

import io
import itertools
import logging
import os
from datetime import timedelta

import hypothesis
import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.backends import jinja2 as jinja2_backend
from django.test import Client
from django.test.signals import template_rendered
from django.utils import timezone
from PIL import Image as PillowImage

from articles.models import Article, Image, Status

_counter = itertools.count(1)

# CI (.ci/run) tries the same generated examples on every run, so that a draw finding a new
# bug shows up in a developer's `make test` rather than failing an unrelated change; local
# runs keep exploring new examples.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def jinja2_templates_reported():
    """The test client learns which templates rendered with what (response.context,
    assertTemplateUsed) from a signal that Django's own templates send in tests only;
    send it for the public site's Jinja2 templates too."""
    original = jinja2_backend.Template.render

    def render(self, context=None, request=None):
        self.name = self.origin.template_name
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return original(self, context, request)

    jinja2_backend.Template.render = render
    yield
    jinja2_backend.Template.render = original


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher is slow on purpose; tests log in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages must not outlive the test whose database rolled back.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def generous_api_rate_limit(settings):
    # Tests walk every URL, the API's too, many times a minute from one address;
    # tests/test_api.py lowers the limit where it tests it.
    settings.NEWSROOM_API_RATE_LIMIT = 100_000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _staff_user(username, group_name):
    user = User.objects.create_user(
        username=username, password="Redaktion-2025!", is_staff=True,
        first_name=username.capitalize(), last_name="Muster",
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def journalist(db):
    return _staff_user("jana", "Redaktion")


@pytest.fixture
def editor(db):
    return _staff_user("erik", "Chefredaktion")


@pytest.fixture
def journalist_client(journalist):
    """A browser of its own, so a test can have a journalist, an editor and a visitor."""
    client = Client()
    client.force_login(journalist)
    return client


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def make_article(db):
    """Create an article; published yesterday unless told otherwise.

    `topics`, `cities`, `people`, `organisations` take lists of names or objects.
    """

    def make(*, topics=(), cities=(), people=(), organisations=(), **fields):
        n = next(_counter)
        fields.setdefault("headline", f"Testmeldung {n}")
        fields.setdefault("kicker", "Teststadt")
        fields.setdefault("teaser", f"Anreißer der Testmeldung {n}.")
        fields.setdefault("body", f"<p>Text der Testmeldung {n}.</p>")
        fields.setdefault("status", Status.PUBLISHED)
        if fields["status"] == Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - timedelta(days=1, minutes=n))
        article = Article.objects.create(**fields)
        if topics:
            article.topics.add(*topics)
        if cities:
            article.cities.add(*cities)
        if people:
            article.people.add(*people)
        if organisations:
            article.organisations.add(*organisations)
        return article

    return make


def jpeg_bytes(width=64, height=48, color=(30, 90, 150)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def make_image(db):
    """Create an Image with a real JPEG file (or the image file `content`); alt text,
    caption and credit as given."""

    def make(content=None, **fields):
        fields.setdefault("title", "Testbild")
        upload = SimpleUploadedFile("foto.jpg", content or jpeg_bytes(), content_type="image/jpeg")
        return Image.objects.create(file=upload, **fields)

    return make


def admin_login(client, username, password):
    """Log in through the admin's login form, as a person would (and as throttling sees)."""
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def mail_server(settings):
    """A real SMTP server (aiosmtpd) on a free port, which Django sends to."""
    from tests.mailserver import MailServer

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd talks a lot
    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.NEWSLETTER_FROM = "Kommune digital <newsletter@example.org>"
    settings.NEWSROOM_SITE_URL = "https://www.example.de"
    yield server
    if server.running:
        server.stop()
