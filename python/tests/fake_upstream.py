"""A small stdlib HTTP server on 127.0.0.1:0 standing in for OpenAI and Anthropic.

It speaks their JSON and SSE shapes, answers deterministically from the request (the same prompt
always gets the same answer), drives a tool loop (a request with tools gets a tool call; one whose
last message is a tool result gets the final answer), and counts the requests it received.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple


def _id(prefix: str, body: Dict[str, Any]) -> str:
    return prefix + hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", p.get("content", ""))) for p in content if isinstance(p, dict))
    return ""


def openai_answer(body: Dict[str, Any]) -> Tuple[str, List[Dict[str, Any]], str]:
    """(text, tool_calls, finish_reason) for a chat completions request."""
    messages = body.get("messages", [])
    last = messages[-1] if messages else {}
    if last.get("role") == "tool":
        return f"The weather is {last.get('content')}.", [], "stop"
    if body.get("tools"):
        city = _text_of(last.get("content")).split()[-1].strip("?.!") if last else "Paris"
        call = {
            "id": _id("call_", body)[:21],
            "type": "function",
            "function": {"name": body["tools"][0]["function"]["name"], "arguments": json.dumps({"city": city})},
        }
        return "", [call], "tool_calls"
    return f"echo: {_text_of(last.get('content'))}", [], "stop"


def sse(events: List[Tuple[str, Any]]) -> bytes:
    out = []
    for name, data in events:
        payload = data if isinstance(data, str) else json.dumps(data)
        out.append((f"event: {name}\n" if name else "") + f"data: {payload}\n\n")
    return "".join(out).encode()


class FakeUpstream:
    def __init__(self, drift: bool = False) -> None:
        """`drift`: chat completions answer in a shape the contract does not allow (smoke mode finds it)."""
        self.requests: List[Dict[str, Any]] = []
        self.drift = drift
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                upstream.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
                if self.path.endswith("/chat/completions"):
                    self._openai(body)
                elif self.path.endswith("/messages"):
                    self._anthropic(body)
                else:
                    self._send(404, "application/json", json.dumps({"error": {"message": f"no route {self.path}"}}).encode())

            def _send(self, status: int, ctype: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _openai(self, body: Dict[str, Any]) -> None:
                text, calls, finish = openai_answer(body)
                rid, model = _id("chatcmpl-", body), body.get("model", "gpt-4o-mini")
                usage = {"prompt_tokens": 12, "completion_tokens": max(1, len(text.split())), "total_tokens": 12 + max(1, len(text.split()))}
                if body.get("stream"):
                    chunk = lambda delta, fin=None: {  # noqa: E731
                        "id": rid, "object": "chat.completion.chunk", "created": 1700000000, "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": fin}],
                    }
                    events = [("", chunk({"role": "assistant", "content": ""}))]
                    events += [("", chunk({"content": w + " "})) for w in text.split()]
                    events += [("", chunk({}, finish)), ("", "[DONE]")]
                    self._send(200, "text/event-stream", sse(events))
                    return
                if upstream.drift:
                    self._send(200, "application/json", json.dumps({
                        "id": 42, "object": "chat.completion", "model": model,
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": ["not", "a", "string"]}}],
                    }).encode())
                    return
                message: Dict[str, Any] = {"role": "assistant", "content": text or None}
                if calls:
                    message["tool_calls"] = calls
                self._send(200, "application/json", json.dumps({
                    "id": rid, "object": "chat.completion", "created": 1700000000, "model": model,
                    "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage,
                }).encode())

            def _anthropic(self, body: Dict[str, Any]) -> None:
                messages = body.get("messages", [])
                text = f"echo: {_text_of(messages[-1].get('content')) if messages else ''}"
                rid, model = _id("msg_", body), body.get("model", "claude-3-5-haiku-latest")
                usage = {"input_tokens": 10, "output_tokens": max(1, len(text.split()))}
                if body.get("stream"):
                    events = [
                        ("message_start", {"type": "message_start", "message": {
                            "id": rid, "type": "message", "role": "assistant", "model": model, "content": [],
                            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 1}}}),
                        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
                    ]
                    events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                        "delta": {"type": "text_delta", "text": w + " "}}) for w in text.split()]
                    events += [
                        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
                        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                           "usage": {"output_tokens": usage["output_tokens"]}}),
                        ("message_stop", {"type": "message_stop"}),
                    ]
                    self._send(200, "text/event-stream", sse(events))
                    return
                self._send(200, "application/json", json.dumps({
                    "id": rid, "type": "message", "role": "assistant", "model": model,
                    "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None, "usage": usage,
                }).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeUpstream":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> Dict[str, str]:
        """Routes the proxy's openai and anthropic prefixes here (`cassette serve` reads these)."""
        return {"CASSETTE_UPSTREAM_OPENAI": self.url, "CASSETTE_UPSTREAM_ANTHROPIC": self.url}
