#!/usr/bin/env python3
"""A minimal A2A 1.0 agent on the standard library, for launch: tests.

Usage: tiny_agent.py PORT PIDFILE. Serves a card, and answers SendStreamingMessage with the
upper-cased text. Writes its pid to PIDFILE so tests can check it is gone afterwards.
"""
import json, os, sys, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
with open(sys.argv[2], "w") as f:
    f.write(str(os.getpid()))

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send_json(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self.send_json({"name": "tiny", "description": "tiny", "version": "1.0.0",
            "supportedInterfaces": [{"url": "http://127.0.0.1:%d/" % PORT, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
            "capabilities": {"streaming": True}, "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"], "skills": []})
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        text = "".join(p.get("text", "") for p in req["params"]["message"]["parts"])
        tid, cid = uuid.uuid4().hex, uuid.uuid4().hex
        events = [{"task": {"id": tid, "contextId": cid, "status": {"state": "TASK_STATE_WORKING"}}},
                  {"artifactUpdate": {"taskId": tid, "contextId": cid, "artifact": {"artifactId": "out", "parts": [{"text": text.upper()}]}, "lastChunk": True}},
                  {"statusUpdate": {"taskId": tid, "contextId": cid, "status": {"state": "TASK_STATE_COMPLETED"}}}]
        body = "".join("data: " + json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": e}) + "\n\n" for e in events).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
