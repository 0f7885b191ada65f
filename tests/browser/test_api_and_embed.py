"""The API's documentation page works from our own static files under our CSP, and the
news box works inside another site's <iframe>."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)


def test_docs_page_lists_the_operations_without_any_other_origin(new_page, demo, live_server):
    page = new_page()
    foreign = []
    page.on("request", lambda request: foreign.append(request.url)
            if not request.url.startswith((live_server.url, "data:")) else None)
    response = page.goto("/api/v1/docs/")
    assert response.status == 200
    page.get_by_text("Artikel, neueste zuerst").first.wait_for()
    assert page.get_by_text("Newsroom Content-API").first.is_visible()
    assert not foreign, foreign


def test_news_box_shows_in_a_foreign_frame(new_page, demo, live_server):
    page = new_page()
    box = f"{live_server.url}/einbinden/kommune/kaiserslautern/?anzahl=1"
    # A municipality's page on another origin: this machine under another host name
    # (a loopback address, so the browser's local network checks stay out of it), in a
    # document without our own policy (a static file, served without middleware).
    host = live_server.url.replace("localhost", "127.0.0.1")
    assert host != live_server.url
    page.goto(f"{host}/static/css/site.css")
    page.set_content(f'<!DOCTYPE html><title>Kommune</title><iframe src="{box}"></iframe>')
    frame = page.frame_locator("iframe")
    frame.locator("li").first.wait_for()
    assert frame.locator("li").count() == 1
    assert frame.locator("a[target=_top]").count() == 3  # heading, teaser, "mehr"
    # A link leaves the frame for the portal.
    frame.locator("li a").first.click()
    page.wait_for_url(f"{live_server.url}/artikel/**")
