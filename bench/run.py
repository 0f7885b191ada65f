"""`make bench`: how fast the public site is at a realistic size, and how far from its ceilings.

1. bench.generate fills PostgreSQL with the benchmark newsroom (once per size);
2. every page is requested once in this process through Django's test client, for its
   number of queries and its size;
3. two gunicorns serve the site with production settings on 127.0.0.1, one with the
   page cache off and one with it on; wrk drives one page group after the other against
   each, round after round, the two ceilings (bench/ceiling.py) among them;
4. a table per cache mode, and bench/results/<timestamp>.json and .png.

Usage: python -m bench.run [--articles N] [--fresh] [--cache off|on|both] [--generate-only]
       python -m bench.run --news-day [--news-day-seconds S]   (bench/newsday.py)
"""

import argparse
import http.client
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import bench

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
LOOPBACK = "127.0.0.1"
ARTICLE_PAGES = 200
LIST_PAGE = 500
SEQUENTIAL_REQUESTS = 200
ADMIN_REQUESTS = 5
WARM_UP_SECONDS = 2
MAX_DRAIN = 30  # seconds


@dataclass
class Page:
    name: str
    paths: list
    queries: int = 0
    bytes: int = 0
    rounds: dict = field(default_factory=dict)  # cache mode -> wrk summaries


def main():
    args = parse_args()
    # A terminated run still stops its gunicorn: SystemExit runs the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench.configure()
    from django.conf import settings
    from django.db import OperationalError

    from bench import generate

    try:
        benchmark(args)
    except OperationalError as error:  # PostgreSQL went away during the run
        raise SystemExit(generate.unreachable(settings.DATABASES["default"], error)) from error


def benchmark(args):
    from bench import generate

    generation = generate.ensure(args.articles, fresh=args.fresh)
    if args.generate_only:
        return
    check_tools()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    if args.news_day:
        from bench import newsday

        newsday.run(args)
        return
    pages, missing = choose_pages()
    print(f"Measuring {len(pages)} page groups once in process (queries, size) ...")
    measure_in_process(pages)
    admin = time_admin_changelist()
    modes = ["off", "on"] if args.cache == "both" else [args.cache]
    article_bytes = _page(pages, "article").bytes
    # One gunicorn per mode, all up at once: the modes take turns within each round, so
    # that whatever else the machine does disturbs both alike. An idle one costs nothing.
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as servers:
        ports = {}
        for mode in modes:
            env = {**os.environ, **bench.environment(page_cache=mode == "on"),
                   "BENCH_PAGE_BYTES": str(article_bytes)}
            log = RESULTS / f"gunicorn-{mode}.log"
            ports[mode] = servers.enter_context(serve(env, args.workers, log))
            print(f"Page cache {mode}: gunicorn on {LOOPBACK}:{ports[mode]}, log {log}")
        drive(ports, pages, args, Path(scratch))
        sequential = {mode: time_search(port, pages) for mode, port in ports.items()}
    report = build_report(args, pages, missing, modes, generation, admin, sequential)
    print_report(report)
    save(report)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="size of the newsroom")
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    parser.add_argument("--generate-only", action="store_true", help="generate, then stop")
    parser.add_argument("--cache", choices=["off", "on", "both"], default="both",
                        help="run with the page cache off, on, or both (default)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds over all pages; the median counts")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--news-day", action="store_true",
                        help="instead: the page cache on a news day (bench/newsday.py)")
    parser.add_argument("--news-day-seconds", type=int, default=120,
                        help="how long the news day's visitors are measured")
    args = parser.parse_args()
    if args.articles < 1 or not 1 <= args.duration <= 120 or args.rounds < 1:
        parser.error("--articles must be positive, --duration 1..120 s, --rounds positive")
    return args


def check_tools():
    missing = [tool for tool in ("wrk", "gunicorn") if not _tool(tool)]
    if missing:
        raise SystemExit(
            f"Missing {' and '.join(missing)}: `make bench` installs both "
            "(wrk with apt-get, gunicorn with pip install -e '.[bench]')."
        )


def _tool(name):
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    from shutil import which

    return which(name)


# What to request --------------------------------------------------------------------------


