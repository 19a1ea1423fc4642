#!/usr/bin/env python3
"""A real a2a-sdk 0.3.26 server (pure A2A 0.3, JSON-RPC on ``/``).

Usage: sdk03_agent.py

Binds 127.0.0.1:0, prints ``PORT <n>``, serves until SIGTERM. Behaviour is chosen by the user's
text; see peer_common.py. Env: ``PEER_CANCEL_LOG`` (file to append cancelled task ids to).
The card is served at /.well-known/agent-card.json and /.well-known/agent.json.
"""

import asyncio
import sys

import uvicorn

from a2a.server.agent_execution import AgentExecutor
from a2a.server.apps import A2AStarletteApplication
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentSkill, Part, TaskState, TextPart
from a2a.utils import new_agent_text_message, new_task

import peer_common as pc


def text_part(text):
    return Part(root=TextPart(text=text))


class PeerExecutor(AgentExecutor):
    def __init__(self):
        self.cancelled: dict[str, asyncio.Event] = {}

    def _flag(self, task_id):
        return self.cancelled.setdefault(task_id, asyncio.Event())

    async def execute(self, ctx, q):
        text = ctx.get_user_input()
        existing = ctx.current_task
        behaviour = pc.parse_behaviour(text)

        if existing is None and behaviour.kind == "message":
            await q.enqueue_event(new_agent_text_message(pc.DIRECT_MESSAGE, ctx.context_id,
                                                         ctx.task_id))
            return

        task = existing or new_task(ctx.message)
        if existing is None:  # the Task first
            await q.enqueue_event(task)
        up = TaskUpdater(q, task.id, task.context_id)
        flag = self._flag(task.id)
        await up.start_work()

        if existing is not None:  # follow-up on an input-required task ("ask")
            await self._echo(up, pc.Behaviour(kind="echo", words=("You said: " + text).split()), flag)
            return
        if behaviour.kind == "ask":
            await up.requires_input(up.new_agent_message([text_part(pc.QUESTION)]), final=True)
            return
        if behaviour.kind == "fail":
            await up.add_artifact([text_part(pc.FAIL_CHUNK)], artifact_id="out")
            await asyncio.sleep(0.1)  # let the chunk reach the stream before the failure
            raise RuntimeError(behaviour.error)
        if behaviour.kind == "long":
            await self._long(up, flag)
            return
        await self._echo(up, behaviour, flag)

    async def _echo(self, up, behaviour, flag):
        words = behaviour.words
        n = len(words)
        for i, w in enumerate(words):
            if flag.is_set():
                return
            await up.add_artifact([text_part(w + " ")], artifact_id="out",
                                  append=i > 0, last_chunk=i == n - 1)
            await up.update_status(TaskState.working, metadata={"progress": (i + 1) / n})
            await pc.pause_after(behaviour, i)
        if not flag.is_set():
            await up.complete()

    async def _long(self, up, flag):
        steps = int(pc.LONG_SECONDS / pc.LONG_INTERVAL)
        for i in range(steps):
            if flag.is_set():
                return
            await up.add_artifact([text_part("tick%d " % (i + 1))], artifact_id="out",
                                  append=i > 0)
            try:
                await asyncio.wait_for(flag.wait(), pc.LONG_INTERVAL)
                return  # cancelled
            except asyncio.TimeoutError:
                pass
        await up.add_artifact([text_part("")], artifact_id="out", append=True, last_chunk=True)
        await up.complete()

    async def cancel(self, ctx, q):
        pc.record_cancel(ctx.task_id)
        self._flag(ctx.task_id).set()
        await TaskUpdater(q, ctx.task_id, ctx.context_id).cancel()


def main():
    sock = pc.listen_socket()
    url = "http://127.0.0.1:%d/" % sock.getsockname()[1]
    card = AgentCard(
        name="sdk03-peer", description="a2a-sdk 0.3.26 test peer (words, fail, long, ask, message)",
        version="1.0.0", url=url, capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"], default_output_modes=["text/plain"],
        skills=[AgentSkill(id="echo", name="echo", description="streams words back", tags=["echo"])])
    app = A2AStarletteApplication(
        agent_card=card,
        http_handler=DefaultRequestHandler(PeerExecutor(), InMemoryTaskStore())).build()
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1,
                            lifespan="off")
    server = uvicorn.Server(config)
    pc.announce(sock)
    pc.log("serving %s" % url)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
