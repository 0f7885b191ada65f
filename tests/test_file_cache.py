"""The cache without Redis (newsroom.cache.FileCache): a write does not list the whole
folder, which is still culled. That all workers share it is tests/test_scale_out.py's."""

import time
from unittest import mock

from newsroom.cache import FileCache


def file_cache(folder, max_entries):
    return FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def counting():
    return mock.patch.object(FileCache, "_list_cache_files", autospec=True,
                             side_effect=FileCache._list_cache_files)


def a_minute_passed(monkeypatch):
    monkeypatch.setattr(FileCache, "_counted_at", time.monotonic() - FileCache.CULL_SECONDS)


def test_writes_within_a_minute_list_the_folder_once(tmp_path, monkeypatch):
    cache = file_cache(tmp_path, max_entries=10_000)
    a_minute_passed(monkeypatch)
    with counting() as listing:
        for number in range(200):
            cache.set(f"page-{number}", "<html>")
    assert listing.call_count == 1
    assert cache.get("page-199") == "<html>"


def test_the_folder_is_culled_beyond_its_entries_once_a_minute(tmp_path, monkeypatch):
    cache = file_cache(tmp_path, max_entries=60)
    a_minute_passed(monkeypatch)
    for number in range(90):
        cache.set(f"page-{number}", number)
    assert len(list(tmp_path.glob("*.djcache"))) == 90  # counted at the first write only

    a_minute_passed(monkeypatch)
    cache.set("page-90", 90)
    assert len(list(tmp_path.glob("*.djcache"))) == 91 - 90 // 3

