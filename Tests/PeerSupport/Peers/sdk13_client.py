#!/usr/bin/env python3
"""The real a2a-sdk 1.3.0 client, for interop tests of a server.

Usage: sdk13_client.py URL TEXT [--stream|--no-stream] [--follow-up TEXT2] [--timeout SECONDS]

Resolves the agent card at URL (the SDK picks 1.0 or 0.3 from the card), sends TEXT, and prints
one JSON object per line for every StreamResponse it receives (``MessageToDict``, camelCase).
``--stream`` (default) uses streaming when the card allows it; ``--no-stream`` forces
SendMessage. With ``--follow-up`` and a task left in TASK_STATE_INPUT_REQUIRED, TEXT2 is sent on
the same task (taskId and contextId) and its events are printed too.
Exit 0 on success; on any exception prints one line ``ERROR <type>: <message>`` and exits 1.
"""

import argparse
import asyncio
import json
import sys
import uuid

import httpx
from google.protobuf.json_format import MessageToDict

from a2a.client import ClientConfig, create_client
from a2a.types import Message, Part, Role, SendMessageRequest


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()


def state_of(ev):
    for key in ("task", "statusUpdate"):
        if key in ev:
            return ev[key].get("status", {}).get("state"), ev[key]
    return None, None


async def run(args):
    async with httpx.AsyncClient(timeout=httpx.Timeout(args.timeout)) as http:
        config = ClientConfig(streaming=args.stream, httpx_client=http)
        client = await create_client(args.url, client_config=config)
        try:
            msg = Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER,
                          parts=[Part(text=args.text)])
            last_state, task_id, context_id = await send(client, msg)
            if args.follow_up is not None and last_state == "TASK_STATE_INPUT_REQUIRED":
                msg = Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER,
                              task_id=task_id, context_id=context_id,
                              parts=[Part(text=args.follow_up)])
                await send(client, msg)
        finally:
            await client.close()


async def send(client, msg):
    last_state = task_id = context_id = None
    async for ev in client.send_message(SendMessageRequest(message=msg)):
        d = MessageToDict(ev)
        emit(d)
        state, obj = state_of(d)
        if state:
            last_state = state
            task_id = obj.get("id") or obj.get("taskId") or task_id
            context_id = obj.get("contextId") or context_id
    return last_state, task_id, context_id


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
