#!/usr/bin/env python3
"""A streaming A2A agent written with the official a2a-sdk 1.3.0 (A2A 1.0, JSON-RPC on /).

The python-a2a streaming wiki's demo agents, done with the real SDK (--mode):

  tokens      streams its input back one word at a time, like an LLM (default)
  progress    long work in --steps steps: each a `working` status update whose metadata has
              numeric `progress` (0..1) and the same value under a2a-pipe's progress extension
              key; then replies with its input
  structured  a header chunk, numbered data chunks and a footer chunk, each artifact update
              carrying metadata (`type`: header | data | footer, `item_number`, `progress`)
  writer      writes a short Markdown report from its input (one bullet per non-empty line),
              streamed word by word with progress; the `write` stage of
              examples/pipelines/launched.yaml

Usage: sdk_agent.py --port 9103 [--mode writer] [--delay 0.05] [--steps 5]
Needs: pip install "a2a-sdk[http-server]==1.3.0" uvicorn   (see examples/README.md)
"""

import argparse
import asyncio

import uvicorn
from starlette.applications import Starlette

from a2a.server.agent_execution import AgentExecutor
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import (AgentCapabilities, AgentCard, AgentExtension, AgentInterface,
                       AgentSkill, Part, Task, TaskState, TaskStatus)

PROGRESS_EXTENSION = "https://a2a-pipe.dev/extensions/progress/v1"


def progress_metadata(fraction, **extra):
    """Progress as a2a-pipe reads it: `progress` (0..1), mirrored under the extension URI."""
    return {"progress": fraction, PROGRESS_EXTENSION: {"progress": fraction}, **extra}


class StreamingExecutor(AgentExecutor):
    def __init__(self, mode, delay, steps):
        self.mode, self.delay, self.steps = mode, delay, steps
        self.cancelled = set()

    async def execute(self, ctx, q):
        text = ctx.get_user_input()
        cid = ctx.current_task.context_id if ctx.current_task else ctx.context_id
        if ctx.current_task is None:  # the Task must be the first event of a new task
            await q.enqueue_event(Task(id=ctx.task_id, context_id=cid, history=[ctx.message],
                                       status=TaskStatus(state=TaskState.TASK_STATE_SUBMITTED)))
        up = TaskUpdater(q, ctx.task_id, cid)
        await up.start_work()
        if self.mode == "progress":
            await self.progress(up, ctx.task_id, text)
        elif self.mode == "structured":
            await self.structured(up, ctx.task_id, text)
        elif self.mode == "writer":
            await self.words(up, ctx.task_id, self.report(text), with_progress=True)
        else:
            await self.words(up, ctx.task_id, text or "(empty input)", with_progress=False)

    async def words(self, up, task_id, text, with_progress):
        chunks = [w + " " for w in text.split(" ")]
        n = len(chunks)
        for i, chunk in enumerate(chunks):
            if task_id in self.cancelled:
                return
            await up.add_artifact([Part(text=chunk if i < n - 1 else chunk[:-1])], artifact_id="output",
                                  append=i > 0, last_chunk=i == n - 1)
            if with_progress and (i % 10 == 9 or i == n - 1):
                await up.update_status(TaskState.TASK_STATE_WORKING, metadata=progress_metadata((i + 1) / n))
            await asyncio.sleep(self.delay)
        await up.complete()

    async def progress(self, up, task_id, text):
        for step in range(1, self.steps + 1):
            await asyncio.sleep(self.delay * 10)
            if task_id in self.cancelled:
                return
            await up.update_status(
                TaskState.TASK_STATE_WORKING,
                message=up.new_agent_message([Part(text="step %d of %d" % (step, self.steps))]),
                metadata=progress_metadata(step / self.steps, step=step, steps=self.steps))
        await up.add_artifact([Part(text=text or "done")], artifact_id="output", last_chunk=True)
        await up.complete()

    async def structured(self, up, task_id, text):
        items = self.steps
        await up.add_artifact([Part(text="")], artifact_id="output",
                              metadata={"type": "header", "total_items": items})
        for n in range(1, items + 1):
            await asyncio.sleep(self.delay)
            if task_id in self.cancelled:
                return
            await up.add_artifact([Part(text="Item %d: %s\n" % (n, text))], artifact_id="output", append=True,
                                  metadata={"type": "data", "item_number": n, "total_items": items,
                                            "progress": n / items})
        await up.add_artifact([Part(text="")], artifact_id="output", append=True, last_chunk=True,
                              metadata={"type": "footer", "status": "complete", "items": items})
        await up.complete()

    @staticmethod
    def report(text):
        lines = [l.strip() for l in (text or "").splitlines() if l.strip()]
        if not lines:
            return "# Report\n\nNothing to report."
        return "# Report\n\n" + "\n".join("- " + l for l in lines) + "\n\n%d notes." % len(lines)

    async def cancel(self, ctx, q):
        self.cancelled.add(ctx.task_id)
        cid = ctx.current_task.context_id if ctx.current_task else ctx.context_id
        await TaskUpdater(q, ctx.task_id, cid).cancel()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=9103)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--mode", choices=["tokens", "progress", "structured", "writer"], default="tokens")
    p.add_argument("--delay", type=float, default=0.05, help="seconds between chunks")
    p.add_argument("--steps", type=int, default=5, help="progress steps / structured items")
    args = p.parse_args()
    url = "http://%s:%d/" % (args.host, args.port)
    card = AgentCard(
        name="sdk-%s" % args.mode, description="a2a-sdk 1.3.0 example agent (%s)" % args.mode, version="1.0.0",
        supported_interfaces=[AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version="1.0")],
        capabilities=AgentCapabilities(streaming=True, extensions=[AgentExtension(
            uri=PROGRESS_EXTENSION, description="numeric progress (0..1) in status metadata")]),
        default_input_modes=["text/plain"], default_output_modes=["text/plain"],
        skills=[AgentSkill(id=args.mode, name=args.mode, description="streaming demo: " + args.mode,
                           tags=["example", args.mode])])
    handler = DefaultRequestHandler(agent_executor=StreamingExecutor(args.mode, args.delay, args.steps),
                                    task_store=InMemoryTaskStore(), agent_card=card)
    app = Starlette(routes=[*create_agent_card_routes(agent_card=card),
                            *create_jsonrpc_routes(request_handler=handler, rpc_url="/")])
    print("serving %s agent at %s" % (args.mode, url), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=1)


if __name__ == "__main__":
    main()
