#!/usr/bin/env python3
"""The real python-a2a 0.5.10 clients, for interop tests of a server.

Usage: pa2a_client.py URL TEXT --mode a2aclient|streaming|ask [--timeout SECONDS]

* ``a2aclient``: ``A2AClient(URL).stream_response(msg)`` (GETs the .well-known/agent.json card,
  POSTs ``URL/stream``). It yields strings (a non-empty string ``content``) or dicts; each is
  printed as one line: a dict as itself, a string ``s`` as ``{"text": s}``.
* ``streaming``: ``StreamingClient(URL, timeout=T).stream_response(msg)`` (GETs URL/agent.json,
  POSTs ``URL/stream``; on ``event: error`` or its total timeout it re-POSTs the message to
  ``URL``). Each yielded item is printed the same way (they are normally envelope dicts
  ``{"content", "index", "append"[, "lastChunk"]}``).
* ``ask``: ``A2AClient(URL).ask(TEXT)`` (JSON-RPC ``tasks/send`` to ``URL/tasks/send`` and its
  fallbacks); prints ``{"text": <reply>}``. Note that python-a2a *returns* failures as text.

stdout carries only those JSON lines (python-a2a's own prints are sent to stderr).
Exit 0 on success; on any exception prints one line ``ERROR <type>: <message>`` and exits 1.
"""

import argparse
import asyncio
import json
import os
import sys

# Keep a private handle on the real stdout; everything python-a2a prints goes to stderr.
_out = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

from python_a2a import A2AClient, Message, MessageRole, StreamingClient, TextContent  # noqa: E402


def emit(item):
    obj = item if isinstance(item, dict) else {"text": item if isinstance(item, str) else repr(item)}
    _out.write(json.dumps(obj, separators=(",", ":"), sort_keys=True, default=str) + "\n")
    _out.flush()


async def stream(client, text):
    msg = Message(content=TextContent(text=text), role=MessageRole.USER)
    async for chunk in client.stream_response(msg):
        emit(chunk)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("text")
    p.add_argument("--mode", choices=("a2aclient", "streaming", "ask"), required=True)
    p.add_argument("--timeout", type=int, default=120)
    args = p.parse_args()
    try:
        if args.mode == "a2aclient":
            asyncio.run(stream(A2AClient(args.url, timeout=args.timeout), args.text))
        elif args.mode == "streaming":
            asyncio.run(stream(StreamingClient(args.url, timeout=args.timeout), args.text))
        else:
            emit({"text": A2AClient(args.url, timeout=args.timeout).ask(args.text)})
    except BaseException as e:  # noqa: BLE001 - report everything as one ERROR line
        if isinstance(e, SystemExit):
            raise
        _out.write("ERROR %s: %s\n" % (type(e).__name__, str(e).replace("\n", " ")))
        _out.flush()
        sys.exit(1)


if __name__ == "__main__":
    main()
