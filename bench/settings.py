"""The site's settings, plus what only the benchmark needs: the ceiling views, and media
and static files of its own. Selected by bench.environment(), never by the site."""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import BASE_DIR, DATABASES, NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS

ROOT_URLCONF = "bench.urls"
# The generated pictures belong to the database they were generated for.
MEDIA_ROOT = BASE_DIR / "bench" / "media" / DATABASES["default"]["NAME"]
# Production serves collectstatic's hashed copies; bench/run.py collects them here.
STATIC_ROOT = BASE_DIR / "bench" / "staticfiles"
# The ceilings measure rendering and the bare stack: the page cache must not answer for them.
NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS = (*NEWSROOM_PAGE_CACHE_EXCLUDED_PATHS, "/bench/")