def choose_pages():
    """The page groups, each with its paths; and the names of pages the site lacks."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from articles.models import Article, City, Person, Topic
    from articles.public.views import LIST_PAGE_SIZE
    from bench import generate

    public = Article.objects.published()
    count = public.count()
    rng = random.Random(generate.SEED)
    pks = rng.sample(range(1, count + 1), min(ARTICLE_PAGES, count))
    articles = [a.get_absolute_url() for a in public.filter(pk__in=pks).only("slug")]
    topic = Topic.objects.annotate(n=Count("tagged_articles")).order_by("-n").first()
    city = City.objects.annotate(n=Count("tagged_articles")).order_by("-n").first()
    person = Person.objects.annotate(n=Count("articles")).order_by("-n").first()
    listing = reverse("articles:list")
    filtered = urlencode({"city": city.slug, "topic": topic.slug})
    last_page = min(LIST_PAGE, math.ceil(count / LIST_PAGE_SIZE))

    api_list = "/api/v1/articles/"
    api_articles = [f"{api_list}{a.slug}/" for a in public.filter(pk__in=pks).only("slug")]

    pages = [
        Page("article", articles),
        Page("home", [reverse("articles:home")]),
        Page("list p1", [listing]),
        Page(f"list p{last_page}", [f"{listing}?page={last_page}"]),
        Page("list city+topic", [f"{listing}?{filtered}"]),
        Page("topic", [topic.get_absolute_url()]),
        Page("person", [person.get_absolute_url()]),
        Page("search Digitalisierung", [f"{listing}?q=Digitalisierung"]),
        Page("search Verkehr Stadt", [f"{listing}?q=Verkehr+Stadt"]),
        Page("api list", [api_list]),
        Page("api list city+topic", [f"{api_list}?{filtered}"]),
        Page("api detail", api_articles),
    ]
    missing = []
    for name, url_name, kwargs in [
        ("feed rss", "articles:feed_rss", {}),
        ("sitemap index", "sitemap", {}),
        ("sitemap articles", "sitemap_section", {"section": "artikel"}),
    ]:
        try:
            pages.append(Page(name, [reverse(url_name, kwargs=kwargs)]))
        except NoReverseMatch:
            missing.append(name)
    pages += [
        Page("ceiling template", [reverse("bench_template_ceiling")]),
        Page("ceiling bytes", [reverse("bench_bytes_ceiling")]),
    ]
    return pages, missing


# In process -------------------------------------------------------------------------------


def measure_in_process(pages):
    """Each path once through the test client, from a cold cache: the queries a first
    visitor's request runs, its size, and that it works."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    bench.empty_cache()
    client = Client(SERVER_NAME=LOOPBACK)
    failures = []
    for page in pages:
        queries, sizes = [], []
        for path in page.paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                failures.append(f"{path} answered {response.status_code}")
            queries.append(len(captured))
            sizes.append(len(response.content))
        page.queries, page.bytes = max(queries), int(statistics.median(sizes))
    if failures:
        raise SystemExit("Pages that do not work:\n  " + "\n  ".join(failures))
    ceiling = next(p for p in pages if p.name == "ceiling template")
    if ceiling.queries:
        raise SystemExit(f"The template ceiling ran {ceiling.queries} queries; it must run none.")


def time_admin_changelist():
    """The article changelist for a superuser, timed in process over a few requests."""
    import secrets

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    user = User.objects.filter(username="bench-admin").first()
    if user is None:
        user = User.objects.create_superuser("bench-admin", password=secrets.token_urlsafe(24))
    client = Client(SERVER_NAME=LOOPBACK)
    client.force_login(user)
    path = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as captured:
        first = client.get(path)  # also warms up
    # Counted now: the captured list is read from the connection's log, which the next
    # request clears.
    queries = len(captured)
    if first.status_code != 200:
        raise SystemExit(f"The admin changelist answered {first.status_code}.")
    times = []
    for _ in range(ADMIN_REQUESTS):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "path": path, "requests": ADMIN_REQUESTS, "queries": queries,
        "median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
    }


