#!/usr/bin/env python3
"""A misbehaving "A2A" server for client robustness tests (standard library only).

Usage: fault_server.py MODE      MODE is one of: drop, html, malformed, stall, error500

Binds 127.0.0.1 port 0, prints exactly one line ``PORT <n>`` to stdout, then serves
(threaded) until SIGTERM. Logs go to stderr.

Modes (every mode except ``html`` serves a valid A2A 1.0 agent card at
``/.well-known/agent-card.json`` and ``/.well-known/agent.json`` with one
``JSONRPC``/``1.0`` interface at ``http://127.0.0.1:<port>/`` and ``streaming: true``):

* ``drop``: any JSON-RPC POST (except GetTask / CancelTask) answers an SSE stream
  (HTTP/1.1 chunked, LF line ends): a 1.0 ``task`` event (TASK_STATE_WORKING), one
  ``artifactUpdate`` with text ``"partial "``, then the TCP connection is closed without the
  terminating zero-length chunk, so the client sees a truncated body.
  ``GetTask`` answers JSON: the task, still TASK_STATE_WORKING. ``CancelTask`` answers JSON:
  the task in TASK_STATE_CANCELED.
* ``html``: not an A2A server. Every GET/POST answers 200 ``text/html``
  ``<html><body>hello</body></html>``, except ``/.well-known/*``, which answers 404 text/html.
* ``malformed``: ``SendStreamingMessage`` answers SSE: a valid task event, an event whose data is
  not JSON, a valid ``artifactUpdate`` with text ``"ok "`` (lastChunk), a TASK_STATE_COMPLETED
  ``statusUpdate``; then the body ends properly. ``GetTask`` answers the completed task (JSON).
* ``stall``: any streaming POST sends headers and a task event (TASK_STATE_WORKING), then only
  ``: keep-alive`` comments every 0.2 s for ``STALL_KEEPALIVE_SECONDS`` (env, default 2), then
  nothing at all for 60 s, then closes. ``GetTask`` answers the task, still working.
* ``error500``: every POST answers HTTP 500 ``application/json`` ``{"detail":"boom"}``.
* ``closefirst``: POSTs are counted; the 1st, 3rd, 5th… close the connection without a reply
  (as a server closing a keep-alive connection the client is reusing); the others answer:
  ``GetTask`` the task (TASK_STATE_WORKING), ``CancelTask`` the task (TASK_STATE_CANCELED).
  Every POST is logged to stderr as ``POST <n> <method> closed|answered``.

Other JSON-RPC methods get a JSON-RPC -32601 error (HTTP 200).
"""

import json
import os
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("drop", "html", "malformed", "stall", "error500", "closefirst")
POSTS = {"count": 0}
POSTS_LOCK = threading.Lock()


def log(*args):
    print("fault_server:", *args, file=sys.stderr, flush=True)


