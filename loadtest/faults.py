"""`make loadtest`: the public site under load while PostgreSQL restarts and Redis goes away.

1. newsroom_loadtest on the local PostgreSQL is created, migrated and filled by the
   benchmark's generator (bench/generate.py; reused while it holds the wanted size);
2. gunicorn serves the site in production mode with Redis as its cache, and every page of
   the mix is requested once (it must answer 200), then the workers warm up;
3. wrk drives the mix (loadtest/mixed.lua) while this script stops PostgreSQL for a few
   seconds, then later Redis; a probe requests an uncached page every 100 ms throughout,
   and the RSS of each gunicorn worker is read from /proc every second;
4. a table, loadtest/results/<timestamp>.json, and exit status 1 when a criterion fails.

PostgreSQL and Redis run again when the script ends, however it ends.

Usage: python -m loadtest.faults [--articles N] [--duration S] [--connections C] [--workers W]
"""

import argparse
import http.client
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
LOOPBACK = "127.0.0.1"
# Only local services: the faults below stop them.
DATABASE_URL = f"postgres://postgres@{LOOPBACK}:5432/newsroom_loadtest"
# A Redis database of its own, apart from the test suite's (/15) and the default (/0).
REDIS_URL = f"redis://{LOOPBACK}:6379/8"
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", LOOPBACK, "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]
SEED = 20250428
ARTICLE_PAGES = 40
POSTGRES_DOWN_SECONDS = 5
REDIS_DOWN_SECONDS = 10
PROBE_INTERVAL = 0.1
# How long to wait for the site to answer 200 again before calling it not recovered.
RECOVERY_BOUND = 30
MEMORY_GROWTH_LIMIT = 0.10
# The 503 page (templates/503.html through error_page.html) and the header it sends.
FRIENDLY_MARKER = b'class="error-page"'


def main():
    args = parse_args()
    # A terminated run still restores the services: SystemExit runs the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    version = postgres_version()
    ensure_wrk()
    ensure_services(version)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsroom-loadtest-") as scratch:
        scratch = Path(scratch)
        os.environ.update(environment(scratch / "static"))
        articles, paths = prepare(args.articles)
        paths_file = scratch / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        log = RESULTS / f"{stamp}-gunicorn.log"
        with serve(args.workers, log) as (port, master):
            check_pages(port, paths)
            warm_up(port, paths, args.workers)
            try:
                run = load_with_faults(port, master, paths_file, version, args)
            finally:
                ensure_services(version)
        logged = log_counts(log)
    report = build_report(args, version, articles, paths, run, logged, log)
    print_report(report)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nResults: {path}\ngunicorn log: {log}")
    sys.exit(0 if report["passed"] else 1)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5_000, help="size of the newsroom")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (>= 45)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=int, default=10,
                        help="seconds after which wrk counts a request as timed out")
    parser.add_argument("--recovery-limit", type=float, default=5,
                        help="seconds the site may take to answer 200 after PostgreSQL is back")
    args = parser.parse_args()
    if args.articles < 100 or args.duration < 45 or args.workers < 1 or args.connections < 1:
        parser.error("--articles >= 100, --duration >= 45 s, --workers and --connections >= 1")
    return args


# The machine -------------------------------------------------------------------------------


def postgres_version():
    """The local cluster's major version, as pg_ctlcluster wants it."""
    clusters = Path("/etc/postgresql")
    versions = sorted((p.name for p in clusters.iterdir()), key=float) if clusters.is_dir() else []
    if not versions:
        raise SystemExit("No PostgreSQL cluster in /etc/postgresql: the load test needs one.")
    return versions[-1]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("Installing Debian's wrk ...")
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=apt)


