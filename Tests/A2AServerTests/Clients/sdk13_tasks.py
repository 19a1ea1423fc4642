#!/usr/bin/env python3
"""a2a-sdk 1.3.0 client: task operations against a server (A2A 1.0).

Usage: sdk13_tasks.py URL TEXT follow|cancel

follow: send TEXT without waiting (returnImmediately), print {"started": task}; subscribe and
        print {"event": StreamResponse} per event; then print {"get": task}.
cancel: send TEXT without waiting, print {"started": task}; cancel it, print {"cancel": task};
        cancel again, print {"cancelAgain": "<error>"}; print {"get": task}.
One JSON line per item; on an unexpected exception prints ``ERROR <type>: <message>``, exit 1.
"""

import asyncio
import json
import sys
import uuid

import httpx
from google.protobuf.json_format import MessageToDict

from a2a.client import ClientConfig, create_client
from a2a.types import (CancelTaskRequest, GetTaskRequest, Message, Part, Role,
                       SendMessageRequest, SubscribeToTaskRequest)


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()


async def run(url, text, mode):
    async with httpx.AsyncClient(timeout=httpx.Timeout(60)) as http:
        poller = await create_client(url, client_config=ClientConfig(streaming=False, polling=True, httpx_client=http))
        streamer = await create_client(url, client_config=ClientConfig(streaming=True, httpx_client=http))
        msg = Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER, parts=[Part(text=text)])
        task = None
        async for ev in poller.send_message(SendMessageRequest(message=msg)):
            d = MessageToDict(ev)
            task = d.get("task", d)
        emit({"started": task})
        task_id = task["id"]
        if mode == "follow":
            async for ev in streamer.subscribe(SubscribeToTaskRequest(id=task_id)):
                emit({"event": MessageToDict(ev)})
        else:
            emit({"cancel": MessageToDict(await poller.cancel_task(CancelTaskRequest(id=task_id)))})
            try:
                await poller.cancel_task(CancelTaskRequest(id=task_id))
                emit({"cancelAgain": "no error"})
            except Exception as e:  # noqa: BLE001
                emit({"cancelAgain": "%s: %s" % (type(e).__name__, e)})
        emit({"get": MessageToDict(await poller.get_task(GetTaskRequest(id=task_id)))})
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
