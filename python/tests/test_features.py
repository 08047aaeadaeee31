"""Markers, fixtures, strict mode, chaos, smoke drift, --cassette-url and the terminal summary."""

import json
import subprocess

from fake_upstream import FakeUpstream
from harness import CASSETTE_JS, FAKE_KEYS, clean_env
from test_modes import MINI

FEATURES = '''
import os, requests, pytest

def ask(prompt, base=None):
    r = requests.post((base or os.environ["OPENAI_BASE_URL"]) + "/chat/completions", timeout=30,
                      headers={"authorization": "Bearer " + os.environ["OPENAI_API_KEY"]},
                      json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]})
    return r

@pytest.mark.cassette(mode="live")
def test_marker_mode_records(cassette):
    assert ask("marked").status_code == 200
    assert cassette.mode == "live" and cassette.results()["recorded"] == 1

def test_uses_fewer_calls(cassette):
    assert ask("first").status_code == 200
    if os.environ.get("ONLY_ONE") != "1":
        assert ask("second").status_code == 200

@pytest.mark.cassette_chaos(rate=1, faults="429")
def test_chaos_marker():
    assert ask("chaos").status_code == 429

def test_proxy_fixture(cassette_proxy, cassette):
    assert cassette_proxy.url.startswith("http://127.0.0.1:")
    assert cassette_proxy.control("GET", "health")["ok"] is True
    assert cassette_proxy.base_url("openai", episode=cassette.name).endswith("/episodes/" + cassette.name + "/openai/v1")
'''


def test_marker_strict_chaos_and_fixtures(harness):
    project = harness.project("features", FEATURES)
    with FakeUpstream() as up:
        live_env = {**up.env(), **FAKE_KEYS}
        r = harness.pytest(project, "--record-mode=all", env=live_env)
        assert r.rc == 0, r.output
        # the chaos test never reached the upstream
        assert [q["body"]["messages"][0]["content"] for q in up.requests] == ["marked", "first", "second"]
        # Golden session: the marked test still records (its own mode), the others replay.
        r = harness.pytest(project, env=live_env)
        assert r.rc == 0, r.output
        assert len(up.requests) == 4
    # Not strict: a test that leaves a recording unused passes; strict: it fails and says which.
    assert harness.pytest(project, "-k", "fewer", env={"ONLY_ONE": "1"}).rc == 0
    r = harness.pytest(project, "-k", "fewer", "--cassette-strict", env={"ONLY_ONE": "1"})
    assert r.failed() == ["test_mini.py::test_uses_fewer_calls"], r.output
    message = r.outcome("::test_uses_fewer_calls")[1]
    assert "did not use" in message and "step 2: openai POST /v1/chat/completions" in message
    # The marker sets strict per test, too.
    strict_marked = FEATURES.replace("def test_uses_fewer_calls", "@pytest.mark.cassette(strict=True)\ndef test_uses_fewer_calls")
    harness.project("features", strict_marked)
    assert harness.pytest(project, "-k", "fewer", env={"ONLY_ONE": "1"}).failed() == ["test_mini.py::test_uses_fewer_calls"]


def test_smoke_drift_fails_the_test(harness):
    project = harness.project("mini", MINI)
    contracts = harness.tmp / "contracts"
    with FakeUpstream() as up:
        assert harness.pytest(project, "--record-mode=all", env={**up.env(), **FAKE_KEYS}).rc == 0
    subprocess.run(["node", str(CASSETTE_JS), "contract", "update", "--store", harness.store, "--contracts", str(contracts)],
                   check=True, capture_output=True, env=clean_env())
    with FakeUpstream(drift=True) as drifted:
        r = harness.pytest(project, f"--cassette-arg=--contracts={contracts}",
                           env={**drifted.env(), **FAKE_KEYS, "TEST_MODE": "LIVE_SMOKE"})
    # The app itself breaks on the drifted answer too; the drift finding is what the test reports.
    message = r.outcome("::test_two")[1]
    assert r.rc == 1 and "contract drift" in message and "breaking" in message, r.output


def test_attach_with_cassette_url(harness):
    project = harness.project("mini", MINI)
    with FakeUpstream() as up:
        assert harness.pytest(project, "--record-mode=all", env={**up.env(), **FAKE_KEYS}).rc == 0
    serve = subprocess.Popen(["node", str(CASSETTE_JS), "serve", "--json", "--port", "0", "--store", harness.store],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=clean_env())
    try:
        url = json.loads(serve.stdout.readline())["url"]
        r = harness.pytest(project, f"--cassette-url={url}", store=False)
        assert r.rc == 0, r.output
        r = harness.pytest(project, f"--cassette-url={url}", store=False, env={"PROMPT": "changed"})
        assert r.failed() == ["test_mini.py::test_one"]
        assert serve.poll() is None  # an attached proxy is left running
    finally:
        serve.terminate()
        serve.wait(timeout=15)


def test_clear_errors(harness):
    project = harness.project("mini", MINI)
    r = harness.pytest(project, env={"CASSETTE_BIN": str(harness.tmp / "nope")})
    assert r.rc == 4 and "llm-cassette: --cassette-bin / CASSETTE_BIN" in r.output
    r = harness.pytest(project, env={"TEST_MODE": "REPLAY"})
    assert r.rc == 4 and "unknown mode 'REPLAY'" in r.output
    bad = harness.project("bad", MINI.replace("def test_two", "@pytest.mark.cassette('no spaces allowed')\ndef test_two")
                          .replace("import os, requests", "import os, requests, pytest"))
    r = harness.pytest(bad)
    assert "episode id 'no spaces allowed' is outside" in r.outcome("::test_two")[1]


def test_the_docs_allow_list_conftest(harness):
    """The staging-only conftest of docs/pytest.md, verbatim."""
    doc = (CASSETTE_JS.parent.parent / "docs" / "pytest.md").read_text()
    start = doc.index("# conftest.py\n")
    conftest = doc[start:doc.index("```", start)]
    project = harness.project("policy", MINI)
    (project / "conftest.py").write_text(conftest)
    with FakeUpstream() as up:
        r = harness.pytest(project, "--record-mode=all", env={**up.env(), **FAKE_KEYS})
        assert r.rc == 4 and "forwards to real providers" in r.output and len(up.requests) == 0
    # golden never forwards: allowed
    assert harness.pytest(project, env={"PROMPT": "x"}).rc == 1  # runs (and misses: nothing recorded)
