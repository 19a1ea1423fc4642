#!/usr/bin/env python3
"""Streams one message with python-a2a 0.5.10's StreamingClient (POST /stream) and prints each
chunk's text as it arrives, with its progress and `meta` on stderr. Works against python-a2a
agents and against a2a-pipe (`a2a-pipe agent NAME` or `a2a-pipe serve FILE`), which serve the
python-a2a routes too.

Usage: pa2a_client.py URL TEXT [--tasks-send]
  --tasks-send  use the non-streaming A2AClient (POST /tasks/send) instead
  e.g. examples/agents/run.sh ../clients/pa2a_client.py http://127.0.0.1:9102 "hello"

Facts about the real package: chunks are dicts ({"content", "index", "append"[, "lastChunk"]
[, "meta"]}), and a chunk's content may itself be a dict; the default total timeout is 30 s.
"""

import asyncio
import sys

_stdout, sys.stdout = sys.stdout, sys.stderr  # python-a2a prints while importing
from python_a2a import A2AClient, Message, MessageRole, StreamingClient, TextContent  # noqa: E402
sys.stdout = _stdout


def text_and_meta(chunk):
    if not isinstance(chunk, dict):
        return str(chunk), {}
    content, meta = chunk.get("content", ""), dict(chunk.get("meta") or {})
    if isinstance(content, dict):  # a structured chunk: {"content": "...", "progress": ...}
        meta.update({k: v for k, v in content.items() if k not in ("content", "text", "meta")})
        meta.update(content.get("meta") or {})
        content = content.get("content", content.get("text", ""))
    return str(content), meta


async def stream(url, text):
    client = StreamingClient(url, timeout=300)
    msg = Message(content=TextContent(text=text), role=MessageRole.USER)
    async for chunk in client.stream_response(msg):
        content, meta = text_and_meta(chunk)
        sys.stdout.write(content)
        sys.stdout.flush()
        if meta:
            print("\n[meta %s]" % meta, file=sys.stderr)
    print()


def tasks_send(url, text):
    client = A2AClient(url)
    print(client.ask(text))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    if "--tasks-send" in sys.argv:
        tasks_send(*args)
    else:
        asyncio.run(stream(*args))
