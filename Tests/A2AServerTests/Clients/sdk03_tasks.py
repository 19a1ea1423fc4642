#!/usr/bin/env python3
"""a2a-sdk 0.3.26 client: task operations against a server (A2A 0.3).

Usage: sdk03_tasks.py URL TEXT follow|cancel  (see sdk13_tasks.py; same output lines, with
0.3 JSON dumps).
"""

import asyncio
import json
import sys
import uuid

import httpx

from a2a.client import ClientConfig, ClientFactory
from a2a.types import Message, Part, Role, TaskIdParams, TaskQueryParams, TextPart


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()


def dump(model):
    return model.model_dump(mode="json", exclude_none=True)


async def run(url, text, mode):
    async with httpx.AsyncClient(timeout=httpx.Timeout(60)) as http:
        poller = await ClientFactory.connect(url, client_config=ClientConfig(streaming=False, polling=True, httpx_client=http))
        streamer = await ClientFactory.connect(url, client_config=ClientConfig(streaming=True, httpx_client=http))
        msg = Message(message_id=str(uuid.uuid4()), role=Role.user, parts=[Part(root=TextPart(text=text))])
        task = None
        async for ev in poller.send_message(msg):
            task = ev[0] if isinstance(ev, tuple) else ev
        emit({"started": dump(task)})
        if mode == "follow":
            async for ev in streamer.resubscribe(TaskIdParams(id=task.id)):
                t, update = ev
                emit({"event": dump(update) if update is not None else dump(t)})
        else:
            emit({"cancel": dump(await poller.cancel_task(TaskIdParams(id=task.id)))})
            try:
                await poller.cancel_task(TaskIdParams(id=task.id))
                emit({"cancelAgain": "no error"})
            except Exception as e:  # noqa: BLE001
                emit({"cancelAgain": "%s: %s" % (type(e).__name__, e)})
        emit({"get": dump(await poller.get_task(TaskQueryParams(id=task.id)))})
        await poller.close()
        await streamer.close()


if __name__ == "__main__":
    try:
        asyncio.run(run(sys.argv[1], sys.argv[2], sys.argv[3]))
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, SystemExit):
            raise
        sys.stdout.write("ERROR %s: %s\n" % (type(e).__name__, str(e).replace("\n", " ")))
        sys.exit(1)