# Over HTTP --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextmanager
def serve(env, workers, log_path):
    """gunicorn with `workers` sync workers on a free loopback port, stopped however the
    block ends (its whole process group, so no worker outlives it)."""
    port = free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    bench.empty_cache()
    command = [
        _tool("gunicorn"), "newsroom.wsgi:application", "--bind", f"{LOOPBACK}:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--timeout", "120",
        "--log-level", "warning", "--chdir", str(HERE.parent),
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_ready(process, port, log_path)
        yield port
    finally:
        _stop(process)


def _wait_until_ready(process, port, log_path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}:\n"
                             + log_path.read_text()[-2000:])
        try:
            status, _body, _ms = _get(port, "/bench/ceiling/bytes/")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        raise SystemExit(f"gunicorn answered {status} on its first request; see {log_path}.")
    raise SystemExit(f"gunicorn did not answer within {timeout} s; see {log_path}.")


def _stop(process):
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


def _get(port, path, connection=None):
    """One GET on the loopback: (status, body, milliseconds)."""
    conn = connection or http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if connection is None:
        conn.close()
    return response.status, body, elapsed


def wrk(port, paths_file, seconds, args, script=HERE / "rotate.lua"):
    """One bounded wrk run against the loopback; its summary from `script`
    (bench/rotate.lua: each path in turn).

    Then waits until gunicorn has finished what wrk left in flight (at most MAX_DRAIN
    seconds): else a slow page, such as a big sitemap, would slow down the next one.
    """
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(script), f"http://{LOOPBACK}:{port}/", "--", str(paths_file),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            summary = json.loads(line.removeprefix("BENCH_JSON "))
            summary["rps"] = summary["requests"] / (summary["duration_us"] / 1e6)
            in_flight = summary["latency_us"]["max"] / 1e6 if summary["requests"] else MAX_DRAIN
            time.sleep(min(in_flight, MAX_DRAIN))
            return summary
    raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def drive(ports, pages, args, scratch):
    """Warm every page up, then run wrk on each page in turn, `rounds` times over, each
    page once per cache mode (`ports`: mode -> gunicorn's port)."""
    files = {}
    for n, page in enumerate(pages):
        files[page.name] = scratch / f"paths-{n}.txt"
        files[page.name].write_text("\n".join(page.paths) + "\n")
    for port in ports.values():
        for page in pages:
            wrk(port, files[page.name], WARM_UP_SECONDS, args)
    for round_ in range(1, args.rounds + 1):
        for page in pages:
            for mode, port in ports.items():
                summary = wrk(port, files[page.name], args.duration, args)
                page.rounds.setdefault(mode, []).append(summary)
                latency = summary["latency_us"]
                print(f"  round {round_}/{args.rounds}  cache {mode:<3}  {page.name:<24} "
                      f"{summary['rps']:9.1f} req/s  p50 {latency['p50'] / 1000:7.1f} ms  "
                      f"p99 {latency['p99'] / 1000:7.1f} ms", flush=True)


def time_search(port, pages):
    """p50/p95/p99 of each search, from sequential requests on one keep-alive connection
    (wrk reports no p95). Answers other than 200 count as errors, not as times."""
    results = {}
    for page in pages:
        if not page.name.startswith("search"):
            continue
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
        times, errors = [], 0
        for _ in range(SEQUENTIAL_REQUESTS):
            status, _body, elapsed = _get(port, page.paths[0], conn)
            if status == 200:
                times.append(elapsed)
            else:
                errors += 1
        conn.close()
        cuts = statistics.quantiles(times, n=100) if len(times) > 1 else [0.0] * 99
        results[page.name] = {
            "requests": SEQUENTIAL_REQUESTS, "errors": errors, "p50_ms": round(cuts[49], 1),
            "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1),
        }
    return results


# Report -----------------------------------------------------------------------------------


