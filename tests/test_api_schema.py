"""Schemathesis against /api/v1/openapi.json: every operation, with generated parameters,
through the Django WSGI app; no server error, and every answer (errors included) valid
against the schema. Few examples per operation, so the suite stays fast."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.api.routes import api
from articles.models import ImageCredit, Organisation, Person
from newsroom.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Schemathesis calls the WSGI app directly, whose request signals would close the
    database connection inside the test's transaction (on PostgreSQL); Django's test
    client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def newsroom(make_article, make_image):
    credit = ImageCredit.objects.create(creator="Thomas Kierok", licence="CC BY 4.0")
    for i in range(3):
        make_article(cities=["Kaiserslautern"], topics=["Digitalisierung"],
                     people=[Person.objects.get_or_create(name="Ilona Benz")[0]],
                     organisations=[Organisation.objects.get_or_create(name="KL.digital")[0]],
                     lead_image=make_image(alt_text="Rathaus", credit=credit) if i else None,
                     corrections=[{"at": "2025-01-02T10:00:00+00:00", "text": "Korrigiert."}])


# The document /api/v1/openapi.json serves (tests/test_api.py fetches it), built in
# process: fetching it at import would run the page cache's query before any test
# database exists. Requests go to the Django WSGI app.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@schema.parametrize()
@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case):
    # A slug that is well-formed but names no city is refused (400, naming the parameter)
    # by design, which this check would count as rejecting valid data.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_the_tested_document_is_the_served_one(client):
    served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(json.dumps(api.get_openapi_schema()))
