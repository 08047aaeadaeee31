"""The sample project: real httpx and requests clients through the proxy, one episode per test.

`SAMPLE_VARIANT` changes one prompt (`chat` or `swallow`) so a golden run can show which test misses.
"""

import asyncio
import os

import aiohttp
import pytest

import app
import conftest

VARIANT = os.environ.get("SAMPLE_VARIANT", "")


def test_base_url_set_before_import():
    assert conftest.MODULE_CLIENT_BASE_URL and conftest.MODULE_CLIENT_BASE_URL.endswith("/openai/v1")


def test_openai_chat(openai_http):
    prompt = "What is the capital of France?" if VARIANT != "chat" else "What is the capital of Italy?"
    assert app.ask_openai(openai_http, prompt).startswith("echo: What is the capital of")


def test_openai_stream():
    assert app.stream_openai("Count to three") == "echo: Count to three"


def test_anthropic_chat():
    assert app.ask_anthropic("Say hello") == "echo: Say hello"


def test_anthropic_stream():
    assert app.stream_anthropic("Stream a haiku") == "echo: Stream a haiku"


def test_tool_loop(openai_http):
    assert app.weather_agent(openai_http, "What is the weather in Paris?") == "The weather is sunny in Paris."


@pytest.mark.parametrize("topic", ["cats", "dogs", "owls"])
def test_parametrised(topic):
    assert app.ask_anthropic(f"One fact about {topic}") == f"echo: One fact about {topic}"


def test_swallows_errors():
    prompt = "Summarise the meeting" if VARIANT != "swallow" else "Summarise the meeting politely"
    # The application hides any failure; only the plugin can tell that the call missed.
    assert app.polite_summary(prompt)


@pytest.mark.cassette("shared-greeting")
def test_named_episode(cassette):
    assert cassette.name == "shared-greeting"
    assert app.ask_anthropic("Greetings") == "echo: Greetings"


def test_aiohttp():
    async def main():
        async with aiohttp.ClientSession() as s:
            async with s.post(os.environ["OPENAI_BASE_URL"] + "/chat/completions",
                              headers={"authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"},
                              json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "async hi"}]}) as r:
                r.raise_for_status()
                return (await r.json())["choices"][0]["message"]["content"]

    assert asyncio.run(main()) == "echo: async hi"


def test_cassette_fixture(cassette, openai_http):
    app.ask_openai(openai_http, "fixture check")
    r = cassette.results()
    assert r["hits"] + r["recorded"] == 1 and r["misses"] == 0
