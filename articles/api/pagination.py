"""Cursor pagination: the next page starts after the last item the client has.

Page numbers shift under a reader while articles are published: page 2 repeats the
last item of page 1 for every new article. A cursor names the last item's sort key,
(published_at, id) for articles and the slug for subjects, and the next page is what
sorts after it; new articles sort before it, so nothing repeats and nothing is skipped.
Reading a page costs one query that an index answers, however deep it is.

The cursor is opaque to clients (base64 of the key as JSON); a damaged one is a 400.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from .errors import bad_parameter

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Larger ids fit no database's integer column; such a cursor is damaged.
MAX_ID = 2**63 - 1


def _datetime(value):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(value)
    return parsed


def _id(value):
    if type(value) is not int or not 0 < value <= MAX_ID:
        raise ValueError(value)
    return value


def _text(value):
    if not isinstance(value, str) or not value:
        raise ValueError(value)
    return value


PARSERS = {"published_at": _datetime, "pk": _id, "slug": _text}


@dataclass(frozen=True)
class Keyset:
    """An ordering by unique keys, e.g. ("-published_at", "-pk"), and its cursors."""

    order: tuple

    @property
    def fields(self):
        return [name.lstrip("-") for name in self.order]

    def encode(self, row):
        values = [getattr(row, name) for name in self.fields]
        values = [v.isoformat() if hasattr(v, "isoformat") else v for v in values]
        raw = json.dumps(values, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor):
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            values = json.loads(raw)
            if not isinstance(values, list) or len(values) != len(self.order):
                raise ValueError(values)
            return [PARSERS[name](value) for name, value in zip(self.fields, values,
                                                                strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise bad_parameter("cursor") from None

    def after(self, values):
        """What sorts after `values`: later in the first key, or equal in it and later in
        the next, and so on."""
        condition = Q()
        for i, name in enumerate(self.order):
            field = name.lstrip("-")
            lookup = "lt" if name.startswith("-") else "gt"
            equal = {f: v for f, v in zip(self.fields[:i], values[:i], strict=True)}
            condition |= Q(**equal, **{f"{field}__{lookup}": values[i]})
        return condition

    def page(self, queryset, cursor=None, limit=DEFAULT_LIMIT):
        """(the rows of the page, the cursor of the next page or None)."""
        queryset = queryset.order_by(*self.order)
        if cursor:
            queryset = queryset.filter(self.after(self.decode(cursor)))
        rows = list(queryset[:limit + 1])
        if len(rows) <= limit:
            return rows, None
        rows = rows[:limit]
        return rows, self.encode(rows[-1])


NEWEST_FIRST = Keyset(("-published_at", "-pk"))
BY_SLUG = Keyset(("slug",))
