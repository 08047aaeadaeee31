"""pytest plugin for llm-cassette (entry point `pytest11`: `llm_cassette`).

One proxy per pytest process (one per xdist worker), one episode per test, switched through the
proxy's control API before the test's fixtures run; after the test, what the proxy saw in that
episode decides: a miss, an unused recording (strict) or breaking drift (smoke) fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from .modes import (
    ModeError,
    PRODUCT_MODES,
    RECORD_MODES,
    check_episode_id,
    episode_name,
    normalize_mode,
    resolve_session_mode,
    server_mode,
)
from .proxy import CassetteError, CassetteProxy, find_cassette_bin

PLACEHOLDER_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY")
_EPISODE_KEY = pytest.StashKey["Episode"]() if hasattr(pytest, "StashKey") else None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("llm-cassette", "record/replay LLM API calls with llm-cassette")
    group.addoption("--cassette-mode", default=None, metavar="MODE",
                    help="golden | live | record-missing | passthrough | smoke | mock, or a TEST_MODE word "
                         "(MOCK, GOLDEN, LIVE_SMOKE, LIVE). Default: --record-mode, TEST_MODE, CASSETTE_MODE, golden.")
    try:
        group.addoption("--record-mode", default=None, choices=list(RECORD_MODES),
                        help="pytest-recording's words: none (golden), once (record episodes without a take), "
                             "new_episodes (record-missing), all (live), rewrite (a fresh take).")
    except ValueError:  # pytest-recording is installed and owns --record-mode: read its value.
        pass
    group.addoption("--cassette-bin", default=None, metavar="PATH",
                    help="the cassette command (env CASSETTE_BIN; default: PATH, then node_modules/.bin).")
    group.addoption("--cassette-url", default=None, metavar="URL",
                    help="use an already running proxy (http://127.0.0.1:PORT) instead of starting one.")
    group.addoption("--cassette-store", default=None, metavar="PATH",
                    help="store shared by the proxies (env CASSETTE_STORE; default: the CLI's, cassettes/cassettes.db).")
    group.addoption("--cassette-strict", action="store_true", default=None,
                    help="recordings a test did not use fail it; a repeated call past its recordings misses.")
    group.addoption("--cassette-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for `cassette serve` (repeatable), e.g. --cassette-arg=--config=ci.json")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cassette(name=None, *, mode=None, record_mode=None, strict=None): the test's episode name "
        "(default: from its node id) and its own mode.",
    )
    config.addinivalue_line(
        "markers",
        "cassette_chaos(rate=1.0, faults='429,500,529', seed=0): inject faults into this test's episode.",
    )
    if _skip(config):
        return
    plugin = config.pluginmanager.get_plugin("llm_cassette_session")
    if plugin is None:
        plugin = CassetteSession(config)
        config.pluginmanager.register(plugin, "llm_cassette_session")
    plugin.start()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: List[str]) -> None:
    """Starts the proxy before the first conftest is imported, so its clients see the base URLs."""
    ns = early_config.known_args_namespace
    if getattr(ns, "help", False) or getattr(ns, "version", False) or _is_xdist_controller(early_config, ns):
        return
    plugin = CassetteSession(early_config, ns)
    early_config.pluginmanager.register(plugin, "llm_cassette_session")
    plugin.start()


def _skip(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "help", False) or getattr(config.option, "version", False))


def _is_xdist_controller(config: pytest.Config, ns: Any = None) -> bool:
    if _is_xdist_worker(config):
        return False
    ns = ns if ns is not None else config.option
    # xdist turns `--dist no` into `load` only later (pytest_cmdline_main): `-n N` alone decides.
    return bool(getattr(ns, "numprocesses", None))


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput") or "PYTEST_XDIST_WORKER" in os.environ


class Episode:
    """The current test's episode: what the `cassette` fixture returns."""

    def __init__(self, session: "CassetteSession", name: str, mode: str, requested: str,
                 strict: bool, recordings: Optional[int], baseline: Dict[str, Any]):
        self._session = session
        self.name = name
        #: The mode the proxy serves this episode in (`once` has become golden or live).
        self.mode = mode
        #: The mode the test asked for (`once`, `rewrite`, or a product mode).
        self.requested_mode = requested
        self.strict = strict
        #: Replayable recordings the episode had when the test started (None when not asked).
        self.recordings = recordings
        self._baseline = baseline
        self._final: Optional[Dict[str, Any]] = None

    def results(self) -> Dict[str, Any]:
        """What the proxy served in this episode so far: hits, misses, recorded, forwarded, faults,
        unused, miss_list, drift, tokens, cost_usd."""
        if self._final is not None:
            return self._final
        return _delta(self._baseline, self._session.proxy.stats(), self.name)

    def finish(self) -> Dict[str, Any]:
        self._final = None
        self._final = self.results()
        return self._final

    hits = property(lambda self: self.results()["hits"])
    misses = property(lambda self: self.results()["misses"])
    recorded = property(lambda self: self.results()["recorded"])
    unused = property(lambda self: self.results()["unused"])
    cost_usd = property(lambda self: self.results()["cost_usd"])

    def __repr__(self) -> str:
        return f"<cassette episode {self.name!r} mode={self.mode}>"


