"""The OpenAPI schema, its two viewers, and schemathesis over every operation it documents."""

from __future__ import annotations

import io

import pytest
import schemathesis
import yaml
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.specs.openapi.checks import ignored_auth

from config.wsgi import application

pytestmark = pytest.mark.django_db

TOOL_FILTERS = [
    "layer", "category", "language", "license", "topic", "status", "featured", "stars_min",
    "stars_max", "gained_30d_min", "pushed_after", "created_after", "q", "ordering",
    "page", "page_size", "format",
]  # fmt: skip


@pytest.fixture
def schema_document(api) -> dict:
    response = api.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_openapi_3_and_lists_every_endpoint(schema_document):
    assert schema_document["openapi"].startswith("3.")
    assert set(schema_document["paths"]) == {
        "/api/v1/layers/",
        "/api/v1/categories/",
        "/api/v1/tools/",
        "/api/v1/tools/autocomplete/",
        "/api/v1/tools/{owner}/{name}/",
        "/api/v1/tools/{owner}/{name}/history/",
        "/api/v1/rankings/",
        "/api/v1/trending/",
        "/api/v1/compare/",
        "/api/v1/stats/",
    }


def test_every_tool_filter_is_documented_with_type_meaning_and_example(schema_document):
    parameters = {p["name"]: p for p in schema_document["paths"]["/api/v1/tools/"]["get"][
        "parameters"
    ]}  # fmt: skip
    assert set(TOOL_FILTERS) <= set(parameters)
    for name in TOOL_FILTERS:
        parameter = parameters[name]
        assert parameter["schema"]["type"] in {"string", "integer", "boolean"}, name
        assert parameter["description"], name
        if name not in {"page", "page_size", "format", "ordering"}:
            assert parameter["examples"], name
    assert "-gained_30d" in parameters["ordering"]["schema"]["enum"]


def test_the_schema_generates_without_a_single_warning():
    # --fail-on-warn turns any drf-spectacular warning (an undocumented field type, …) into
    # an error; --validate checks the result against the OpenAPI 3 specification.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_errors_are_documented_with_their_shape(schema_document):
    operation = schema_document["paths"]["/api/v1/tools/"]["get"]
    error = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    fields = schema_document["components"]["schemas"]["Error"]["properties"]
    assert {"status", "code", "detail", "parameter", "allowed"} <= set(fields)


def test_http_caching_is_documented_on_every_read(schema_document):
    for path, operations in schema_document["paths"].items():
        read = operations["get"]
        assert "304" in read["responses"], path
        assert {"ETag", "Last-Modified", "Cache-Control"} <= set(
            read["responses"]["200"]["headers"]
        ), path
        assert "If-None-Match" in {p["name"] for p in read["parameters"]}, path


@pytest.mark.parametrize(("url", "asset"), [("/api/docs/", "swagger-ui"), ("/api/redoc/", "redoc")])
def test_the_docs_pages_render_with_local_assets(api, url, asset):
    response = api.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html
    assert asset in html
    if asset == "swagger-ui":
        assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    else:
        assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


def test_the_browsable_api_is_kept(api, api_catalog):
    response = api.get("/api/v1/tools/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"crew/crew" in response.content


@pytest.fixture
def api_schema(api_catalog, staff_token, monkeypatch, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's WSGI host
    # schemathesis sends hundreds of requests; throttling is tested on its own elsewhere.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "100000/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "100000/minute")
    # Like Django's test client: keep the test's transaction open across WSGI requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/schema/?format=json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(case, staff_token):
    """Every documented operation, anonymous and (for writes) as a curator, with every check.

    Reads are public by design (the schema says so with an empty security requirement), so
    the check that an operation rejects missing or bogus credentials applies to writes only.
    """
    if case.method == "PATCH":
        case.call_and_validate(headers={"Authorization": f"Token {staff_token.key}"})
    else:
        case.call_and_validate(excluded_checks=(ignored_auth,))
