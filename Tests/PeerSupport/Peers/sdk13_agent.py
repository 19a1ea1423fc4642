#!/usr/bin/env python3
"""A real a2a-sdk 1.3.0 server (A2A 1.0, JSON-RPC on ``/``).

Usage: sdk13_agent.py [--compat]

``--compat`` also serves A2A 0.3 on the same URL (``enable_v0_3_compat``) and lists a second
interface (JSONRPC, 0.3) in the card, which becomes the hybrid card.

Binds 127.0.0.1:0, prints ``PORT <n>``, serves until SIGTERM. Behaviour is chosen by the user's
text; see peer_common.py. Env: ``PEER_CANCEL_LOG`` (file to append cancelled task ids to).
"""

import asyncio
import sys
import uuid

import uvicorn
from starlette.applications import Starlette

from a2a.server.agent_execution import AgentExecutor
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import (AgentCapabilities, AgentCard, AgentInterface, AgentSkill, Message,
                       Part, Role, Task, TaskState, TaskStatus)

import peer_common as pc

COMPAT = "--compat" in sys.argv[1:]


class PeerExecutor(AgentExecutor):
    def __init__(self):
        self.cancelled: dict[str, asyncio.Event] = {}

    def _flag(self, task_id):
        return self.cancelled.setdefault(task_id, asyncio.Event())

    async def execute(self, ctx, q):
        text = ctx.get_user_input()
        existing = ctx.current_task
        cid = existing.context_id if existing else ctx.context_id  # sdk13 contextId quirk
        behaviour = pc.parse_behaviour(text)

        if existing is None and behaviour.kind == "message":
            await q.enqueue_event(Message(
                message_id=str(uuid.uuid4()), role=Role.ROLE_AGENT, context_id=cid,
                task_id=ctx.task_id, parts=[Part(text=pc.DIRECT_MESSAGE)]))
            return

        if existing is None:  # the Task must be the first event of a new task
            await q.enqueue_event(Task(id=ctx.task_id, context_id=cid, history=[ctx.message],
                                       status=TaskStatus(state=TaskState.TASK_STATE_SUBMITTED)))
        up = TaskUpdater(q, ctx.task_id, cid)
        flag = self._flag(ctx.task_id)
        await up.start_work()

        if existing is not None:  # follow-up on an input-required task ("ask")
            await self._echo(up, pc.Behaviour(kind="echo", words=("You said: " + text).split()), flag)
            return
        if behaviour.kind == "ask":
            await up.requires_input(up.new_agent_message([Part(text=pc.QUESTION)]))
            return
        if behaviour.kind == "fail":
            await up.add_artifact([Part(text=pc.FAIL_CHUNK)], artifact_id="out")
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
            await up.add_artifact([Part(text=w + " ")], artifact_id="out",
                                  append=i > 0, last_chunk=i == n - 1)
            await up.update_status(TaskState.TASK_STATE_WORKING,
                                   metadata={"progress": (i + 1) / n})
            await pc.pause_after(behaviour, i)
        if not flag.is_set():
            await up.complete()

    async def _long(self, up, flag):
        steps = int(pc.LONG_SECONDS / pc.LONG_INTERVAL)
        for i in range(steps):
            if flag.is_set():
                return
            await up.add_artifact([Part(text="tick%d " % (i + 1))], artifact_id="out",
                                  append=i > 0)
            try:
                await asyncio.wait_for(flag.wait(), pc.LONG_INTERVAL)
                return  # cancelled
            except asyncio.TimeoutError:
                pass
        await up.add_artifact([Part(text="")], artifact_id="out", append=True, last_chunk=True)
        await up.complete()

    async def cancel(self, ctx, q):
        pc.record_cancel(ctx.task_id)
        self._flag(ctx.task_id).set()
        cid = ctx.current_task.context_id if ctx.current_task else ctx.context_id
        await TaskUpdater(q, ctx.task_id, cid).cancel()


def main():
    sock = pc.listen_socket()
    url = "http://127.0.0.1:%d/" % sock.getsockname()[1]
    versions = ["1.0", "0.3"] if COMPAT else ["1.0"]
    card = AgentCard(
        name="sdk13-peer", description="a2a-sdk 1.3.0 test peer (words, fail, long, ask, message)",
        version="1.0.0",
        supported_interfaces=[AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version=v)
                              for v in versions],
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"], default_output_modes=["text/plain"],
        skills=[AgentSkill(id="echo", name="echo", description="streams words back", tags=["echo"])])
    handler = DefaultRequestHandler(agent_executor=PeerExecutor(), task_store=InMemoryTaskStore(),
                                    agent_card=card)
    app = Starlette(routes=[
        *create_agent_card_routes(agent_card=card, cache_control="public, max-age=300"),
        *create_jsonrpc_routes(request_handler=handler, rpc_url="/", enable_v0_3_compat=COMPAT)])
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1,
                            lifespan="off")
    server = uvicorn.Server(config)
    pc.announce(sock)
    pc.log("serving %s (compat=%s)" % (url, COMPAT))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
