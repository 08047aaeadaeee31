"""llm-cassette for Python: the pytest plugin lives in `llm_cassette.pytest_plugin`."""

from .modes import episode_name, normalize_mode, resolve_session_mode
from .proxy import CassetteError, CassetteProxy, find_cassette_bin

__version__ = "0.1.0"
__all__ = ["CassetteError", "CassetteProxy", "episode_name", "find_cassette_bin", "normalize_mode", "resolve_session_mode"]
