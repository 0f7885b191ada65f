"""Headless Chromium (Debian's package) driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest

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
def new_page(browser, live_server):
    """Open a fresh browser context (own cookies) on the live server; closed after the test.

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
    for context in contexts:
        context.close()
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
