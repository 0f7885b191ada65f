"""Headless Chromium (Debian's package) driven by Playwright against Django's live server."""

import contextlib
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API keeps an event loop in the test thread; the test's own ORM calls
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Requests:
    """The live server's requests in flight. On SQLite the server's threads share the
    test's in-memory database connection, so a request still running when the next test
    sets up (the presence beacon a closing editor page sends) would use it at once."""

    lock = threading.Lock()
    running = 0

    @classmethod
    def started(cls, **kwargs):
        with cls.lock:
            cls.running += 1

    @classmethod
    def finished(cls, **kwargs):
        with cls.lock:
            cls.running -= 1

    @classmethod
    def wait_until_quiet(cls, quiet=0.2, deadline=10):
        """Until no request has run for `quiet` seconds (or `deadline` has passed)."""
        end, calm_since = time.monotonic() + deadline, None
        while time.monotonic() < end:
            if cls.running:
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return
            time.sleep(0.01)


request_started.connect(Requests.started)
request_finished.connect(Requests.finished)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Open a fresh browser context (own cookies) on the live server; closed after the test,
    and before the test's database is emptied (the fixture asks for transactional_db so
    that it is torn down first), once the live server has answered all the pages sent.

    Every page is watched for Content Security Policy violations: the test fails if our
    own pages break the policy they are served with.
    """
    contexts = []
    violations = []

    def open_page(width=1280, height=900, **options):
        """`options` go to Playwright's new_context(), e.g. bypass_csp=True."""
        context = browser.new_context(
            base_url=live_server.url, locale="de-DE", viewport={"width": width, "height": height},
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    yield open_page
    from playwright.sync_api import Error as PlaywrightError

    for context in contexts:
        for page in context.pages:
            # A pop-up may have closed itself meanwhile (after saving).
            with contextlib.suppress(PlaywrightError):
                page.goto("about:blank")  # unloads now: what a page sends as it goes, goes now
        context.close()
    Requests.wait_until_quiet()
    assert not violations, violations


PASSWORD = "Redaktion-2025!"


@pytest.fixture
def staff(transactional_db):
    """A journalist (jana, Redaktion) and an editor (erik, Chefredaktion) who can log in."""
    from django.contrib.auth.models import Group, User

    users = {}
    for username, group, role in (("jana", "Redaktion", "journalist"),
                                  ("erik", "Chefredaktion", "editor")):
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True,
                                        first_name=username.capitalize(), last_name="Beispiel")
        user.groups.add(Group.objects.get(name=group))
        users[role] = users[username] = user
    return users


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
