"""Mode words and episode names: pure functions, no I/O."""

from __future__ import annotations

import hashlib
import re
from typing import Mapping, Optional

#: The proxy's own modes (`cassette serve --mode`).
PRODUCT_MODES = ("golden", "live", "record-missing", "passthrough", "smoke", "mock")

#: pytest-recording's `--record-mode` words and what they become here. `once` and `rewrite` are
#: decided per episode: `once` records only an episode without a take, `rewrite` always opens a
#: fresh take.
RECORD_MODES = {
    "none": "golden",
    "once": "once",
    "new_episodes": "record-missing",
    "all": "live",
    "rewrite": "rewrite",
}

#: `TEST_MODE` words of the test strategies teams already write.
TEST_MODES = {
    "MOCK": "mock",
    "GOLDEN": "golden",
    "LIVE_SMOKE": "smoke",
    "LIVE": "live",
    "SMOKE": "smoke",
    "RECORD": "live",
    "RECORD_MISSING": "record-missing",
    "PASSTHROUGH": "passthrough",
}

#: Every mode a test can run in: the product's modes plus `once` and `rewrite`.
PLUGIN_MODES = PRODUCT_MODES + ("once", "rewrite")

EPISODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class ModeError(ValueError):
    """A mode word nobody knows; the message lists the accepted ones."""


def normalize_mode(word: str, source: str) -> str:
    """A product mode, a `TEST_MODE` word or a `--record-mode` word, as a plugin mode."""
    w = word.strip()
    if w in PLUGIN_MODES:
        return w
    if w.upper().replace("-", "_") in TEST_MODES:
        return TEST_MODES[w.upper().replace("-", "_")]
    if w.lower() in RECORD_MODES:
        return RECORD_MODES[w.lower()]
    raise ModeError(
        f"{source}: unknown mode {word!r}; use one of {', '.join(PRODUCT_MODES)}, "
        f"TEST_MODE words {', '.join(sorted(TEST_MODES))}, "
        f"or --record-mode words {', '.join(RECORD_MODES)}"
    )


def resolve_session_mode(
    cassette_mode: Optional[str], record_mode: Optional[str], env: Mapping[str, str]
) -> tuple[str, str]:
    """The session's plugin mode and where it came from.

    Precedence: `--cassette-mode`, `--record-mode`, `TEST_MODE`, `CASSETTE_MODE`, else golden.
    """
    if cassette_mode:
        return normalize_mode(cassette_mode, "--cassette-mode"), "--cassette-mode"
    if record_mode:
        if record_mode.lower() not in RECORD_MODES:
            raise ModeError(f"--record-mode: unknown value {record_mode!r}; use one of {', '.join(RECORD_MODES)}")
        return RECORD_MODES[record_mode.lower()], "--record-mode"
    for name in ("TEST_MODE", "CASSETTE_MODE"):
        if env.get(name):
            return normalize_mode(env[name], name), name
    return "golden", "default"


def server_mode(plugin_mode: str) -> str:
    """The mode the proxy is started in for a session in `plugin_mode`."""
    return {"once": "golden", "rewrite": "live"}.get(plugin_mode, plugin_mode)


def forwards(plugin_mode: str) -> bool:
    """Whether a mode may open a connection to the upstream."""
    return plugin_mode not in ("golden", "mock")


def episode_name(nodeid: str) -> str:
    """A stable episode id for a pytest node id, within `[A-Za-z0-9][A-Za-z0-9._-]{0,127}`.

    `tests/test_chat.py::TestX::test_y[gpt-4o-0.2]` becomes `tests.test_chat.TestX.test_y-gpt-4o-0.2`;
    a name over 128 characters keeps its head and ends in a hash of the whole node id.
    """
    s = nodeid.replace("\\", "/")
    s = re.sub(r"\.py(?=::|$)", "", s)
    s = s.replace("::", ".").replace("/", ".").replace("[", "-").replace("]", "")
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", s)
    s = s.lstrip("._-") or "test"
    if len(s) > 128:
        digest = hashlib.sha1(nodeid.encode("utf-8")).hexdigest()[:10]
        s = s[:117].rstrip("._-") + "-" + digest
    return s


def check_episode_id(name: str, source: str) -> str:
    if not EPISODE_ID.match(name):
        raise ValueError(
            f"{source}: episode id {name!r} is outside [A-Za-z0-9][A-Za-z0-9._-]{{0,127}}"
        )
    return name