def _delta(before: Dict[str, Any], after: Dict[str, Any], episode: str) -> Dict[str, Any]:
    counts = {k: after.get(k, 0) - before.get(k, 0) for k in ("requests", "hits", "misses", "recorded", "forwarded", "refused", "faults")}
    miss_list = [m for m in after.get("missList", [])[len(before.get("missList", [])):] if m.get("episode") == episode]
    tokens_after, tokens_before = after.get("tokens", {}), before.get("tokens", {})
    return {
        **counts,
        "unused": [u for u in after.get("unused", []) if u.get("episode") == episode],
        "miss_list": miss_list,
        "drift": after.get("drift", [])[len(before.get("drift", [])):],
        "divergences": [d for d in after.get("divergences", []) if d.get("episode") == episode],
        "tokens": {k: tokens_after.get(k, 0) - tokens_before.get(k, 0) for k in ("input", "output")},
        "cost_usd": round(after.get("costUsd", 0) - before.get("costUsd", 0), 6),
    }


class CassetteSession:
    """The plugin's state in one pytest process."""

    def __init__(self, config: pytest.Config, ns: Any = None):
        self.config = config
        self._ns = ns
        self.proxy: Optional[CassetteProxy] = None
        self.mode = "golden"
        self.mode_source = "default"
        self.strict = False
        self.server_mode = "golden"
        self._moded: set = set()
        self._chaos: set = set()
        self._summaries: List[Dict[str, Any]] = []
        self._failed = False

    def _opt(self, name: str) -> Any:
        if self._ns is not None:
            return getattr(self._ns, name, None)
        return self.config.getoption(name, None)

    def start(self) -> None:
        if self.proxy is not None or self._failed:
            return
        if self._ns is None and _is_xdist_controller(self.config):
            return
        try:
            self._start()
        except (ModeError, CassetteError, ValueError) as err:
            self._failed = True
            raise pytest.UsageError(f"llm-cassette: {err}") from None

    def _start(self) -> None:
        record_mode = self._opt("record_mode")
        self.mode, self.mode_source = resolve_session_mode(self._opt("cassette_mode"), record_mode, os.environ)
        self.strict = bool(self._opt("cassette_strict"))
        url = self._opt("cassette_url") or None
        if url:
            self.proxy = CassetteProxy.attach(url, os.environ.get("CASSETTE_AUTH_TOKEN"))
            self.server_mode = self.proxy.mode
            if self.mode_source == "default":
                self.mode = self.server_mode
        else:
            root = Path(str(self.config.invocation_params.dir))
            command = find_cassette_bin(self._opt("cassette_bin") or os.environ.get("CASSETTE_BIN"), [root, Path.cwd()])
            store = self._opt("cassette_store") or os.environ.get("CASSETTE_STORE") or None
            self.server_mode = server_mode(self.mode)
            env = {k: v for k, v in os.environ.items() if k not in ("CASSETTE_MODE", "TEST_MODE", "CASSETTE_EPISODE")}
            self.proxy = CassetteProxy.start(
                command, self.server_mode, store, self.strict, cwd=str(root),
                extra_args=self._opt("cassette_arg") or [], env=env,
            )
        os.environ.update(self.proxy.env)
        # The names LiteLLM and openai<1.0 read, pointing at the same place.
        for alias, name in (("OPENAI_API_BASE", "OPENAI_BASE_URL"), ("ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL")):
            if name in self.proxy.env:
                os.environ[alias] = self.proxy.env[name]
        if self.mode in ("golden", "mock", "once"):
            # SDKs refuse to build a client without a key; replay never sends one upstream.
            for key in PLACEHOLDER_KEYS:
                os.environ.setdefault(key, "cassette-placeholder-key")

    # per test ---------------------------------------------------------------------------------

    def begin(self, item: pytest.Item) -> Episode:
        assert self.proxy is not None
        marker = item.get_closest_marker("cassette")
        name = None
        mode = self.mode
        strict = self.strict
        if marker is not None:
            name = marker.kwargs.get("name") or (marker.args[0] if marker.args else None)
            if marker.kwargs.get("mode"):
                mode = normalize_mode(str(marker.kwargs["mode"]), f"{item.nodeid}: @pytest.mark.cassette(mode=...)")
            if marker.kwargs.get("record_mode"):
                rm = str(marker.kwargs["record_mode"]).lower()
                if rm not in RECORD_MODES:
                    raise ModeError(f"{item.nodeid}: @pytest.mark.cassette(record_mode={rm!r}): use one of {', '.join(RECORD_MODES)}")
                mode = RECORD_MODES[rm]
            if marker.kwargs.get("strict") is not None:
                strict = bool(marker.kwargs["strict"])
        if name:
            callspec = getattr(item, "callspec", None)
            if callspec is not None and getattr(callspec, "id", None):
                name = f"{name}-{episode_name(callspec.id)}"
            episode = check_episode_id(str(name), f"{item.nodeid}: @pytest.mark.cassette")
        else:
            episode = episode_name(item.nodeid)

        chaos: Any = ...
        chaos_marker = item.get_closest_marker("cassette_chaos")
        if chaos_marker is not None:
            kw = dict(chaos_marker.kwargs)
            if chaos_marker.args:
                kw.setdefault("rate", chaos_marker.args[0])
            chaos = {"rate": float(kw.get("rate", 1.0)), "faults": str(kw.get("faults", "429,500,529")), "seed": int(kw.get("seed", 0))}
            self._chaos.add(episode)
        elif episode in self._chaos:
            chaos = None
            self._chaos.discard(episode)

        recordings = None
        if mode == "once":
            answer = self.proxy.switch(episode, mode="golden", chaos=chaos)
            recordings = answer.get("recordings")
            served = "golden"
            if not recordings:
                answer = self.proxy.switch(episode, mode="live", chaos=chaos)
                served = "live"
            self._moded.add(episode)
        elif mode == "rewrite":
            self.proxy.switch(episode, mode="live", fresh_take=True, chaos=chaos)
            served = "live"
            self._moded.add(episode)
        elif mode != self.server_mode or episode in self._moded:
            answer = self.proxy.switch(episode, mode=mode, chaos=chaos)
            recordings = answer.get("recordings")
            served = mode
            if mode == self.server_mode:
                self._moded.discard(episode)
            else:
                self._moded.add(episode)
        else:
            self.proxy.switch(episode, chaos=chaos)
            served = mode
        ep = Episode(self, episode, served, mode, strict, recordings, self.proxy.stats())
        item.user_properties.append(("cassette_episode", episode))
        return ep

    def check(self, item: pytest.Item, ep: Episode, failed: Optional[BaseException]) -> Optional[BaseException]:
        """The exception the test should fail with, or None."""
        r = ep.finish()
        lines: List[str] = []
        if r["miss_list"] or r["misses"]:
            for m in r["miss_list"] or [{"message": f"{r['misses']} request(s) missed in episode {ep.name!r}"}]:
                lines.append(m["message"])
            lines.append(
                f"(test {item.nodeid}, episode {ep.name!r}, mode {ep.mode}; to record it: "
                f"pytest --record-mode=new_episodes {item.nodeid})"
            )
            return AssertionError("\n".join(lines))
        breaking = [d for d in r["drift"] if d.get("severity") == "breaking"]
        if breaking:
            found = "\n".join(
                f"  {d.get('severity')} {d.get('check')} at {d.get('path')} ({d.get('provider')}): {d.get('message', '')}".rstrip(": ")
                for d in breaking
            )
            return AssertionError(f"contract drift in episode {ep.name!r} (smoke mode):\n{found}")
        if ep.strict and (r["unused"] or r["divergences"]) and failed is None:
            unused = "\n".join(
                f"  step {u.get('position')}: {u.get('provider')} {u.get('method')} {u.get('path')} (take {u.get('take')})"
                for u in r["unused"]
            )
            div = "\n".join(f"  {d.get('message')}" for d in r["divergences"])
            return AssertionError(
                f"strict: episode {ep.name!r} has recordings this test did not use:\n{unused}" + (f"\n{div}" if div else "")
            )
        other = [d for d in r["drift"] if d.get("severity") != "breaking"]
        if other:
            item.add_report_section("call", "cassette drift", "\n".join(str(d) for d in other))
        return None

    # hooks ------------------------------------------------------------------------------------

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item):
        if self.proxy is not None:
            try:
                ep = self.begin(item)
            except (ModeError, ValueError, CassetteError) as err:
                pytest.fail(f"llm-cassette: {err}", pytrace=False)
            _set_episode(item, ep)
        yield

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """After the call phase, what the proxy saw in the episode may turn the result into a failure."""
        ep = _get_episode(item) if call.when == "call" else None
        if ep is not None and self.proxy is not None:
            original = call.excinfo.value if call.excinfo is not None else None
            if not isinstance(original, (pytest.skip.Exception, pytest.xfail.Exception)):
                try:
                    problem = self.check(item, ep, original)
                except CassetteError as err:
                    problem = AssertionError(f"llm-cassette: {err}")
                if problem is not None:
                    call.excinfo = _raised(problem, original)
        yield

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.proxy is None:
            return
        summary = self.proxy.stop()
        if summary is not None:
            summary = {**summary, "url": self.proxy.url, "startedHere": self.proxy.started_here}
            self._summaries.append(summary)
            workeroutput = getattr(self.config, "workeroutput", None)
            if workeroutput is not None:
                workeroutput["llm_cassette"] = summary
        self.proxy = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        summary = getattr(node, "workeroutput", {}).get("llm_cassette")
        if summary:
            self._summaries.append(summary)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self._summaries:
            return
        tr = terminalreporter
        tr.section("llm-cassette")
        total = {k: sum(s.get(k, 0) for s in self._summaries) for k in ("requests", "hits", "misses", "recorded", "forwarded", "refused", "faults")}
        unused = sum(len(s.get("unused", [])) for s in self._summaries)
        cost = sum(s.get("costUsd", 0) for s in self._summaries)
        saved = sum(s.get("saved", {}).get("costUsd", 0) for s in self._summaries)
        first = self._summaries[0]
        procs = f"{len(self._summaries)} proxies" if len(self._summaries) > 1 else "proxy"
        tr.write_line(f"{procs} mode {self.mode} (from {self.mode_source}), store {first.get('store')}")
        tr.write_line(
            f"requests {total['requests']}: hits {total['hits']}, misses {total['misses']}, recorded {total['recorded']}, "
            f"forwarded {total['forwarded']}, refused {total['refused']}, faults {total['faults']}, unused recordings {unused}"
        )
        tr.write_line(f"cost ${cost:.6f} spent, ${saved:.6f} saved by replay")
        for s in self._summaries:
            for m in s.get("missList", [])[:20]:
                tr.write_line(f"miss: {m.get('message')}")
        drift = [d for s in self._summaries for d in s.get("drift", [])]
        for d in drift[:20]:
            tr.write_line(f"drift: {d.get('severity')} {d.get('check')} at {d.get('path')} ({d.get('provider')})")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.proxy is not None:  # interrupted before sessionfinish
            self.proxy.stop()
            self.proxy = None


