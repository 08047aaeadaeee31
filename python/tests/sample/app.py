"""The application under test: a few LLM calls made with the clients Python users have."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List

import httpx
import requests

OPENAI_MODEL = "gpt-4o-mini"
ANTHROPIC_MODEL = "claude-3-5-haiku-latest"


def _openai_headers() -> Dict[str, str]:
    return {"authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"}


def _anthropic_headers() -> Dict[str, str]:
    return {"x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01"}


def ask_openai(client: httpx.Client, prompt: str) -> str:
    r = client.post("/chat/completions", headers=_openai_headers(),
                    json={"model": OPENAI_MODEL, "messages": [{"role": "user", "content": prompt}]})
    r.raise_for_status()
    return r.json()["choices"][0]["message"]["content"]


def stream_openai(prompt: str) -> str:
    """SSE streaming with httpx: the deltas joined."""
    parts: List[str] = []
    body = {"model": OPENAI_MODEL, "stream": True, "messages": [{"role": "user", "content": prompt}]}
    with httpx.stream("POST", os.environ["OPENAI_BASE_URL"] + "/chat/completions", headers=_openai_headers(), json=body) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            line = line.rstrip("\r\n")  # httpx < 0.24 keeps the newline
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            delta = json.loads(line[6:])["choices"][0]["delta"]
            parts.append(delta.get("content") or "")
    return "".join(parts).strip()


def ask_anthropic(prompt: str) -> str:
    r = requests.post(os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages", headers=_anthropic_headers(), timeout=30,
                      json={"model": ANTHROPIC_MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": prompt}]})
    r.raise_for_status()
    return r.json()["content"][0]["text"]


def stream_anthropic(prompt: str) -> str:
    """SSE streaming with requests."""
    body = {"model": ANTHROPIC_MODEL, "max_tokens": 64, "stream": True, "messages": [{"role": "user", "content": prompt}]}
    parts: List[str] = []
    with requests.post(os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages", headers=_anthropic_headers(), json=body,
                       stream=True, timeout=30) as r:
        r.raise_for_status()
        for line in r.iter_lines(decode_unicode=True):
            if line and line.startswith("data: "):
                event = json.loads(line[6:])
                if event.get("type") == "content_block_delta":
                    parts.append(event["delta"]["text"])
    return "".join(parts).strip()


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather of a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def weather_agent(client: httpx.Client, question: str) -> str:
    """A tool loop: call the model, run the tools it asks for, until it answers."""
    messages: List[Dict[str, Any]] = [{"role": "user", "content": question}]
    for _ in range(5):
        r = client.post("/chat/completions", headers=_openai_headers(),
                        json={"model": OPENAI_MODEL, "messages": messages, "tools": [WEATHER_TOOL]})
        r.raise_for_status()
        choice = r.json()["choices"][0]
        if choice["finish_reason"] != "tool_calls":
            return choice["message"]["content"]
        messages.append(choice["message"])
        for call in choice["message"]["tool_calls"]:
            city = json.loads(call["function"]["arguments"])["city"]
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": f"sunny in {city}"})
    raise RuntimeError("the agent did not finish")


def polite_summary(prompt: str) -> str:
    """Swallows every error: the kind of code that hides a cassette miss from the test."""
    try:
        return ask_anthropic(prompt)
    except Exception:  # noqa: BLE001
        return "Sorry, the assistant is unavailable."
