"""Pagination that does not count the whole list on every request.

A page of a list needs the number of its articles (for "100.000 Meldungen" and the last
page), and counting 100,000 rows costs more than the rest of the page. The count is kept
like the pages themselves (`articles.cache.remember`): until public content changes.
"""

import hashlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from articles.cache import remember


class CountKeptPaginator(Paginator):
    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return remember(f"count:{self.count_key}", Paginator.count.func.__get__(self))


class CountKeptMixin:
    """For a ListView: its lists are told apart by their path and parameters, the page
    number aside."""

    paginator_class = CountKeptPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        query = sorted(
            (name, value) for name, values in self.request.GET.lists() if name != self.page_kwarg
            for value in values
        )
        key = hashlib.md5(repr((self.request.path, query)).encode()).hexdigest()
        return super().get_paginator(queryset, per_page, count_key=key, **kwargs)
