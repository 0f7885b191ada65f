"""One structured line per request, without personal data; JSON when configured."""

import json
import logging

import pytest

from newsroom.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_one_line_per_request_without_query_or_address(client, caplog, make_article):
    make_article()
    with caplog.at_level(logging.INFO, logger="newsroom.requests"):
        client.get("/artikel/?q=Geheimer+Suchbegriff", REMOTE_ADDR="203.0.113.9")
    records = [r for r in caplog.records if r.name == "newsroom.requests"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status, record.cache) == (
        "GET", "/artikel/", 200, "miss")
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["path"] == "/artikel/" and entry["status"] == 200
    assert "Geheimer" not in line and "203.0.113.9" not in line


def test_errors_become_one_json_object_with_the_traceback():
    try:
        raise ValueError("kaputt")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                                   "Internal Server Error: %s", ("/x/",), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["message"] == "Internal Server Error: /x/"
    assert "ValueError: kaputt" in entry["exception"]
