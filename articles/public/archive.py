"""The archive: public articles by the month they appeared, on the newsroom's calendar.

An article belongs to the month its publication time falls in in Germany, whatever the
server's or the reader's time zone: a story published at 00:30 on 1 February in Berlin
(23:30 UTC the day before) is a February story, as its teaser date says.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse

NEWSROOM_TZ = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    count: int = 0

    @property
    def first_day(self):
        return date(self.year, self.month, 1)

    def get_absolute_url(self):
        return reverse("articles:archive_month", args=[self.year, self.month])


@dataclass
class Year:
    year: int
    months: list = field(default_factory=list)

    @property
    def count(self):
        return sum(month.count for month in self.months)

    def get_absolute_url(self):
        return reverse("articles:archive_year", args=[self.year])


def month_counts(articles):
    """How many of `articles` appeared in each month, newest month first: one query."""
    rows = (
        articles.order_by()  # no other column may join the month in GROUP BY
        .annotate(month=TruncMonth("published_at", tzinfo=NEWSROOM_TZ))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    return [Month(row["month"].year, row["month"].month, row["count"]) for row in rows]


def by_year(months):
    """Group `month_counts()`'s months into years, keeping their order."""
    years = []
    for month in months:
        if not years or years[-1].year != month.year:
            years.append(Year(month.year))
        years[-1].months.append(month)
    return years


def neighbours(months, year, month):
    """The months with articles just before and just after year/month, or None."""
    older = [m for m in months if (m.year, m.month) < (year, month)]
    newer = [m for m in months if (m.year, m.month) > (year, month)]
    return (older[0] if older else None), (newer[-1] if newer else None)


def span(year, month=None):
    """The first instant of a month (or a whole year) and of the one after, in Berlin time."""
    if month is None:
        first, after = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        first, after = date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
    return tuple(datetime(d.year, d.month, 1, tzinfo=NEWSROOM_TZ) for d in (first, after))


def in_span(articles, year, month=None):
    """Narrow `articles` to those that appeared in the month (or year); a plain range,
    so the database can use the index on the publication time."""
    start, end = span(year, month)
    return articles.filter(published_at__gte=start, published_at__lt=end)


class YearConverter:
    """Four-digit years a newsroom can have published in; anything else is no URL at all."""

    regex = "[12][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    """01 to 12, always two digits, so each month has exactly one address."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"