def control(command):
    """Run a service command to its end, even through Ctrl-C: a PostgreSQL left halfway
    through stopping would stay down. Its own session keeps the terminal's Ctrl-C from it.
    Returns (exit status, output)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        output, _ = process.communicate()
    except BaseException:
        process.wait()
        raise
    return process.returncode, output


def postgres(version, action):
    return control(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action])


def redis_answers():
    return control(["redis-cli", "-p", "6379", "ping"])[1].strip() == "PONG"


def start_redis():
    control(REDIS_START)
    deadline = time.monotonic() + 10
    while not redis_answers():
        if time.monotonic() > deadline:
            raise SystemExit("Redis did not start; see /var/log/redis/ci.log.")
        time.sleep(0.1)


def ensure_services(version):
    """PostgreSQL and Redis running: before the test, and after it, whatever happened."""
    if postgres(version, "status")[0] != 0:
        print(f"Starting PostgreSQL {version} ...")
        status, output = postgres(version, "start")
        if status != 0:
            print(f"PostgreSQL {version} did not start:\n{output}", file=sys.stderr)
    if not redis_answers():
        print("Starting Redis ...")
        start_redis()


# The site ----------------------------------------------------------------------------------


def environment(static_root):
    """The variables the site reads (newsroom/settings.py), for production over plain HTTP."""
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": LOOPBACK,
        "HTTPS": "0",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        # The generated pictures belong to this database, apart from the developer's media.
        "MEDIA_ROOT": str(HERE / "media"),
        "STATIC_ROOT": str(static_root),
    }


def prepare(articles):
    """Fill the database (once per size), collect the static files, and pick the paths."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import generate

    generate.ensure(articles)
    call_command("migrate", verbosity=0)  # a reused database may lack newer migrations
    call_command("collectstatic", interactive=False, verbosity=0)
    count, paths = choose_paths()
    connection.close()
    return count, paths


