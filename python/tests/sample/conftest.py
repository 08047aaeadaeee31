import os

import httpx
import pytest

# Built at import time, before any test runs: the plugin has set OPENAI_BASE_URL already.
MODULE_CLIENT_BASE_URL = os.environ.get("OPENAI_BASE_URL")


@pytest.fixture
def openai_http():
    with httpx.Client(base_url=os.environ["OPENAI_BASE_URL"], timeout=30) as client:
        yield client
