"""How fast a WordPress site moves in: a generated export, imported and timed.

    python -m bench.wordpress --posts 10000 --images 2000 [--database sqlite|postgresql]

Writes a WXR 1.2 export of `--posts` posts (most published, some drafts, scheduled and
in review; 2–5 of 200 categories and tags each; 20 authors; every few posts with a
featured picture, `--images` in all, small JPEGs in an uploads folder) and imports it
with articles.importers.wordpress into a fresh database of its own: a temporary SQLite
file, or the PostgreSQL database BENCH_WORDPRESS_DATABASE_URL (default
`newsroom_bench_wordpress` on the local server, dropped and created anew). Reports the
time and the rate. Like `make bench` a tool, not a test: nothing asserts a time.
"""

import argparse
import datetime
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/newsroom_bench_wordpress"
PICTURE_SIZE = (320, 240)
WORDS = [
    "Verwaltung", "Digitalisierung", "Bürgeramt", "Glasfaser", "Stadtrat", "Portal",
    "Antrag", "Kommune", "Landkreis", "Förderung", "Rathaus", "Schule", "Verkehr", "Daten",
    "Plattform", "Online", "Service", "Gemeinde", "Breitband", "Projekt",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=2_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=16)
    return parser.parse_args()


def setup(database, folder):
    """Django on a database of the benchmark's own, migrated, with media in `folder`."""
    if database == "sqlite":
        url = f"sqlite:///{folder / 'wordpress.sqlite3'}"
    else:
        url = os.environ.get("BENCH_WORDPRESS_DATABASE_URL", DEFAULT_POSTGRES)
        _recreate(url)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings",
                       "NEWSROOM_ENV": "development", "DEBUG": "0", "DATABASE_URL": url})
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = folder / "media"
    call_command("migrate", verbosity=0)


def _recreate(url):
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    maintenance = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def sentence(rng):
    words = rng.sample(WORDS, 8)
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


def export(rng, posts, images, uploads):
    """The WXR document and the picture files it names."""
    from PIL import Image as PillowImage

    from articles.importers import wxr

    terms = [("category" if n % 4 == 0 else "post_tag", f"{rng.choice(WORDS)} {n}")
             for n in range(200)]
    authors = [{"login": f"autor{n}", "display_name": f"Autorin {n}"} for n in range(20)]
    statuses = ["publish"] * 90 + ["draft"] * 5 + ["pending"] * 3 + ["future"] * 2
    start = datetime.datetime(2015, 1, 1)
    every = max(1, posts // images) if images else 0
    items, made = [], 0
    for n in range(1, posts + 1):
        status = rng.choice(statuses)
        date = start + datetime.timedelta(hours=7 * n)
        if status == "future":
            date = datetime.datetime.now() + datetime.timedelta(days=rng.randint(1, 30))
        post = {
            "post_id": n, "title": f"{sentence(rng)[:-1]} &#8211; Nr. {n}",
            "slug": f"beitrag-{n}", "status": status, "date": date,
            "creator": f"autor{rng.randrange(20)}",
            "content": "\n\n".join(" ".join(sentence(rng) for _ in range(5))
                                   for _ in range(rng.randint(3, 6))),
            "categories": rng.sample(terms, rng.randint(2, 5)), "meta": {},
        }
        if every and n % every == 0 and made < images:
            made += 1
            picture_id = 1_000_000 + n
            name = f"2021/05/bild-{made}.jpg"
            post["meta"]["_thumbnail_id"] = str(picture_id)
            items.append({
                "post_id": picture_id, "post_type": "attachment", "status": "inherit",
                "parent": n, "title": f"Bild {made}", "excerpt": sentence(rng),
                "attachment_url": f"https://alt.example.de/wp-content/uploads/{name}",
                "meta": {"_wp_attachment_image_alt": sentence(rng),
                         "_wp_attachment_metadata": {"image_meta": {"credit": "Stadt"}}},
            })
            path = uploads / name
            path.parent.mkdir(parents=True, exist_ok=True)
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            PillowImage.new("RGB", PICTURE_SIZE, colour).save(path, "JPEG", quality=85)
        items.append(post)
    return wxr.build(items, authors=authors)


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-wordpress-") as tmp:
        folder = Path(tmp)
        setup(args.database, folder)
        rng = random.Random(args.seed)
        uploads = folder / "uploads"
        path = folder / "export.xml"
        path.write_bytes(export(rng, args.posts, args.images, uploads))
        print(f"Export: {args.posts} posts, {args.images} pictures, "
              f"{path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)

        from django.core.management import call_command

        out = io.StringIO()
        began = time.perf_counter()
        call_command("import_wordpress", str(path), "--media-dir", str(uploads), stdout=out)
        seconds = time.perf_counter() - began
        print(out.getvalue())
        print(f"{args.database}: {args.posts} posts and {args.images} pictures in "
              f"{seconds:.1f} s ({args.posts / seconds:.0f} posts/s)")


if __name__ == "__main__":
    main()
