"""`make bench BENCH_ARGS=--news-day`: the page cache on a busy news day.

Visitors' requests follow a Zipf distribution over the articles (exponent 1.1, the newest
first), mixed with the home page, the list and the pages of the busiest topics and
places; meanwhile an editor, in this process and through the site's own workflow code,
publishes a new article every 30 seconds and corrects a popular one every 10 seconds.
One gunicorn (page cache on, the cache the site would use: Redis with REDIS_URL, else the
machine's file cache) serves them; wrk counts the page cache's answers (bench/newsday.lua):
hits, stale pages (kept, but renewed because something they show changed) and misses (a
page not asked for before in the run: the long tail of 100,000 articles, which no cache
that fills as visitors ask can hit the first time).

wrk keeps one connection per gunicorn worker: every worker is busy all the time, yet no
request waits in a queue behind others, so p50 and p99 are what a page costs at full load.
(More connections than workers would measure the length of the queue, not the site.)
Reported: hit rate, requests/s, p50 and p99, to bench/results/newsday-<timestamp>.json.
"""

import argparse
import itertools
import json
import os
import random
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import bench
from bench.run import HERE, RESULTS, check_tools, serve, wrk

ZIPF_EXPONENT = 1.1
SAMPLES = 500_000  # visitors' paths: more than a run asks for, so no thread replays its own
MIX = {"article": 0.80, "home": 0.08, "list": 0.04, "topic": 0.04, "city": 0.04}
BUSIEST = 50  # topics and places visitors go to
PUBLISH_EVERY, CORRECT_EVERY = 30, 10  # seconds
WARM_UP = 60  # seconds of traffic before measuring, for the cache to fill


def zipf_weights(count):
    weights = [1 / rank**ZIPF_EXPONENT for rank in range(1, count + 1)]
    return list(itertools.accumulate(weights))


def visitors_paths(rng):
    """SAMPLES paths as visitors ask for them, and the article ids by popularity."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, City, Topic

    newest = list(Article.objects.published().newest().values_list("pk", "slug"))
    by_kind = {
        "article": [reverse("articles:detail", args=[slug]) for _pk, slug in newest],
        "home": [reverse("articles:home")],
        "list": [reverse("articles:list")],
        "topic": [t.get_absolute_url() for t in Topic.objects.annotate(
            n=Count("tagged_articles")).order_by("-n")[:BUSIEST]],
        "city": [c.get_absolute_url() for c in City.objects.annotate(
            n=Count("tagged_articles")).order_by("-n")[:BUSIEST]],
    }
    weights = {kind: zipf_weights(len(urls)) for kind, urls in by_kind.items()}
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=SAMPLES)
    paths = [rng.choices(by_kind[kind], cum_weights=weights[kind])[0] for kind in kinds]
    return paths, [pk for pk, _slug in newest], weights["article"]


class Editor(threading.Thread):
    """Publishes and corrects through the workflow, as the admin would, until stopped."""

    def __init__(self, popular, weights, rng):
        super().__init__(daemon=True)
        self.popular, self.weights, self.rng = popular, weights, rng
        self.stop = threading.Event()
        self.published = self.corrected = 0
        self.failures = []

    def run(self):
        from django.contrib.auth.models import User
        from django.db import connection

        user, _created = User.objects.get_or_create(
            username="bench-chefredaktion", defaults={"is_staff": True, "is_superuser": True})
        start = time.monotonic()
        try:
            while not self.stop.wait(0.2):
                elapsed = time.monotonic() - start
                if elapsed >= (self.corrected + 1) * CORRECT_EVERY:
                    self.act(self.correct, user)
                    self.corrected += 1
                if elapsed >= (self.published + 1) * PUBLISH_EVERY:
                    self.act(self.publish, user)
                    self.published += 1
        finally:
            connection.close()

    def act(self, step, user):
        try:
            step(user)
        except Exception as error:  # noqa: BLE001 (reported, the day goes on)
            self.failures.append(repr(error))

    def correct(self, user):
        """A new paragraph in a popular article: a working copy, then its publication."""
        from articles.editorial import livecopy, revisions, workflow
        from articles.models import Article, Transition

        # The newest articles of the day go first; the weights cover as many as there were.
        pk = self.rng.choices(self.popular[:len(self.weights)], cum_weights=self.weights)[0]
        article = Article.objects.get(pk=pk)
        content = revisions.snapshot(article)
        content["body"] += f"<p>Aktualisiert um {datetime.now():%H:%M:%S}.</p>"
        livecopy.save(article, content, user, expected_version=article.version)
        workflow.perform(article, Transition.PUBLISH_CHANGES, user)

    def publish(self, user):
        """A new article about a popular article's topics and places."""
        from articles.editorial import workflow
        from articles.models import Article, Status, Transition

        model = Article.objects.get(pk=self.rng.choice(self.popular[:100]))
        article = Article.objects.create(
            kicker=model.kicker, headline=f"{model.headline} ({datetime.now():%H:%M:%S})",
            teaser=model.teaser, body=model.body, status=Status.DRAFT,
        )
        article.topics.set(list(model.topics.all()))
        article.cities.set(list(model.cities.all()))
        workflow.perform(article, Transition.PUBLISH, user)
        self.popular.insert(0, article.pk)  # the newest is read most


def run(args):
    check_tools()
    rng = random.Random(20261204)
    paths, popular, weights = visitors_paths(rng)
    env = {**os.environ, **bench.environment(page_cache=True)}
    args = argparse.Namespace(**{**vars(args), "threads": args.workers,
                                 "connections": args.workers})
    log = RESULTS / "gunicorn-newsday.log"
    with tempfile.TemporaryDirectory() as scratch, serve(env, args.workers, log) as port:
        paths_file = Path(scratch) / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        script = HERE / "newsday.lua"
        print(f"News day: gunicorn on port {port}; {WARM_UP} s warm-up ...", flush=True)
        wrk(port, paths_file, WARM_UP, args, script=script)
        editor = Editor(popular, weights[:len(popular)], rng)
        editor.start()
        print(f"... then {args.news_day_seconds} s of visitors while an editor publishes "
              f"every {PUBLISH_EVERY} s and corrects every {CORRECT_EVERY} s", flush=True)
        summary = wrk(port, paths_file, args.news_day_seconds, args, script=script)
        editor.stop.set()
        editor.join()
    answered = summary["hits"] + summary["stale"] + summary["misses"]
    kept = summary["hits"] + summary["stale"]
    report = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "articles": len(popular), "seconds": args.news_day_seconds,
        "workers": args.workers, "connections": args.connections,
        "cache": "redis" if os.environ.get("REDIS_URL") else "files",
        "requests_per_second": round(summary["rps"], 1),
        "hit_rate": round(summary["hits"] / answered, 4) if answered else None,
        # Of the requests for pages the cache held: how many a change had not renewed.
        "hit_rate_of_kept_pages": round(summary["hits"] / kept, 4) if kept else None,
        "stale_share": round(summary["stale"] / answered, 4) if answered else None,
        "first_request_share": round(summary["misses"] / answered, 4) if answered else None,
        "p50_ms": summary["latency_us"]["p50"] / 1000,
        "p99_ms": summary["latency_us"]["p99"] / 1000,
        "errors": summary["errors"],
        "published": editor.published, "corrected": editor.corrected,
        "editor_failures": editor.failures,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"newsday-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"Saved {out}")
