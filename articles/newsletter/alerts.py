"""Alerts: which published articles each follower gets in an alert run.

A run covers the articles that went live (published, due at their scheduled time, or with
published changes) in its window, and is sent once per frequency slot, so a reader gets one
mail per run, never one per article. What goes in is decided when the mail is built, from
`Article.objects.published()` at that moment: an article withdrawn before then is not
sent, and drafts, working copies and scheduled-but-not-due articles never are.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from articles.models import Article, City, Frequency, Subscriber, TaggedCity, TaggedTopic
from articles.models.newsletter import FOLLOW_COLUMNS

# "sofort gebündelt": every few minutes, all that came since, in one mail.
INSTANT_SLOT = datetime.timedelta(minutes=10)
# Daily and weekly alerts go out in the morning (the site's time zone), weekly on Mondays.
MORNING = datetime.time(7, 0)
PERIOD = {
    Frequency.INSTANT: INSTANT_SLOT,
    Frequency.DAILY: datetime.timedelta(days=1),
    Frequency.WEEKLY: datetime.timedelta(days=7),
}


def slot_end(frequency, at):
    """The latest moment at or before `at` when a run of `frequency` is due."""
    if frequency == Frequency.INSTANT:
        seconds = INSTANT_SLOT.total_seconds()
        return datetime.datetime.fromtimestamp(at.timestamp() // seconds * seconds,
                                               tz=datetime.UTC)
    local = timezone.localtime(at)
    morning = timezone.make_aware(datetime.datetime.combine(local.date(), MORNING))
    if morning > at:
        morning = timezone.make_aware(
            datetime.datetime.combine(local.date() - datetime.timedelta(days=1), MORNING))
    if frequency == Frequency.WEEKLY:
        monday = timezone.localtime(morning).date()
        monday -= datetime.timedelta(days=monday.weekday())
        morning = timezone.make_aware(datetime.datetime.combine(monday, MORNING))
    return morning


def recipients(frequency):
    return Subscriber.objects.confirmed().filter(frequency=frequency).following_something()


@dataclass
class Window:
    """The public articles of one run's window and what each is about, with every
    place's Kreis and Land: loaded once per run, matched per reader in memory."""

    articles: list = field(default_factory=list)
    about: dict = field(default_factory=lambda: defaultdict(set))

    def for_reader(self, follows):
        return [a for a in self.articles if self.about[a.pk] & follows]


def window(start, end, at):
    """The articles that went live in (start, end] and are public at `at`; six queries
    whatever their number (the articles, four relations, the places' parents level by
    level, three levels: Gemeinde → Kreis → Land)."""
    articles = list(
        Article.objects.published(now=at)
        .filter(Q(published_at__gt=start, published_at__lte=end)
                | Q(modified_at__gt=start, modified_at__lte=end))
        .for_lists()
    )
    result = Window(articles=articles)
    ids = [a.pk for a in articles]
    if not ids:
        return result
    places = defaultdict(set)
    for article_id, tag_id in TaggedCity.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag_id"):
        places[article_id].add(tag_id)
    parents = _parents({tag for tags in places.values() for tag in tags})
    for article_id, tags in places.items():
        for tag in tags:
            while tag is not None:
                result.about[article_id].add(("city", tag))
                tag = parents.get(tag)
    for article_id, tag_id in TaggedTopic.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag_id"):
        result.about[article_id].add(("topic", tag_id))
    for kind, through in (("person", Article.people.through),
                          ("organisation", Article.organisations.through)):
        for article_id, subject_id in through.objects.filter(article_id__in=ids).values_list(
                "article_id", f"{kind}_id"):
            result.about[article_id].add((kind, subject_id))
    return result


def _parents(city_ids):
    """{city id: parent id} for the given places and all they lie in."""
    parents, todo = {}, set(city_ids)
    while todo:
        found = dict(City.objects.filter(pk__in=todo).values_list("pk", "parent_id"))
        parents.update(found)
        todo = {p for p in found.values() if p is not None and p not in parents}
    return parents


def follows_of(subscriber_ids):
    """{subscriber id: {(kind, id), ...}}: four queries for any number of readers."""
    follows = defaultdict(set)
    for name, kind in FOLLOW_COLUMNS.items():
        through = getattr(Subscriber, name).through
        for subscriber_id, subject_id in through.objects.filter(
                subscriber_id__in=subscriber_ids).values_list("subscriber_id", f"{kind}_id"):
            follows[subscriber_id].add((kind, subject_id))
    return follows