class ProxyHandle:
    """What the `cassette_proxy` fixture returns."""

    def __init__(self, session: CassetteSession):
        self._session = session
        proxy = session.proxy
        assert proxy is not None
        self.url = proxy.url
        self.env = dict(proxy.env)
        self.mode = session.mode
        self.server_mode = session.server_mode
        self.store = proxy.store

    def control(self, method: str, name: str, body: Any = None) -> Any:
        """Any control request, e.g. control("GET", "health")."""
        assert self._session.proxy is not None
        return self._session.proxy.control.request(method, name, body)

    def stats(self) -> Dict[str, Any]:
        return self.control("GET", "stats")

    def chaos(self, rate: float = 1.0, faults: str = "429,500,529", seed: int = 0, episode: Optional[str] = None) -> None:
        """Turns chaos on for an episode (default: the current one; it starts afresh). Off again with rate=0."""
        assert self._session.proxy is not None
        name = episode or self.control("GET", "episode")["id"]
        self._session.proxy.switch(name, chaos={"rate": float(rate), "faults": faults, "seed": int(seed)} if rate else None)
        self._session._chaos.add(name)

    def base_url(self, provider: str, episode: Optional[str] = None) -> str:
        """A provider's base URL, optionally scoped to an episode (`/episodes/<id>/...`)."""
        key = {"openai": "OPENAI_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL", "gemini": "GOOGLE_GEMINI_BASE_URL",
               "openrouter": "OPENROUTER_BASE_URL"}.get(provider, f"{provider.upper()}_BASE_URL")
        url = self.env.get(key) or f"{self.url}/{provider}"
        if episode:
            check_episode_id(episode, "base_url(episode=...)")
            url = self.url + f"/episodes/{episode}" + url[len(self.url):]
        return url


