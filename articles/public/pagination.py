"""Pagination that neither counts the whole list on every request nor has the database
build every row before a deep page.

A page of a list needs the number of its articles (for "100.000 Meldungen" and the last
page), and counting 100,000 rows costs more than the rest of the page. The count is kept
like the pages themselves (`articles.cache.remember`): until public content changes.

Page 500 skips 9,980 articles. Skipping them as full rows, images joined, cost three
times page 1; skipping their ids, which the index holds, and then loading twenty rows
costs about the same as page 1.
"""

import hashlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from articles.cache import remember

# From this offset on, a page is loaded by its ids first.
DEEP_OFFSET = 1000


class ListPaginator(Paginator):
    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        # Django's own count (a cached_property of Paginator), run only when none is kept.
        return remember(f"count:{self.count_key}", lambda: Paginator.count.func(self))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP_OFFSET:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class ListPaginationMixin:
    """For a ListView: its lists are told apart by their path and parameters, the page
    number aside."""

    paginator_class = ListPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        query = sorted(
            (name, value) for name, values in self.request.GET.lists() if name != self.page_kwarg
            for value in values
        )
        key = hashlib.md5(repr((self.request.path, query)).encode()).hexdigest()
        return super().get_paginator(queryset, per_page, count_key=key, **kwargs)
