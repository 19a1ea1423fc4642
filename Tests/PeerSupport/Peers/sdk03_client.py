#!/usr/bin/env python3
"""The real a2a-sdk 0.3.26 client (A2A 0.3 only), for interop tests of a server.

Usage: sdk03_client.py URL TEXT [--no-stream] [--follow-up TEXT2] [--timeout SECONDS]

Resolves the agent card at URL (``ClientFactory.connect``), sends TEXT and prints one JSON object
per line for every event: the update's ``model_dump(mode='json', exclude_none=True)`` (a
status-update / artifact-update / message, each with its ``kind``), or, for the ``(Task, None)``
tuples the client yields when there is no update (the first Task and non-streaming replies),
the Task's dump. Streaming is on unless ``--no-stream``. With ``--follow-up`` and a task left in
``input-required``, TEXT2 is sent on the same task (taskId and contextId).
Exit 0 on success; on any exception prints one line ``ERROR <type>: <message>`` and exits 1.
"""

import argparse
import asyncio
import json
import sys
import uuid

import httpx

from a2a.client import ClientConfig, ClientFactory
from a2a.types import Message, Part, Role, TextPart


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()


def dump(model):
    return model.model_dump(mode="json", exclude_none=True)


async def send(client, msg):
    last_state = task_id = context_id = None
    async for ev in client.send_message(msg):  # (Task, update or None) tuples, or a Message
        if isinstance(ev, tuple):
            task, update = ev
            emit(dump(update) if update is not None else dump(task))
            if task is not None:
                last_state = task.status.state.value
                task_id, context_id = task.id, task.context_id
        else:
            emit(dump(ev))
    return last_state, task_id, context_id


async def run(args):
    async with httpx.AsyncClient(timeout=httpx.Timeout(args.timeout)) as http:
        config = ClientConfig(streaming=args.stream, httpx_client=http)
        client = await ClientFactory.connect(args.url, client_config=config)
        try:
            msg = Message(message_id=str(uuid.uuid4()), role=Role.user,
                          parts=[Part(root=TextPart(text=args.text))])
            last_state, task_id, context_id = await send(client, msg)
            if args.follow_up is not None and last_state == "input-required":
                msg = Message(message_id=str(uuid.uuid4()), role=Role.user, task_id=task_id,
                              context_id=context_id,
                              parts=[Part(root=TextPart(text=args.follow_up))])
                await send(client, msg)
        finally:
            await client.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("text")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--stream", dest="stream", action="store_true", default=True)
    g.add_argument("--no-stream", dest="stream", action="store_false")
    p.add_argument("--follow-up", dest="follow_up", default=None)
    p.add_argument("--timeout", type=float, default=120.0)
    args = p.parse_args()
    try:
        asyncio.run(run(args))
    except BaseException as e:  # noqa: BLE001 - report everything as one ERROR line
        if isinstance(e, SystemExit):
            raise
        sys.stdout.write("ERROR %s: %s\n" % (type(e).__name__, str(e).replace("\n", " ")))
        sys.stdout.flush()
        sys.exit(1)


if __name__ == "__main__":
    main()
