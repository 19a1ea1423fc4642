#!/usr/bin/env python3
"""A streaming agent written with python-a2a 0.5.10 (its own dialect: POST /stream, /tasks/send).

The python-a2a streaming wiki's demo agents, made to work with the real package (--mode):

  tokens      streams its input back one word at a time, like an LLM (default)
  progress    yields progress chunks {"content": "...", "progress": 0..1}, then the input
  structured  yields chunks with metadata: {"content": "...", "meta": {"type": "data", ...}}
  critic      reads notes (one per line) and streams a short critique of them; the
              `critique` stage of examples/pipelines/launched.yaml

POST /tasks/send (non-streaming) answers with the whole output as one artifact.

Usage: pa2a_agent.py --port 9102 [--mode critic] [--delay 0.05]
Needs: pip install python-a2a==0.5.10   (see examples/README.md)
Facts about the real package (a2a-wire.md section 8): `url=` is mandatory; `@agent` would reset
streaming to false, so the card's flag is set after construction; stream_response receives a
Message; the end of the SSE body is the only reliable end of a stream.
"""

import argparse
import asyncio
import sys

_stdout, sys.stdout = sys.stdout, sys.stderr  # python-a2a prints while importing
from python_a2a import A2AServer, TaskState, TaskStatus, run_server  # noqa: E402
sys.stdout = _stdout


def message_text(m):
    """Text of a native ({"content": {"text"}}) or Google-style ({"parts": [...]}) message dict."""
    m = m or {}
    content = m.get("content")
    if isinstance(content, dict) and content.get("text"):
        return content["text"]
    return "".join(p.get("text", "") for p in m.get("parts", []) or []
                   if isinstance(p, dict) and p.get("type") == "text")


def critique(text):
    notes = [l.strip() for l in (text or "").splitlines() if l.strip()]
    if not notes:
        return "Nothing to critique."
    longest = max(notes, key=len)
    out = ["Critique of %d notes." % len(notes),
           "The longest note (%d characters) may need trimming: %s" % (len(longest), longest[:80]),
           "Check that every note names its source."]
    return "\n".join(out)


class StreamingAgent(A2AServer):
    def __init__(self, mode, delay, **kwargs):
        super().__init__(**kwargs)
        self.mode, self.delay = mode, delay

    def output(self, text):
        return critique(text) if self.mode == "critic" else (text or "(empty input)")

    def handle_task(self, task):  # POST /tasks/send: must return the Task
        text = message_text(task.message)
        task.artifacts = [{"parts": [{"type": "text", "text": self.output(text)}]}]
        task.status = TaskStatus(state=TaskState.COMPLETED)
        return task

    async def stream_response(self, message):  # POST /stream: receives a Message object
        text = getattr(message.content, "text", "") or ""
        words = [w + " " for w in self.output(text).split(" ")]
        n = len(words)
        if self.mode == "structured":
            yield {"content": "", "meta": {"type": "header", "total_items": n}}
        for i, w in enumerate(words):
            if self.mode == "progress":
                yield {"content": w, "progress": (i + 1) / n}
            elif self.mode == "structured":
                yield {"content": w, "meta": {"type": "data", "item_number": i + 1, "total_items": n}}
            else:
                yield w
            await asyncio.sleep(self.delay)  # a pause after each yield lets the chunk reach the client
        if self.mode == "structured":
            yield {"content": "", "meta": {"type": "footer", "status": "complete"}}
            await asyncio.sleep(self.delay)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=9102)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--mode", choices=["tokens", "progress", "structured", "critic"], default="tokens")
    p.add_argument("--delay", type=float, default=0.05)
    args = p.parse_args()
    agent = StreamingAgent(args.mode, args.delay, url="http://%s:%d" % (args.host, args.port),
                           name="pa2a-%s" % args.mode, description="python-a2a 0.5.10 example agent (%s)" % args.mode)
    agent.agent_card.capabilities["streaming"] = True
    print("serving %s agent at http://%s:%d" % (args.mode, args.host, args.port), file=sys.stderr, flush=True)
    run_server(agent, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
