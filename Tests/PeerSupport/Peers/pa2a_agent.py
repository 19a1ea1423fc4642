#!/usr/bin/env python3
"""A real python-a2a 0.5.10 server (the legacy pre-0.2 dialect), on python-a2a's own Flask app.

Usage: pa2a_agent.py

Binds 127.0.0.1:0, prints ``PORT <n>``, then serves python-a2a's Flask app (built by
``python_a2a.server.http.create_flask_app``, exactly what ``run_server`` uses) with werkzeug's
threaded ``make_server`` on that socket, until SIGTERM.

Routes are python-a2a's: cards at /.well-known/agent.json, /agent.json, /a2a/agent.json;
POST /stream, /tasks/send, /tasks/get, /tasks/cancel, /tasks/stream, POST / and /a2a, ...

* ``POST /stream`` -> ``stream_response``: yields the input's words, each followed by ' ', pausing
  (0.05 s, or ``slow:<s>`` as the first word) after each yield. For inputs of two or more words the
  SECOND chunk is a dict ``{"content": "<word> ", "progress": 2/n}`` (python-a2a wraps it, so the
  SSE ``content`` is that dict); every other chunk is a plain string. Text ``fail`` (or
  ``fail:<msg>``) yields one word ("partial ") and then raises.
* ``POST /tasks/send`` -> ``handle_task``: the text upper-cased as one text artifact, state
  completed; for ``fail``/``fail:<msg>`` the task is ``failed`` with ``message: {"error": msg}``
  and one text artifact ``"Error: <msg>"`` (python-a2a's clients only read artifacts).
* ``POST /`` (raw native message) -> ``handle_message``: the text upper-cased.

python-a2a prints debug lines; they go to stderr (stdout carries only the PORT line).
"""

import asyncio
import os
import sys

# python-a2a prints while importing/serving; keep stdout clean until the PORT line.
_real_stdout = sys.stdout
sys.stdout = sys.stderr

from python_a2a import (A2AServer, Message, MessageRole, TaskState, TaskStatus,  # noqa: E402
                        TextContent)
from python_a2a.server.http import create_flask_app  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

sys.stdout = _real_stdout

import peer_common as pc  # noqa: E402


def message_text(m):
    """Text of a native ({"content":{"text"}}) or Google-style ({"parts":[...]}) message dict."""
    m = m or {}
    content = m.get("content")
    if isinstance(content, dict) and content.get("text"):
        return content["text"]
    return "".join(p.get("text", "") for p in m.get("parts", []) or []
                   if isinstance(p, dict) and p.get("type") == "text")


class PeerAgent(A2AServer):
    def handle_task(self, task):  # POST /tasks/send; must return the Task
        text = message_text(task.message)
        behaviour = pc.parse_behaviour(text)
        if behaviour.kind == "fail":
            task.artifacts = [{"parts": [{"type": "text", "text": "Error: " + behaviour.error}]}]
            task.status = TaskStatus(state=TaskState.FAILED, message={"error": behaviour.error})
            return task
        task.artifacts = [{"parts": [{"type": "text", "text": text.upper()}]}]
        task.status = TaskStatus(state=TaskState.COMPLETED)
        return task

    def handle_message(self, message):  # POST / with a raw native message
        text = getattr(message.content, "text", "") or ""
        return Message(content=TextContent(text=text.upper()), role=MessageRole.AGENT,
                       parent_message_id=message.message_id,
                       conversation_id=message.conversation_id)

    async def stream_response(self, message):  # POST /stream; receives a Message object
        text = getattr(message.content, "text", "") or ""
        behaviour = pc.parse_behaviour(text)
        if behaviour.kind == "fail":
            yield pc.FAIL_CHUNK
            await asyncio.sleep(pc.DEFAULT_DELAY)
            raise RuntimeError(behaviour.error)
        words = behaviour.words if behaviour.kind == "echo" else text.split() or ["(empty)"]
        n = len(words)
        for i, w in enumerate(words):
            if i == 1:
                yield {"content": w + " ", "progress": (i + 1) / n}
            else:
                yield w + " "
            await pc.pause_after(behaviour, i)  # a pause after each yield limits the tail race


def main():
    sock = pc.listen_socket()
    port = sock.getsockname()[1]
    agent = PeerAgent(url="http://127.0.0.1:%d" % port, name="pa2a-peer",
                      description="python-a2a 0.5.10 test peer")
    agent.agent_card.capabilities["streaming"] = True
    app = create_flask_app(agent)
    server = make_server("127.0.0.1", port, app, threaded=True, fd=sock.fileno())
    pc.announce(sock)
    pc.log("serving http://127.0.0.1:%d" % port)
    server.serve_forever()


if __name__ == "__main__":
    main()
