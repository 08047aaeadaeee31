"""Done-when item 2: every `--record-mode` word and every `TEST_MODE` word is covered, in words
(the resolver) and in behaviour (child pytest runs against a fake upstream and the real CLI)."""

import pytest

from fake_upstream import FakeUpstream
from harness import FAKE_KEYS
from llm_cassette.modes import ModeError, episode_name, normalize_mode, resolve_session_mode, server_mode

MINI = '''
import os, requests

def ask(prompt):
    r = requests.post(os.environ["OPENAI_BASE_URL"] + "/chat/completions", timeout=30,
                      headers={"authorization": "Bearer " + os.environ["OPENAI_API_KEY"]},
                      json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]})
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]

def test_one():
    assert ask(os.environ.get("PROMPT", "hello")).startswith("echo: ")

def test_two():
    assert ask("two") == "echo: two"
'''


@pytest.mark.parametrize("word, mode", [
    ("none", "golden"), ("once", "once"), ("new_episodes", "record-missing"), ("all", "live"), ("rewrite", "rewrite"),
])
def test_record_mode_words(word, mode):
    assert resolve_session_mode(None, word, {}) == (mode, "--record-mode")


@pytest.mark.parametrize("word, mode", [
    ("MOCK", "mock"), ("GOLDEN", "golden"), ("LIVE_SMOKE", "smoke"), ("LIVE", "live"),
    ("golden", "golden"), ("live", "live"), ("record-missing", "record-missing"), ("RECORD_MISSING", "record-missing"),
    ("passthrough", "passthrough"), ("smoke", "smoke"), ("mock", "mock"),
])
def test_test_mode_words(word, mode):
    assert resolve_session_mode(None, None, {"TEST_MODE": word}) == (mode, "TEST_MODE")


def test_precedence_and_errors():
    env = {"TEST_MODE": "LIVE", "CASSETTE_MODE": "mock"}
    assert resolve_session_mode("MOCK", "all", env)[0] == "mock"
    assert resolve_session_mode(None, "none", env)[0] == "golden"
    assert resolve_session_mode(None, None, env)[0] == "live"
    assert resolve_session_mode(None, None, {"CASSETTE_MODE": "mock"})[0] == "mock"
    assert resolve_session_mode(None, None, {}) == ("golden", "default")
    assert server_mode("once") == "golden" and server_mode("rewrite") == "live"
    with pytest.raises(ModeError, match="unknown mode 'REPLAY'"):
        normalize_mode("REPLAY", "TEST_MODE")


def test_episode_names_are_stable_and_valid():
    assert episode_name("tests/test_chat.py::TestX::test_y[gpt-4o-0.2]") == "tests.test_chat.TestX.test_y-gpt-4o-0.2"
    assert episode_name("t.py::test[a b/c:d]") == "t.test-a_b.c_d"
    long = "tests/" + "x" * 300 + ".py::test"
    assert len(episode_name(long)) <= 128 and episode_name(long) == episode_name(long)
    assert episode_name(long) != episode_name(long + "2")
    assert episode_name("_weird.py::test") == "weird.test"


def takes(harness, episode):
    doc = harness.cassette("ls", "--store", harness.store)
    rows = doc["episodes"] if isinstance(doc, dict) else doc  # an array before the JSON envelope
    assert isinstance(rows, list), doc
    return next(r["takes"] for r in rows if r["episode"] == episode)


def test_record_mode_behaviour(harness):
    project = harness.project("mini", MINI)
    with FakeUpstream() as up:
        live_env = {**up.env(), **FAKE_KEYS}
        # none: golden; nothing recorded yet, so both tests miss.
        r = harness.pytest(project, "--record-mode=none", env=live_env)
        assert r.failed() == ["test_mini.py::test_one", "test_mini.py::test_two"] and len(up.requests) == 0
        assert "has no recordings" in r.outcome("::test_one")[1]
        # once: episodes without a take are recorded ...
        assert harness.pytest(project, "--record-mode=once", env=live_env).rc == 0 and len(up.requests) == 2
        # ... and episodes with one replay (no upstream call), a changed prompt misses.
        assert harness.pytest(project, "--record-mode=once", env=live_env).rc == 0 and len(up.requests) == 2
        r = harness.pytest(project, "--record-mode=once", env={**live_env, "PROMPT": "changed"})
        assert r.failed() == ["test_mini.py::test_one"] and len(up.requests) == 2
        # new_episodes: record-missing: only the changed call goes upstream, and is kept.
        assert harness.pytest(project, "--record-mode=new_episodes", env={**live_env, "PROMPT": "changed"}).rc == 0
        assert len(up.requests) == 3
        assert harness.pytest(project, "--record-mode=none", env={"PROMPT": "changed"}).rc == 0
        # all: live, every call forwarded and recorded as a new take.
        before = takes(harness, "test_mini.test_two")
        assert harness.pytest(project, "--record-mode=all", env=live_env).rc == 0 and len(up.requests) == 5
        assert takes(harness, "test_mini.test_two") == before + 1
        # rewrite: a fresh take as well.
        assert harness.pytest(project, "--record-mode=rewrite", env=live_env).rc == 0 and len(up.requests) == 7
        assert takes(harness, "test_mini.test_two") == before + 2
    # And golden replays the newest take with the upstream gone.
    assert harness.pytest(project).rc == 0


def test_test_mode_behaviour(harness):
    project = harness.project("mini", MINI)
    with FakeUpstream() as up:
        live_env = {**up.env(), **FAKE_KEYS}
        r = harness.pytest(project, env={**live_env, "TEST_MODE": "GOLDEN"})
        assert r.rc == 1 and len(up.requests) == 0
        assert harness.pytest(project, env={**live_env, "TEST_MODE": "LIVE"}).rc == 0 and len(up.requests) == 2
        # CASSETTE_STORE names the store as --cassette-store does.
        r = harness.pytest(project, env={**live_env, "TEST_MODE": "GOLDEN", "CASSETTE_STORE": harness.store}, store=False)
        assert r.rc == 0 and len(up.requests) == 2, r.output
        # record-missing, a product mode word
        r = harness.pytest(project, env={**live_env, "TEST_MODE": "record-missing", "PROMPT": "new"})
        assert r.rc == 0 and len(up.requests) == 3
        # LIVE_SMOKE: forwards and checks the answers; nothing is recorded.
        before = takes(harness, "test_mini.test_two")
        r = harness.pytest(project, env={**live_env, "TEST_MODE": "LIVE_SMOKE"})
        assert r.rc == 0, r.output
        assert len(up.requests) == 5 and takes(harness, "test_mini.test_two") == before
    # MOCK: synthetic answers, no store, no upstream.
    mock = harness.project("mock", MINI.replace('.startswith("echo: ")', "").replace(' == "echo: two"', ""))
    r = harness.pytest(mock, env={"TEST_MODE": "MOCK"}, store=False)
    assert r.rc == 0, r.output
    assert "mode mock (from TEST_MODE)" in r.output
