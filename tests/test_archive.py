"""The archive by year and month: counts on the Berlin calendar, month pages, bad input."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from articles.public.archive import Month, month_counts

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def articles(make_article):
    """Public articles in three months, near month ends, and non-public ones beside them."""
    made = {
        # 00:30 on 1 January 2025 in Berlin (UTC+1): January, not December.
        "new year": make_article(published_at=utc(2024, 12, 31, 23, 30)),
        "january": make_article(published_at=utc(2025, 1, 15, 12)),
        # 00:30 on 1 February in Berlin: a February story.
        "end of january": make_article(published_at=utc(2025, 1, 31, 23, 30)),
        # 23:30 on 31 March in Berlin (UTC+2 since 30 March): still March.
        "end of march": make_article(published_at=utc(2025, 3, 31, 21, 30)),
        # 00:30 on 1 April in Berlin: April.
        "start of april": make_article(published_at=utc(2025, 3, 31, 22, 30)),
        "december": make_article(published_at=utc(2024, 12, 2, 9)),
    }
    # Not public, so never counted or listed, although their dates fall in these months.
    make_article(status=Status.DRAFT, published_at=utc(2025, 1, 10))
    make_article(status=Status.REVIEW, published_at=utc(2025, 1, 11))
    make_article(status=Status.ARCHIVED, published_at=utc(2025, 1, 12))
    make_article(published_at=timezone.now() + timedelta(days=3))  # scheduled
    return made


def headlines(response):
    return {article.headline for article in response.context["articles"]}


def test_month_counts_follow_the_berlin_calendar(articles):
    assert month_counts(Article.objects.published()) == [
        Month(2025, 4, 1),
        Month(2025, 3, 1),
        Month(2025, 2, 1),
        Month(2025, 1, 2),
        Month(2024, 12, 1),
    ]


def test_overview_shows_years_and_months_with_counts(client, articles):
    response = client.get(reverse("articles:archive"))
    assert response.status_code == 200
    years = response.context["years"]
    assert [(y.year, y.count) for y in years] == [(2025, 5), (2024, 1)]
    assert [(m.month, m.count) for m in years[0].months] == [(4, 1), (3, 1), (2, 1), (1, 2)]
    page = response.content.decode()
    assert "Januar 2025" in page and "März 2025" in page and "Dezember 2024" in page
    assert "2 Meldungen" in page
    assert 'href="/archiv/2025/01/"' in page
    assert 'href="/archiv/2024/"' in page


def test_year_page_shows_only_that_year(client, articles):
    response = client.get(reverse("articles:archive_year", args=[2024]))
    assert response.status_code == 200
    assert [(y.year, [m.month for m in y.months]) for y in response.context["years"]] == [
        (2024, [12])
    ]


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2025, 1, {"new year", "january"}),
        (2025, 2, {"end of january"}),
        (2025, 3, {"end of march"}),
        (2025, 4, {"start of april"}),
        (2024, 12, {"december"}),
    ],
)
def test_month_page_lists_that_months_public_articles(client, articles, year, month, expected):
    response = client.get(reverse("articles:archive_month", args=[year, month]))
    assert response.status_code == 200
    assert headlines(response) == {articles[name].headline for name in expected}


def test_month_page_shows_german_month_and_neighbours(client, articles):
    response = client.get(reverse("articles:archive_month", args=[2025, 1]))
    page = response.content.decode()
    assert "<h1>Januar 2025</h1>" in page
    assert response.context["older"] == Month(2024, 12, 1)
    assert response.context["newer"] == Month(2025, 2, 1)
    assert 'href="/archiv/2024/12/"' in page and 'href="/archiv/2025/02/"' in page


def test_month_page_is_paginated_by_twenty(client, make_article):
    for day in range(1, 23):
        make_article(published_at=utc(2025, 5, day, 10))
    url = reverse("articles:archive_month", args=[2025, 5])
    first = client.get(url)
    assert len(first.context["articles"]) == 20
    assert first.context["paginator"].count == 22
    second = client.get(url, {"page": 2})
    assert len(second.context["articles"]) == 2
    assert client.get(url, {"page": 3}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/archiv/0/",
        "/archiv/0000/",
        "/archiv/99999/",
        "/archiv/abcd/",
        "/archiv/2023/",  # a year without articles
        "/archiv/2025/0/",
        "/archiv/2025/00/",
        "/archiv/2025/13/",
        "/archiv/2025/1/",  # one address per month: /archiv/2025/01/
        "/archiv/2025/abc/",
        "/archiv/0/1/",
        "/archiv/99999/01/",
        "/archiv/9999/12/",
        "/archiv/2025/06/",  # a month without articles
        "/archiv/2025/01/?page=abc",
        "/archiv/2025/01/?page=99999",
    ],
)
def test_bad_archive_addresses_answer_404(client, articles, path):
    assert client.get(path).status_code == 404


def test_archive_is_linked_from_the_list_and_the_footer(client, articles):
    page = client.get(reverse("articles:list")).content.decode()
    assert page.count(f'href="{reverse("articles:archive")}"') == 2  # sidebar and footer


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [reverse("articles:archive"), "/archiv/2025/", "/archiv/2025/01/"],
)
def test_archive_pages_run_a_constant_number_of_queries(client, make_article, url):
    make_article(published_at=utc(2025, 1, 5), topics=["Verkehr"], cities=["Jena"])
    small_count = queries_for(client, url)
    for month in range(1, 13):
        for day in (3, 10, 17):
            make_article(
                published_at=utc(2025, month, day), topics=["Verkehr"], cities=["Jena"]
            )
            make_article(published_at=utc(2024, month, day))
    assert queries_for(client, url) == small_count
