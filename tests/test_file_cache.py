"""The cache without Redis (newsroom.cache.FileCache): all workers of a machine share its
folder, and a write does not list the whole folder."""

from unittest import mock

from newsroom.cache import FileCache


def file_cache(folder, max_entries):
    return FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_a_write_does_not_list_the_folder_each_time(tmp_path):
    cache = file_cache(tmp_path, max_entries=10_000)
    with mock.patch.object(FileCache, "_list_cache_files",
                           autospec=True, side_effect=FileCache._list_cache_files) as listing:
        for number in range(2 * FileCache.CULL_EVERY):
            cache.set(f"page-{number}", "<html>")
    assert listing.call_count <= 2
    assert cache.get(f"page-{2 * FileCache.CULL_EVERY - 1}") == "<html>"


def test_the_folder_is_still_culled_beyond_its_entries(tmp_path):
    entries = 3 * FileCache.CULL_EVERY
    cache = file_cache(tmp_path, max_entries=entries)
    for number in range(10 * FileCache.CULL_EVERY):
        cache.set(f"page-{number}", number)
    assert len(list(tmp_path.glob("*.djcache"))) < entries + FileCache.CULL_EVERY


def test_two_processes_share_what_one_wrote(tmp_path):
    one, other = file_cache(tmp_path, 100), file_cache(tmp_path, 100)
    one.set("newsroom:key:article-1", 42, timeout=None)
    assert other.get("newsroom:key:article-1") == 42