def build_report(args, pages, missing, modes, generation, admin, sequential):
    from django.conf import settings
    from django.db import connection

    from articles.models import Article

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    runs = {}
    for mode in modes:
        ceiling = statistics.median(s["rps"] for s in _page(pages, "ceiling template").rounds[mode])
        runs[mode] = {}
        for page in pages:
            rounds = page.rounds[mode]
            rps = statistics.median(s["rps"] for s in rounds)
            runs[mode][page.name] = {
                "rps": round(rps, 1),
                "p50_ms": _median_latency_ms(rounds, "p50"),
                "p99_ms": _median_latency_ms(rounds, "p99"),
                "of_template_ceiling": round(rps / ceiling, 3),
                "errors": sum(sum(s["errors"].values()) for s in rounds),
                "rounds": rounds,
            }
    return {
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "articles": Article.objects.count(),
        "generation_seconds": generation,
        "setup": {
            "gunicorn_workers": args.workers, "worker_class": "sync",
            "wrk_threads": args.threads, "wrk_connections": args.connections,
            "seconds_per_run": args.duration, "rounds": args.rounds,
            "cpus": os.cpu_count(), "python": sys.version.split()[0], "postgresql": postgres,
        },
        # The page cache is another issue's work; until it exists both modes measure the same.
        "page_cache_setting_exists": hasattr(settings, "NEWSROOM_PAGE_CACHE"),
        "missing_pages": missing,
        "pages": [
            {"name": p.name, "urls": len(p.paths), "example": p.paths[0], "queries": p.queries,
             "bytes": p.bytes}
            for p in pages
        ],
        "runs": runs,
        "search_sequential": sequential,
        "admin_changelist": admin,
    }


def _page(pages, name):
    return next(p for p in pages if p.name == name)


def _median_latency_ms(rounds, percentile):
    return round(statistics.median(s["latency_us"][percentile] for s in rounds) / 1000, 1)


def print_report(report):
    setup = report["setup"]
    pages = {p["name"]: p for p in report["pages"]}
    print(
        f"\n{report['articles']:,} articles; gunicorn {setup['gunicorn_workers']} sync workers; "
        f"wrk {setup['wrk_threads']} threads, {setup['wrk_connections']} connections; "
        f"median of {setup['rounds']} rounds of {setup['seconds_per_run']} s; "
        f"{setup['cpus']} CPUs; PostgreSQL {setup['postgresql']}"
    )
    for mode, results in report["runs"].items():
        print(f"\nPage cache {mode}")
        print(f"{'page':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} "
              f"{'KB':>7} {'of ceiling':>10}")
        for name, result in results.items():
            errors = f"  ({result['errors']} errors)" if result["errors"] else ""
            if not result["rps"]:
                errors += "  (no response within a run)"
            print(f"{name:<24} {result['rps']:>9.1f} {result['p50_ms']:>8.1f} "
                  f"{result['p99_ms']:>8.1f} {pages[name]['queries']:>8} "
                  f"{pages[name]['bytes'] / 1024:>7.1f} {result['of_template_ceiling']:>10.1%}"
                  f"{errors}")
        for name, timing in report["search_sequential"][mode].items():
            errors = f" ({timing['errors']} errors)" if timing["errors"] else ""
            print(f"{name}: {timing['requests']} sequential requests{errors}, p50 "
                  f"{timing['p50_ms']} ms, p95 {timing['p95_ms']} ms, p99 {timing['p99_ms']} ms")
    admin = report["admin_changelist"]
    print(f"\nAdmin changelist ({admin['path']}, superuser, in process): median "
          f"{admin['median_ms']} ms, max {admin['max_ms']} ms over {admin['requests']} requests, "
          f"{admin['queries']} queries")
    if report["generation_seconds"]:
        steps = dict(report["generation_seconds"])
        total = steps.pop("total")
        print(f"Generation: {total} s (" + ", ".join(f"{k} {v} s" for k, v in steps.items()) + ")")
    if report["missing_pages"]:
        print(f"Not measured, the site has no such URL yet: {', '.join(report['missing_pages'])}")
    if not report["page_cache_setting_exists"]:
        print("Note: settings.NEWSROOM_PAGE_CACHE does not exist yet, so the site has no page "
              "cache: 'on' measures the same site as 'off'.")


def save(report):
    from bench import chart

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    names = [p["name"] for p in report["pages"]]
    rates = {mode: {n: r["rps"] for n, r in results.items()}
             for mode, results in report["runs"].items()}
    chart.draw(
        RESULTS / f"{stamp}.png",
        f"Newsroom, {report['articles']:,} articles: requests/s per page "
        f"({report['setup']['gunicorn_workers']} gunicorn workers, "
        f"{report['setup']['wrk_connections']} connections)",
        names, rates,
    )
    print(f"\nResults: {RESULTS / stamp}.json and .png")


if __name__ == "__main__":
    main()