def _raised(problem: BaseException, cause: Optional[BaseException]) -> Any:
    """An ExceptionInfo of `problem` whose only frame is hidden: the report shows the message."""
    __tracebackhide__ = True
    try:
        raise problem from cause
    except BaseException:
        return pytest.ExceptionInfo.from_current()


def _set_episode(item: pytest.Item, ep: Episode) -> None:
    if _EPISODE_KEY is not None:
        item.stash[_EPISODE_KEY] = ep
    else:
        item._llm_cassette_episode = ep  # type: ignore[attr-defined]


def _get_episode(item: Any) -> Optional[Episode]:
    if _EPISODE_KEY is not None:
        return item.stash.get(_EPISODE_KEY, None)
    return getattr(item, "_llm_cassette_episode", None)


def _session(config: pytest.Config) -> Optional[CassetteSession]:
    return config.pluginmanager.get_plugin("llm_cassette_session")


@pytest.fixture
def cassette(request: pytest.FixtureRequest) -> Episode:
    """The current test's episode: name, mode, results() (hits, misses, recorded, unused, cost)."""
    ep = _get_episode(request.node)
    if ep is None:
        pytest.skip("llm-cassette: no proxy in this process")
    return ep


@pytest.fixture
def cassette_proxy(request: pytest.FixtureRequest) -> ProxyHandle:
    """The proxy: url, env, mode, stats(), control(), chaos() for the current episode."""
    session = _session(request.config)
    if session is None or session.proxy is None:
        pytest.skip("llm-cassette: no proxy in this process")
    return ProxyHandle(session)


__all__ = ["Episode", "CassetteSession", "ProxyHandle", "PRODUCT_MODES", "cassette", "cassette_proxy"]
