#!/usr/bin/env python3
"""a2a-sdk 1.3.0 client against a server that requires a bearer token.

Usage: sdk13_auth.py URL TEXT   (the token is read from the environment variable A2A_TOKEN)

Resolves the card (public), prints {"card": {"securitySchemes": …, "securityRequirements": …}} as
the SDK parsed it, then streams TEXT with the SDK's own AuthInterceptor (which adds
``Authorization: Bearer`` only because the card declares the bearer scheme) and prints
{"event": StreamResponse} per event. Then sends TEXT again without the interceptor and prints
{"refused": "<error type>: <message>"} (or {"refused": null} if it was not refused).
One JSON line per item; on an unexpected exception prints ``ERROR <type>: <message>``, exit 1.
"""

import asyncio
import json
import os
import sys
import uuid

import httpx
from google.protobuf.json_format import MessageToDict

from a2a.client import ClientConfig, create_client
from a2a.client.card_resolver import A2ACardResolver
from a2a.client.auth.credentials import CredentialService
from a2a.client.auth.interceptor import AuthInterceptor
from a2a.types import Message, Part, Role, SendMessageRequest


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()


class EnvironmentToken(CredentialService):
    async def get_credentials(self, security_scheme_name, context):
        return os.environ["A2A_TOKEN"]


def message(text):
    return Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER, parts=[Part(text=text)])


async def run(url, text):
    async with httpx.AsyncClient(timeout=httpx.Timeout(60)) as http:
        config = ClientConfig(streaming=True, httpx_client=http)
        client = await create_client(url, client_config=config, interceptors=[AuthInterceptor(EnvironmentToken())])
        card = MessageToDict(await A2ACardResolver(http, url).get_agent_card())
        emit({"card": {"securitySchemes": card.get("securitySchemes"), "securityRequirements": card.get("securityRequirements")}})
        async for ev in client.send_message(SendMessageRequest(message=message(text))):
            emit({"event": MessageToDict(ev)})
        await client.close()

        bare = await create_client(url, client_config=ClientConfig(streaming=False, httpx_client=http))
        try:
            async for _ in bare.send_message(SendMessageRequest(message=message(text))):
                pass
            emit({"refused": None})
        except Exception as e:  # noqa: BLE001
            emit({"refused": f"{type(e).__name__}: {e}"})
        await bare.close()


def main():
    try:
        asyncio.run(run(sys.argv[1], sys.argv[2]))
    except Exception as e:  # noqa: BLE001
        print(f"ERROR {type(e).__name__}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
