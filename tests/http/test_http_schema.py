"""schemathesis against the app's own OpenAPI schema: no 5xx, every response as
documented (status, content type, headers, body), and data that breaks the schema
refused with a 4xx. Examples are bounded and derandomized, so the run is quick and
the same every time. (Driven through hypothesis directly: schemathesis's pytest
plugin does not load under pytest 9.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.http import create_app
from tests.http_support import make_settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
MAX_EXAMPLES = 50
KEY = "schema-test-key"
WITH_INPUT = [
    ("POST", "/v1/summaries"),
    ("POST", "/v1/comparisons"),
    ("GET", "/v1/comparisons/{job_id}"),
    ("DELETE", "/v1/comparisons/{job_id}"),
    ("GET", "/v1/comparisons/{job_id}/report"),
    ("GET", "/v1/comparisons/{job_id}/events"),
    ("POST", "/v1/stories"),
    ("GET", "/v1/stories/{job_id}"),
    ("DELETE", "/v1/stories/{job_id}"),
    ("GET", "/v1/stories/{job_id}/report"),
    ("GET", "/v1/stories/{job_id}/events"),
]
WITHOUT_INPUT = [("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    tmp: Path = tmp_path_factory.mktemp("schema")
    # Small caps keep generated requests cheap; the caps themselves are under test too.
    # Auth is on, and schemathesis holds the key: requests that drop or garble the
    # Authorization header are negative data and must get a 401.
    settings = make_settings(
        tmp, max_articles=4, max_article_bytes=4000, max_body_bytes=50_000, api_keys=KEY
    )
    config = SchemathesisConfig.from_dict({"auth": {"openapi": {"HTTPBearer": {"bearer": KEY}}}})
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings), config=config)
    yield schema
    asgi.shutdown_lifespans()  # stops the app's job runner


def test_every_operation_is_fuzzed(api: schemathesis.BaseSchema) -> None:
    found = {(op.ok().method.upper(), op.ok().path) for op in api.get_all_operations()}
    assert found == set(WITH_INPUT + WITHOUT_INPUT)


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [(m, p, GenerationMode.POSITIVE) for m, p in WITH_INPUT + WITHOUT_INPUT]
    + [(m, p, GenerationMode.NEGATIVE) for m, p in WITH_INPUT],
)
def test_operation_conforms_to_the_schema(
    api: schemathesis.BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api[path][method]

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        if isinstance(case.query, dict) and "wait" in case.query:
            case.query["wait"] = 0  # a generated wait of minutes would only slow the run
        case.call_and_validate(checks=CHECKS, timeout=30)

    check()


def test_the_schema_documents_engine_provenance_and_dropped_claims(tmp_path: Path) -> None:
    components = create_app(make_settings(tmp_path)).openapi()["components"]["schemas"]
    mode = components["EngineInfo"]["properties"]["structured_output"]
    assert {"json_schema", "json_object_schema", "json_object"} <= set(mode["anyOf"][0]["enum"])
    assert "claims_dropped" in components["ErrorEntry"]["properties"]


def test_the_schema_documents_rows_read_through_their_label_claim(tmp_path: Path) -> None:
    components = create_app(make_settings(tmp_path)).openapi()["components"]["schemas"]
    cluster = components["Cluster"]
    props = cluster["properties"]
    assert {"label_claim", "detail_of", "label", "claims", "articles"} <= set(props)
    for name in ("label", "label_claim", "claims", "articles", "detail_of"):
        assert props[name].get("description"), name
    assert "label claim" in props["label"]["description"]
    assert "label_claim" in cluster["required"]
    assert props["label_claim"]["type"] == "string"
    # detail_of: a row id or null, and may be left out (most rows qualify none).
    assert "detail_of" not in cluster["required"]
    assert {"type": "null"} in props["detail_of"]["anyOf"]
    assert {"type": "string"} in props["detail_of"]["anyOf"]
    assert props["detail_of"].get("default") is None
    assert "label claim" in cluster["description"]
    statuses = components["ClusterStatus"]["enum"]
    assert statuses == ["consensus", "partial", "unique", "conflict", "unmatched"]
    omission = components["Omission"]["properties"]["clusters"]
    assert "label claim" in omission["description"]
    assert components["Comparison"]["properties"]["clusters"]["items"] == {
        "$ref": "#/components/schemas/Cluster"
    }


def test_the_schema_documents_stories(tmp_path: Path) -> None:
    openapi = create_app(make_settings(tmp_path)).openapi()
    components = openapi["components"]["schemas"]
    post = openapi["paths"]["/v1/stories"]["post"]
    assert post["description"] and post["summary"]
    request = components["StoriesRequest"]
    assert request["examples"] and request["properties"]["articles"]["description"]
    assert request["properties"]["articles"]["minItems"] == 1
    story = components["Story"]["properties"]
    for name in ("id", "label", "article_ids", "outlets", "comparison"):
        assert story[name].get("description"), name
    assert {"$ref": "#/components/schemas/Comparison"} in story["comparison"]["anyOf"]
    stories = components["Stories"]["properties"]
    assert {"stories", "articles", "usage", "timings_ms", "errors", "engine"} <= set(stories)
    assert components["StoriesJob"]["examples"]