def now_ts():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-server/1.0"
    mode = "drop"
    base_url = ""

    # ---- logging ---------------------------------------------------------------------------
    def log_message(self, fmt, *args):  # stderr only
        log("%s %s" % (self.address_string(), fmt % args))

    # ---- helpers ---------------------------------------------------------------------------
    def send_body(self, status, content_type, body: bytes, close=False):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, obj, status=200):
        self.send_body(status, "application/json", json.dumps(obj).encode())

    def card(self):
        return {
            "name": "fault-" + self.mode,
            "description": "misbehaving A2A server (%s)" % self.mode,
            "version": "1.0.0",
            "supportedInterfaces": [
                {"url": self.base_url, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
            ],
            "capabilities": {"streaming": True},
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "fault", "name": "fault", "description": self.mode, "tags": ["test"]}],
        }

    def start_sse(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.flush()

    def chunk(self, text: str):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunks(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def event(self, rid, result):
        self.chunk("data: " + json.dumps({"jsonrpc": "2.0", "id": rid, "result": result}) + "\n\n")

    @staticmethod
    def task(tid, cid, state, artifacts=None):
        t = {"id": tid, "contextId": cid, "status": {"state": state, "timestamp": now_ts()}}
        if artifacts:
            t["artifacts"] = artifacts
        return t

    def read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"null")
        except ValueError:
            return None

    # ---- verbs -----------------------------------------------------------------------------
    def do_GET(self):
        if self.mode == "html":
            return self.html()
        if self.path.split("?")[0] in ("/.well-known/agent-card.json", "/.well-known/agent.json"):
            return self.send_json(self.card())
        self.send_body(404, "text/plain", b"not found")

    def do_POST(self):
        if self.mode == "closefirst":
            req = self.read_json()
            with POSTS_LOCK:
                POSTS["count"] += 1
                n = POSTS["count"]
            method = (req or {}).get("method") if isinstance(req, dict) else None
            if n % 2 == 1:
                log("POST %d %s closed" % (n, method))
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            log("POST %d %s answered" % (n, method))
            tid = ((req or {}).get("params") or {}).get("id") or "t-1"
            state = "TASK_STATE_CANCELED" if method == "CancelTask" else "TASK_STATE_WORKING"
            return self.send_json({"jsonrpc": "2.0", "id": req.get("id"), "result": self.task(tid, "c-fault", state)})
        if self.mode == "html":
            self.read_json()
            return self.html()
        req = self.read_json()
        if self.mode == "error500":
            return self.send_body(500, "application/json", b'{"detail":"boom"}')
        if not isinstance(req, dict):
            return self.send_json({"jsonrpc": "2.0", "id": None,
                                   "error": {"code": -32700, "message": "Parse error"}})
        rid = req.get("id")
        method = req.get("method") or ""
        params = req.get("params") or {}
        tid = params.get("id") or "t-" + uuid.uuid4().hex[:12]
        cid = "c-fault"
        getattr(self, "post_" + self.mode)(rid, method, params, tid, cid)

    def html(self):
        if self.path.startswith("/.well-known/"):
            return self.send_body(404, "text/html", b"<html><body>not found</body></html>")
        self.send_body(200, "text/html", b"<html><body>hello</body></html>")

    def rpc_error(self, rid, method):
        self.send_json({"jsonrpc": "2.0", "id": rid,
                        "error": {"code": -32601, "message": "Method not found: %s" % method}})

    # ---- modes -----------------------------------------------------------------------------
    def post_drop(self, rid, method, params, tid, cid):
        if method == "GetTask":
            return self.send_json({"jsonrpc": "2.0", "id": rid,
                                   "result": self.task(tid, cid, "TASK_STATE_WORKING")})
        if method == "CancelTask":
            return self.send_json({"jsonrpc": "2.0", "id": rid,
                                   "result": self.task(tid, cid, "TASK_STATE_CANCELED")})
        self.start_sse()
        self.event(rid, {"task": self.task(tid, cid, "TASK_STATE_WORKING")})
        self.event(rid, {"artifactUpdate": {"taskId": tid, "contextId": cid, "artifact": {
            "artifactId": "out", "parts": [{"text": "partial "}]}}})
        # Abrupt end: no terminating chunk, FIN straight away.
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()
        self.close_connection = True

    def post_malformed(self, rid, method, params, tid, cid):
        done = [{"artifactId": "out", "parts": [{"text": "ok "}]}]
        if method == "GetTask":
            return self.send_json({"jsonrpc": "2.0", "id": rid,
                                   "result": self.task(tid, cid, "TASK_STATE_COMPLETED", done)})
        if method != "SendStreamingMessage":
            return self.rpc_error(rid, method)
        self.start_sse()
        self.event(rid, {"task": self.task(tid, cid, "TASK_STATE_WORKING")})
        self.chunk("data: {this is not json\n\n")
        self.event(rid, {"artifactUpdate": {"taskId": tid, "contextId": cid, "artifact": done[0],
                                            "lastChunk": True}})
        self.event(rid, {"statusUpdate": {"taskId": tid, "contextId": cid, "status": {
            "state": "TASK_STATE_COMPLETED", "timestamp": now_ts()}}})
        self.end_chunks()

    def post_stall(self, rid, method, params, tid, cid):
        if method == "GetTask":
            return self.send_json({"jsonrpc": "2.0", "id": rid,
                                   "result": self.task(tid, cid, "TASK_STATE_WORKING")})
        if method == "CancelTask":
            return self.send_json({"jsonrpc": "2.0", "id": rid,
                                   "result": self.task(tid, cid, "TASK_STATE_CANCELED")})
        if method not in ("SendStreamingMessage", "SubscribeToTask"):
            return self.rpc_error(rid, method)
        keepalive = float(os.environ.get("STALL_KEEPALIVE_SECONDS", "2"))
        self.start_sse()
        self.event(rid, {"task": self.task(tid, cid, "TASK_STATE_WORKING")})
        try:
            deadline = time.monotonic() + keepalive
            while time.monotonic() < deadline:
                time.sleep(0.2)
                self.chunk(": keep-alive\n\n")
            time.sleep(60)
        except OSError:  # client went away
            return
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def post_error500(self, rid, method, params, tid, cid):  # unreachable: handled in do_POST
        self.send_body(500, "application/json", b'{"detail":"boom"}')


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        print("usage: fault_server.py {%s}" % "|".join(MODES), file=sys.stderr)
        sys.exit(2)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]

    Handler.mode = sys.argv[1]
    Handler.base_url = "http://127.0.0.1:%d/" % port
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.server_address = sock.getsockname()
    server.daemon_threads = True

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import peer_common  # standard library only
    peer_common.announce(sock)  # prints "PORT <n>", then stdout -> stderr
    log("mode %s listening on %s" % (Handler.mode, Handler.base_url))
    # SIGTERM keeps its default action (immediate exit); serving threads are daemons.
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    threading.current_thread().name = "main"
    main()
