"""How long a daily alert run takes: build and send it through a local SMTP sink.

    python -m bench.newsletter [--subscribers 10000] [--articles 500] [--database postgresql|sqlite]

Fills a database of its own (BENCH_NEWSLETTER_DATABASE_URL, default
`newsroom_bench_newsletter` on the local PostgreSQL server, dropped and created anew; or a
temporary SQLite file) with 16 Länder, 160 Kreise and 1,600 Gemeinden, 60 topics,
`--articles` articles published in the last day (each about one to three places and one or
two topics) and confirmed readers who follow one to three places (Gemeinden, Kreise or
Länder) and up to two topics. Then runs articles.newsletter.mailings.send_due for the
morning's daily run, into a local aiosmtpd server that discards, first
with a tenth of the readers, then with all of them, and reports the time, the mails per
second and the queries per reader (the same at both sizes). Writes
bench/results/newsletter-<timestamp>.json. A tool, not a test: nothing asserts a time.
"""

import argparse
import datetime
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/newsroom_bench_newsletter"
RESULTS = Path(__file__).resolve().parent / "results"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--seed", type=int, default=20)
    return parser.parse_args()


def set_up_database(kind, folder):
    if kind == "sqlite":
        return f"sqlite:///{folder}/newsletter.sqlite3"
    import psycopg

    url = os.environ.get("BENCH_NEWSLETTER_DATABASE_URL", DEFAULT_POSTGRES)
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def start_sink(port):
    """aiosmtpd's Sink (accepts and discards every message) in a process of its own, as a
    mail server is: in this one it would compete with the run for the interpreter."""
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l",
                             f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"])
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise SystemExit("The SMTP sink did not start.")


def generate(args, rng):
    from django.utils import timezone

    from articles.models import Article, City, Subscriber, TaggedCity, TaggedTopic, Topic

    lands = City.objects.bulk_create(
        City(name=f"Land {n}", slug=f"land-{n}", name_key=f"land {n}", kind="land")
        for n in range(16))
    kreise = City.objects.bulk_create(
        City(name=f"Kreis {n}", slug=f"kreis-{n}", name_key=f"kreis {n}", kind="landkreis",
             parent=lands[n % 16]) for n in range(160))
    gemeinden = City.objects.bulk_create(
        City(name=f"Gemeinde {n}", slug=f"gemeinde-{n}", name_key=f"gemeinde {n}",
             kind="gemeinde", parent=kreise[n % 160]) for n in range(1600))
    topics = Topic.objects.bulk_create(
        Topic(name=f"Thema {n}", slug=f"thema-{n}", name_key=f"thema {n}") for n in range(60))
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(headline=f"Meldung {n}: Die Kommune stellt ihr neues Portal vor",
                slug=f"meldung-{n}", kicker=f"Gemeinde {n % 1600}",
                teaser="Bürgerinnen und Bürger stellen Anträge jetzt online. " * 3,
                body="<p>Text.</p>", status="published",
                published_at=now - datetime.timedelta(minutes=n + 1))
        for n in range(args.articles))
    TaggedCity.objects.bulk_create(
        TaggedCity(content_object=a, tag=g) for a in articles
        for g in rng.sample(gemeinden, rng.randint(1, 3)))
    TaggedTopic.objects.bulk_create(
        TaggedTopic(content_object=a, tag=t) for a in articles
        for t in rng.sample(topics, rng.randint(1, 2)))
    places = gemeinden + kreise + lands

    def readers(start, count):
        made = Subscriber.objects.bulk_create(
            Subscriber(email=f"leser{n}@example.org", key=f"bench-{n}", frequency="daily",
                       consent_text="Einwilligung", confirmed_at=now)
            for n in range(start, start + count))
        Subscriber.cities.through.objects.bulk_create(
            Subscriber.cities.through(subscriber=s, city=c) for s in made
            for c in rng.sample(places, rng.randint(1, 3)))
        Subscriber.topics.through.objects.bulk_create(
            Subscriber.topics.through(subscriber=s, topic=t) for s in made
            for t in rng.sample(topics, rng.randint(0, 2)))

    return readers


def measure(at):
    from django.db import connection

    from articles.models import Mailing
    from articles.newsletter import mailings

    Mailing.objects.all().delete()  # the same morning's run again, for the new size
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        summary = mailings.send_due(at=at)
    seconds = time.perf_counter() - started
    recipients = sum(summary.values())
    mails = summary.get("sent", 0)
    return {
        "recipients": recipients, "summary": {str(k): v for k, v in summary.items()},
        "seconds": round(seconds, 2), "mails": mails,
        "mails_per_second": round(mails / seconds, 1),
        "queries": queries, "queries_per_recipient": round(queries / max(1, recipients), 3),
    }


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "newsroom.settings", "NEWSROOM_ENV": "test",
            "DATABASE_URL": set_up_database(args.database, folder),
            "NEWSROOM_SITE_URL": "https://www.example.de",
        })
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.utils import timezone

        from articles.newsletter import alerts

        call_command("migrate", verbosity=0)
        print(f"Generating {args.articles} articles and {args.subscribers} readers ...")
        readers = generate(args, rng)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        sink = start_sink(port)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        at = alerts.slot_end("daily", timezone.now() + datetime.timedelta(days=1))
        runs = []
        try:
            done = 0
            for size in (args.subscribers // 10, args.subscribers):
                readers(done, size - done)
                done = size
                print(f"Daily run for {size} readers ...")
                runs.append(measure(at))
                print("  ", runs[-1])
        finally:
            sink.terminate()
            sink.wait()
    result = {"database": args.database, "articles": args.articles, "runs": runs,
              "at": datetime.datetime.now().isoformat(timespec="seconds")}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"newsletter-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    last = runs[-1]
    print(f"\n{last['recipients']} readers, {args.articles} new articles: {last['mails']} mails "
          f"in {last['seconds']} s ({last['mails_per_second']} mails/s); queries per reader "
          f"{runs[0]['queries_per_recipient']} at {runs[0]['recipients']} readers, "
          f"{last['queries_per_recipient']} at {last['recipients']}. Written to {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
