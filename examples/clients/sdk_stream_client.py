#!/usr/bin/env python3
"""Streams one message to any A2A agent with the official a2a-sdk 1.3.0 client and shows the
output as it arrives, with progress read from the events' metadata.

Progress is read, in order, from a2a-pipe's progress extension
(`https://a2a-pipe.dev/extensions/progress/v1` in status-update metadata: an object with
`progress`, and for a served pipeline its per-stage states), then a plain numeric `progress`
(0..1, or 0..100) in status-update or artifact-update metadata.

Usage: sdk_stream_client.py URL TEXT
  e.g. examples/agents/run.sh ../clients/sdk_stream_client.py http://127.0.0.1:8080 "hello"
Output on stdout; progress lines on stderr.
"""

import asyncio
import sys
import uuid

import httpx
from google.protobuf.json_format import MessageToDict

from a2a.client import ClientConfig, create_client
from a2a.types import Message, Part, Role, SendMessageRequest

PROGRESS_EXTENSION = "https://a2a-pipe.dev/extensions/progress/v1"


def progress_of(metadata):
    """The progress (0..1) an event's metadata carries, and the extension's extra fields."""
    metadata = metadata or {}
    ext = metadata.get(PROGRESS_EXTENSION)
    if isinstance(ext, dict) and isinstance(ext.get("progress"), (int, float)):
        return ext["progress"], {k: v for k, v in ext.items() if k != "progress"}
    p = metadata.get("progress")
    if isinstance(p, (int, float)):
        return (p / 100 if p > 1 else p), {}
    return None, {}


async def main(url, text):
    async with httpx.AsyncClient(timeout=httpx.Timeout(300)) as http:
        client = await create_client(url, client_config=ClientConfig(streaming=True, httpx_client=http))
        try:
            msg = Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER, parts=[Part(text=text)])
            state = None
            async for event in client.send_message(SendMessageRequest(message=msg)):
                d = MessageToDict(event)
                if "artifactUpdate" in d:
                    u = d["artifactUpdate"]
                    for part in u.get("artifact", {}).get("parts", []):
                        sys.stdout.write(part.get("text", ""))
                    sys.stdout.flush()
                    # a2a-sdk agents put chunk metadata on the artifact; a2a-pipe on the event.
                    metadata = {**u.get("artifact", {}).get("metadata", {}), **u.get("metadata", {})}
                    if metadata.get("type"):
                        print("\n[chunk %s]" % metadata, file=sys.stderr)
                    p, _ = progress_of(metadata)
                    if p is not None:
                        print("\n[progress %3.0f%%]" % (p * 100), file=sys.stderr)
                elif "statusUpdate" in d:
                    u = d["statusUpdate"]
                    state = u.get("status", {}).get("state")
                    p, extra = progress_of(u.get("metadata"))
                    note = "".join(pt.get("text", "") for pt in u.get("status", {}).get("message", {}).get("parts", []))
                    if p is not None or note:
                        stages = extra.get("stages")
                        line = "[%s%s%s]" % (state, " %3.0f%%" % (p * 100) if p is not None else "",
                                             " " + note if note else "")
                        if stages:
                            line += " stages: %s" % stages
                        print(line, file=sys.stderr)
                elif "task" in d:
                    state = d["task"].get("status", {}).get("state")
                elif "message" in d:
                    print("".join(p.get("text", "") for p in d["message"].get("parts", [])))
            print("", file=sys.stderr)
            print("[final state: %s]" % state, file=sys.stderr)
            return 0 if state in (None, "TASK_STATE_COMPLETED") else 1
        finally:
            await client.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