def choose_paths():
    """The mix: most of all articles, then every other kind of public page."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, City, Organisation, Person, Topic
    from articles.public.views import LIST_PAGE_SIZE

    public = Article.objects.published()
    pks = list(public.values_list("pk", flat=True))
    chosen = random.Random(SEED).sample(pks, min(ARTICLE_PAGES, len(pks)))
    paths = [a.get_absolute_url() for a in public.filter(pk__in=chosen).only("slug")]

    def busiest(model, related, n=2):
        return list(model.objects.annotate(n=Count(related)).order_by("-n", "pk")[:n])

    topics, cities = busiest(Topic, "tagged_articles"), busiest(City, "tagged_articles")
    people, organisations = busiest(Person, "articles"), busiest(Organisation, "articles")
    listing = reverse("articles:list")
    paths += [subject.get_absolute_url() for subject in (*topics, *cities, *people,
                                                          *organisations)]
    paths += [
        reverse("articles:home"),
        listing,
        f"{listing}?page={math.ceil(len(pks) / LIST_PAGE_SIZE) // 2}",
        f"{listing}?{urlencode({'city': cities[0].slug, 'topic': topics[0].slug})}",
        f"{listing}?{urlencode({'person': people[0].slug})}",
        f"{listing}?q=Digitalisierung",
        f"{listing}?q=Verkehr+Stadt",
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:topic_feed_rss", kwargs={"slug": topics[0].slug}),
        reverse("sitemap"),
        reverse("sitemap_section", kwargs={"section": "artikel"}),
        reverse("articles:archive"),
    ]
    return len(pks), paths


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextmanager
def serve(workers, log_path):
    """gunicorn with `workers` sync workers on a free loopback port: (port, master pid).
    Stopped however the block ends, its whole process group, so no worker outlives it."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn), "newsroom.wsgi:application", "--bind", f"{LOOPBACK}:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--timeout", "30",
        # The default control socket is one per user: another gunicorn may hold it.
        "--no-control-socket", "--chdir", str(ROOT),
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 30
        while get(port, "/healthz")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log_path}.")
            time.sleep(0.2)
        print(f"gunicorn: {workers} sync workers on {LOOPBACK}:{port}, log {log_path}")
        yield port, process.pid
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(process.pid, sig)
                process.wait(wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


def get(port, path, timeout=5):
    """One GET on the loopback: (status, headers, body); status None when it failed."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    except OSError as error:
        return None, {}, str(error).encode()
    finally:
        conn.close()


def check_pages(port, paths):
    failures = [f"{path}: {status}" for path in paths
                if (status := get(port, path, timeout=30)[0]) != 200]
    if failures:
        raise SystemExit("Pages of the mix that do not answer 200:\n  " + "\n  ".join(failures))
    print(f"All {len(paths)} pages of the mix answer 200.")


def log_counts(log):
    """What gunicorn logged: tracebacks and 500s (should be none), and the 503s."""
    text = log.read_text(errors="replace")
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "internal_server_error": text.count("Internal Server Error:"),
        "service_unavailable": text.count("Service Unavailable:"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


# Load, faults and what happens meanwhile ---------------------------------------------------


def warm_up(port, paths, workers):
    """Every worker renders every page before its memory is first measured: each path is
    requested by as many clients at once as there are workers (a sync worker serves one at
    a time), past the page cache with a query parameter of its own."""
    print(f"Warming up: {len(paths)} pages, {workers} times each, rendered ...", flush=True)
    with ThreadPoolExecutor(workers) as pool:
        for n, path in enumerate(paths):
            separator = "&" if "?" in path else "?"
            urls = [f"{path}{separator}warm-up={n}-{i}" for i in range(workers)]
            list(pool.map(lambda url: get(port, url, timeout=60), urls))


def wrk(port, paths_file, args):
    """wrk over the mix for the whole duration, started in the background."""
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", f"{args.timeout}s", "-s", str(HERE / "mixed.lua"),
        f"http://{LOOPBACK}:{port}/", "--", str(paths_file),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_summary(stdout, stderr, returncode):
    for line in stdout.splitlines():
        if line.startswith("LOADTEST_JSON "):
            return json.loads(line.removeprefix("LOADTEST_JSON "))
    raise SystemExit(f"wrk failed ({returncode}):\n{stdout}\n{stderr}")


class Probe(threading.Thread):
    """Every 100 ms, GET a page the cache cannot answer: the home page, the cheapest page
    that needs the database, with a query parameter of its own (a search, the other
    candidate, costs twice as much; ten a second would load the server themselves).
    Each request runs in a thread of its own, so that a slow answer holds up no later
    one. Records (sent, answered, status, friendly) for every request."""

    def __init__(self, port, timeout):
        super().__init__(daemon=True)
        self.port, self.timeout = port, timeout
        self.stop, self.answers = threading.Event(), []

    def run(self):
        # Enough threads for every request that may still be waiting for its answer.
        with ThreadPoolExecutor(int(self.timeout / PROBE_INTERVAL) + 10) as pool:
            moment = time.time()
            while not self.stop.is_set():
                pool.submit(self.request)
                moment += PROBE_INTERVAL
                self.stop.wait(max(0.0, moment - time.time()))

    def request(self):
        sent = time.time()
        path = f"/?probe={secrets.token_hex(6)}"
        status, headers, body = get(self.port, path, self.timeout)
        friendly = b"Traceback" not in body and (
            status is None or status < 500
            or (FRIENDLY_MARKER in body and bool(headers.get("Retry-After")))
        )
        self.answers.append((sent, time.time(), status, friendly))

    def recovered(self, outage, back, bound):
        """When the first request sent since `outage` began answered 200 at or after `back`;
        None when none did within `bound` seconds of `back`."""
        while True:
            answered = [a for s, a, status, _ in list(self.answers)
                        if status == 200 and s >= outage and a >= back]
            if answered:
                # Requests still waiting can only answer later than this one did.
                return min(answered)
            if time.time() > back + bound:
                return None
            time.sleep(PROBE_INTERVAL / 2)


class MemorySampler(threading.Thread):
    """The RSS of each gunicorn worker (the master's children), from /proc every second."""

    def __init__(self, master):
        super().__init__(daemon=True)
        self.master, self.stop, self.samples = master, threading.Event(), {}

    def run(self):
        while not self.stop.is_set():
            now = time.time()
            for pid in self.workers():
                rss = self.rss_kb(pid)
                if rss is not None:
                    self.samples.setdefault(pid, []).append((now, rss))
            self.stop.wait(1)

    def workers(self):
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The command name in parentheses may hold spaces: the parent follows the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.master:
                pids.append(int(entry))
        return pids

    @staticmethod
    def rss_kb(pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None


def sleep_until(moment):
    time.sleep(max(0.0, moment - time.time()))


def stop_postgres(version, probe):
    """Stop the cluster, start it again after a few seconds, and time the site's recovery."""
    print("  PostgreSQL: stopping ...", flush=True)
    stopped = time.time()
    postgres(version, "stop")
    sleep_until(stopped + POSTGRES_DOWN_SECONDS)
    status, _output = postgres(version, "start")  # returns once it accepts connections
    started = time.time()
    print(f"  PostgreSQL: running again after {started - stopped:.1f} s "
          f"(start exited {status})", flush=True)
    recovered = probe.recovered(stopped, started, RECOVERY_BOUND)
    return {
        "stopped": stopped, "started": started, "down_seconds": round(started - stopped, 2),
        "recovery_seconds": round(recovered - started, 2) if recovered else None,
    }


def stop_redis():
    print("  Redis: shutting down ...", flush=True)
    stopped = time.time()
    control(["redis-cli", "-p", "6379", "shutdown", "nosave"])
    sleep_until(stopped + REDIS_DOWN_SECONDS)
    start_redis()
    started = time.time()
    print(f"  Redis: running again after {started - stopped:.1f} s", flush=True)
    return {"stopped": stopped, "started": started, "down_seconds": round(started - stopped, 2)}


def load_with_faults(port, master, paths_file, version, args):
    """wrk for the whole duration; PostgreSQL away at 1/6 of it, Redis at 1/2."""
    probe, sampler = Probe(port, args.timeout), MemorySampler(master)
    print(f"Load: wrk {args.connections} connections, {args.threads} threads, "
          f"{args.duration} s ...", flush=True)
    load_average = os.getloadavg()[0]
    start = time.time()
    sampler.start()
    probe.start()
    load = wrk(port, paths_file, args)
    try:
        sleep_until(start + args.duration / 6)
        postgres_fault = stop_postgres(version, probe)
        sleep_until(start + args.duration / 2)
        redis_fault = stop_redis()
        stdout, stderr = load.communicate(timeout=args.duration + 60)
    finally:
        if load.poll() is None:
            load.kill()
        probe.stop.set()
        sampler.stop.set()
    probe.join()
    sampler.join()
    return {
        "start": start, "load_average": [load_average, os.getloadavg()[0]],
        "wrk": wrk_summary(stdout, stderr, load.returncode),
        "postgres": postgres_fault, "redis": redis_fault,
        "probe": probe.answers, "memory": sampler.samples,
    }


# Report ------------------------------------------------------------------------------------


def add_up(timeline, begin=-math.inf, end=math.inf):
    """Statuses counted in the seconds that overlap `begin` to `end` (wrk counts whole
    seconds)."""
    counts = {}
    for second, statuses in timeline.items():
        if begin < int(second) + 1 and int(second) <= end:
            for status, n in statuses.items():
                counts[status] = counts.get(status, 0) + n
    return dict(sorted(counts.items()))


def bad(statuses):
    """Answers other than 2xx and 3xx."""
    return sum(n for status, n in statuses.items() if not 200 <= int(status) < 400)


def count(answers):
    counts = {}
    for _sent, _answered, status, _friendly in answers:
        key = str(status) if status else "error"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def memory_report(samples, start):
    last = max(series[-1][0] for series in samples.values())
    workers = []
    for pid, series in sorted(samples.items()):
        first_kb, last_kb = series[0][1], series[-1][1]
        workers.append({
            "pid": pid, "first_mb": round(first_kb / 1024, 1),
            "last_mb": round(last_kb / 1024, 1),
            "peak_mb": round(max(rss for _, rss in series) / 1024, 1),
            "growth": round((last_kb - first_kb) / first_kb, 4),
            # A worker that appeared late or vanished early died or replaced one that did.
            "whole_run": series[0][0] - start < 1.5 and last - series[-1][0] < 1.5,
            "rss_mb_per_second": [round(rss / 1024, 1) for _, rss in series],
        })
    return workers


def build_report(args, version, articles, paths, run, logged, log):
    summary, pg, redis, start = run["wrk"], run["postgres"], run["redis"], run["start"]
    timeline = summary["timeline"]
    statuses = add_up(timeline)
    # 503 is the answer by design from the moment PostgreSQL stops until the site has had
    # `recovery_limit` seconds after its return to reconnect; at any other time it fails.
    outage = (pg["stopped"], pg["started"] + args.recovery_limit)
    pg_statuses = add_up(timeline, *outage)
    redis_statuses = add_up(timeline, redis["stopped"], redis["started"])
    probe = run["probe"]
    # A probe request belongs to a window when it was under way at some time within it.
    probe_pg = [a for a in probe if a[0] <= outage[1] and a[1] >= outage[0]]
    probe_redis = [a for a in probe if a[0] <= redis["started"] and a[1] >= redis["stopped"]]
    workers = memory_report(run["memory"], start)
    growth = max(w["growth"] for w in workers)
    errors = summary["errors"]
    latency = summary["latency_us"]
    figures = {
        "requests": summary["requests"],
        "requests_per_second": round(summary["requests"] / (summary["duration_us"] / 1e6), 1),
        "latency_ms": {k: round(latency[k] / 1000, 1) for k in ("p50", "p90", "p99", "max")},
        "statuses": statuses,
        "non_2xx_3xx": bad(statuses),
        "status_503_during_outage": pg_statuses.get("503", 0),
        "status_503_outside_outage": statuses.get("503", 0) - pg_statuses.get("503", 0),
        "status_5xx_other": sum(n for s, n in statuses.items() if int(s) >= 500 and s != "503"),
        "status_4xx": sum(n for s, n in statuses.items() if 400 <= int(s) < 500),
        "socket_errors": {k: v for k, v in errors.items() if k != "status"},
        "unfriendly_5xx": summary["unfriendly_5xx"],
        "during_postgres_outage": pg_statuses,
        "during_redis_outage": redis_statuses,
    }
    probe_figures = {
        "requests": len(probe),
        "during_postgres_outage": count(probe_pg),
        "during_redis_outage": count(probe_redis),
        "outside_outages": count(a for a in probe if a not in probe_pg and a not in probe_redis),
        "unfriendly": sum(1 for a in probe if not a[3]),
    }
    probe_503_outside = sum(1 for a in probe if a[2] == 503 and a not in probe_pg)
    criteria = {
        "no 500 (nor any 5xx but 503)": figures["status_5xx_other"] == 0
        and not any(a[2] and a[2] >= 500 and a[2] != 503 for a in probe)
        and logged["internal_server_error"] == 0,
        "no socket errors or timeouts": sum(figures["socket_errors"].values()) == 0
        and not any(a[2] is None for a in probe),
        "503 only while PostgreSQL is away": figures["status_503_outside_outage"] == 0
        and probe_503_outside == 0,
        "no 4xx": figures["status_4xx"] == 0,
        "friendly error pages, no traceback": figures["unfriendly_5xx"] == 0
        and probe_figures["unfriendly"] == 0 and logged["tracebacks"] == 0,
        "outage seen (the probe got 503)": probe_figures["during_postgres_outage"].get(
            "503", 0) > 0,
        f"recovered within {args.recovery_limit:g} s": pg["recovery_seconds"] is not None
        and pg["recovery_seconds"] <= args.recovery_limit,
        "served while Redis was away": bad(redis_statuses) == 0
        and sum(redis_statuses.values()) > 0
        and set(probe_figures["during_redis_outage"]) == {"200"},
        f"worker memory growth < {MEMORY_GROWTH_LIMIT:.0%}": growth < MEMORY_GROWTH_LIMIT,
        "every worker lived through the run": len(workers) == args.workers
        and all(w["whole_run"] for w in workers),
    }
    return {
        "timestamp": datetime.fromtimestamp(start).astimezone().isoformat(timespec="seconds"),
        "passed": all(criteria.values()),
        "criteria": criteria,
        "setup": {
            "articles": articles, "paths": len(paths), "gunicorn_workers": args.workers,
            "worker_class": "sync", "wrk_threads": args.threads,
            "wrk_connections": args.connections, "duration_s": args.duration,
            "timeout_s": args.timeout, "recovery_limit_s": args.recovery_limit,
            "postgresql": version, "redis_url": REDIS_URL, "cpus": os.cpu_count(),
            # The machine is shared: its 1-minute load average before and after the load.
            "load_average": run["load_average"], "python": sys.version.split()[0],
        },
        "faults": {
            name: {"at_s": round(fault["stopped"] - start, 1),
                   **{k: v for k, v in fault.items() if k not in ("stopped", "started")}}
            for name, fault in (("postgres", pg), ("redis", redis))
        },
        "wrk": figures,
        "probe": probe_figures,
        "memory": {"max_growth": growth, "workers": workers},
        "gunicorn_log": {"path": str(log), **logged},
        "paths": paths,
        # Seconds since the load began: wrk's statuses, and every probe request as
        # [sent, seconds to answer, status].
        "timeline": {int(s) - math.floor(start): c for s, c in sorted(timeline.items())},
        "probe_requests": [[round(s - start, 2), round(a - s, 3), status]
                           for s, a, status, _ in sorted(probe)],
    }


def print_report(report):
    setup, wrk_, probe, faults = report["setup"], report["wrk"], report["probe"], report["faults"]
    pg, redis = faults["postgres"], faults["redis"]
    latency = wrk_["latency_ms"]
    rows = [
        ("requests", f"{wrk_['requests']:,} ({wrk_['requests_per_second']:,} req/s)"),
        ("latency p50 / p99 / max", f"{latency['p50']} / {latency['p99']} / {latency['max']} ms"),
        ("statuses", statuses(wrk_["statuses"])),
        ("non-2xx/3xx", f"{wrk_['non_2xx_3xx']:,}"),
        ("503 during / outside outage",
         f"{wrk_['status_503_during_outage']:,} / {wrk_['status_503_outside_outage']:,}"),
        ("500 and other 5xx", f"{wrk_['status_5xx_other']:,}"),
        ("socket errors", ", ".join(f"{k} {v}" for k, v in wrk_["socket_errors"].items())),
        ("PostgreSQL away", f"at {pg['at_s']} s for {pg['down_seconds']} s; first 200 "
                            f"{pg['recovery_seconds']} s after its return"),
        ("  wrk meanwhile", statuses(wrk_["during_postgres_outage"])),
        ("  probe meanwhile", statuses(probe["during_postgres_outage"])),
        ("Redis away", f"at {redis['at_s']} s for {redis['down_seconds']} s"),
        ("  wrk meanwhile", statuses(wrk_["during_redis_outage"])),
        ("  probe meanwhile", statuses(probe["during_redis_outage"])),
        ("probe otherwise", statuses(probe["outside_outages"])),
    ]
    rows += [
        (f"worker {w['pid']} RSS", f"{w['first_mb']} -> {w['last_mb']} MB "
                                   f"(peak {w['peak_mb']}, {w['growth']:+.1%})")
        for w in report["memory"]["workers"]
    ]
    print(f"\n{setup['articles']:,} articles, {setup['paths']} paths; gunicorn "
          f"{setup['gunicorn_workers']} {setup['worker_class']} workers; wrk "
          f"{setup['wrk_connections']} connections, {setup['wrk_threads']} threads, "
          f"{setup['duration_s']} s, timeout {setup['timeout_s']} s; {setup['cpus']} CPUs, "
          f"load average {setup['load_average'][0]:.1f} before; PostgreSQL "
          f"{setup['postgresql']}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print()
    for name, good in report["criteria"].items():
        print(f"  {'PASS' if good else 'FAIL'}  {name}")
    print(f"\n{'PASSED' if report['passed'] else 'FAILED'}")


def statuses(counts):
    return ", ".join(f"{s}: {n:,}" for s, n in counts.items()) or "none"


if __name__ == "__main__":
    main()
