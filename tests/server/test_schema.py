"""Schemathesis fuzzes every operation of the app's own OpenAPI schema: nothing a client sends is a 500.

Jobs are queued but not rendered (no executor): the point is the validation. POST /generate-advanced-video
is left out because a valid body waits for a render that never runs; it validates through the same
``submit`` (the same body model and limits) as POST /jobs, which is fuzzed.
"""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from reelforge.server.app import create_app
from reelforge.server.settings import Settings

APP = create_app(Settings(data_dir=Path(tempfile.mkdtemp(prefix="reelforge-fuzz-")), max_upload_mb=1.0),
                 start_executor=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path="/generate-advanced-video")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case):
    response = case.call_and_validate(checks=[not_a_server_error])
    if 400 <= response.status_code < 500 and response.status_code not in (401, 404, 405):
        detail = response.json().get("detail")
        assert detail, response.text  # every refusal says why
