"""Done-when item 1: the sample project records in live, replays in golden with the upstream shut
down, and a changed prompt fails exactly the test that sent it, with the proxy's explanation;
serially and under `pytest -n 4`."""

import pytest

from fake_upstream import FakeUpstream
from harness import FAKE_KEYS, SAMPLE

SAMPLE_TESTS = 13  # collected test cases
UPSTREAM_CALLS = 13  # the tool loop makes two calls, the base-URL check none


@pytest.mark.parametrize("workers", [[], ["-n", "4"]], ids=["serial", "xdist-4"])
def test_record_replay_and_the_right_test_fails(harness, workers):
    with FakeUpstream() as upstream:
        live = harness.pytest(SAMPLE, "--record-mode=all", *workers, env={**upstream.env(), **FAKE_KEYS})
        assert live.rc == 0, live.output
        assert len(upstream.requests) == UPSTREAM_CALLS
        # Keys went upstream (the proxy forwards them) ...
        for r in upstream.requests:
            headers = {k.lower(): v for k, v in r["headers"].items()}
            assert "fake" in headers.get("authorization", headers.get("x-api-key", ""))
    # ... and never into the store.
    with open(harness.store, "rb") as f:
        stored = f.read()
    for key in FAKE_KEYS.values():
        assert key.encode() not in stored

    # Golden: the upstream is gone; everything replays.
    golden = harness.pytest(SAMPLE, *workers)
    assert golden.rc == 0, golden.output
    assert len(golden.tests) == SAMPLE_TESTS
    assert "llm-cassette" in golden.output and "misses 0" in golden.output

    # One prompt changes: exactly its test fails, with the nearest recording and what differs.
    changed = harness.pytest(SAMPLE, *workers, env={"SAMPLE_VARIANT": "chat"})
    assert changed.rc == 1
    assert changed.failed() == ["test_sample.py::test_openai_chat"], changed.output
    outcome, message = changed.outcome("::test_openai_chat")
    assert "cassette miss in episode" in message
    assert "Nearest recording: step 1" in message
    assert 'capital of France?" → "… capital of Italy?' in message

    # The application swallows the HTTP error: the plugin still fails that test with the miss.
    swallowed = harness.pytest(SAMPLE, *workers, env={"SAMPLE_VARIANT": "swallow"})
    assert swallowed.failed() == ["test_sample.py::test_swallows_errors"], swallowed.output
    message = swallowed.outcome("::test_swallows_errors")[1]
    assert "cassette miss in episode" in message and "Nearest recording" in message and "politely" in message, message
