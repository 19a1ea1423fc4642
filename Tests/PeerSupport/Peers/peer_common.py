"""Shared helpers for the peer scripts in this folder (standard library only).

The peers pick their behaviour from the user's message text so that one process serves
every scenario:

* ``message``            -> one direct Message "Direct message response" (no task)
* ``ask``                -> input-required with the question "Which topic?"; the follow-up on the
                            same task streams "You said: <text>" and completes
* ``long``               -> working for up to 60 s, one word every 0.5 s, honouring cancel
* ``fail`` / ``fail:<m>``-> one chunk ("partial "), then an exception (message <m>)
* ``slow:<s> words...``  -> echo the words, <s> seconds after each word
* ``gate:<path> words...``-> echo the first word, then wait until the file <path> exists (at
                            most GATE_SECONDS), write "<path>.passed" (its content says
                            "released" or "timed out"), then echo the rest. A test that must
                            catch the peer mid-stream holds it there until it has looked, and
                            can prove from "<path>.passed" what the peer did when.
* ``step:<path> words...``-> lockstep: after word i (all but the last), wait until the file
                            "<path>.<i>" exists (at most STEP_SECONDS), logging "step i
                            released" or "step i timed out" to "<path>.log". A client that
                            creates "<path>.<i>" only once it has received word i proves that
                            each word reached it before the next one was sent.
* anything else          -> echo the words, 0.05 s after each word
"""

import os
import socket
import sys
from dataclasses import dataclass, field

DEFAULT_DELAY = 0.05
LONG_SECONDS = 60.0
LONG_INTERVAL = 0.5
QUESTION = "Which topic?"
DIRECT_MESSAGE = "Direct message response"
FAIL_CHUNK = "partial "
DEFAULT_FAIL_MESSAGE = "peer failure requested"
GATE_SECONDS = 60.0
STEP_SECONDS = 30.0


@dataclass
class Behaviour:
    kind: str  # 'echo' | 'fail' | 'long' | 'ask' | 'message'
    words: list = field(default_factory=list)
    delay: float = DEFAULT_DELAY
    error: str = DEFAULT_FAIL_MESSAGE
    gate: str = ""  # a file path: hold after the first word until it exists
    step: str = ""  # a path prefix: after word i, hold until "<step>.<i>" exists


def parse_behaviour(text: str) -> Behaviour:
    """Maps the user's text to a behaviour (see the module doc)."""
    stripped = (text or "").strip()
    if stripped in ("message", "ask", "long"):
        return Behaviour(kind=stripped)
    if stripped == "fail":
        return Behaviour(kind="fail")
    if stripped.startswith("fail:"):
        return Behaviour(kind="fail", error=stripped[5:].strip() or DEFAULT_FAIL_MESSAGE)
    tokens = stripped.split()
    delay = DEFAULT_DELAY
    gate = ""
    step = ""
    while tokens and tokens[0].startswith(("slow:", "gate:", "step:")):
        if tokens[0].startswith("gate:"):
            gate = tokens[0][5:]
        elif tokens[0].startswith("step:"):
            step = tokens[0][5:]
        else:
            try:
                delay = max(0.0, float(tokens[0][5:]))
            except ValueError:
                pass
        tokens = tokens[1:]
    return Behaviour(kind="echo", words=tokens or ["(empty)"], delay=delay, gate=gate, step=step)


async def pause_after(behaviour: Behaviour, index: int) -> None:
    """The pause after word `index`: the gate after the first word (if any), else the delay."""
    import asyncio
    if behaviour.gate and index == 0:
        waited = 0.0
        while not os.path.exists(behaviour.gate) and waited < GATE_SECONDS:
            await asyncio.sleep(0.02)
            waited += 0.02
        outcome = "released" if os.path.exists(behaviour.gate) else "timed out"
        log("gate %s %s" % (behaviour.gate, outcome))
        with open(behaviour.gate + ".passed", "w", encoding="utf-8") as f:
            f.write(outcome + "\n")
        return
    if behaviour.step:
        await asyncio.sleep(behaviour.delay)
        if index == len(behaviour.words) - 1:
            return
        path = "%s.%d" % (behaviour.step, index)
        waited = 0.0
        while not os.path.exists(path) and waited < STEP_SECONDS:
            await asyncio.sleep(0.01)
            waited += 0.01
        outcome = "released" if os.path.exists(path) else "timed out"
        with open(behaviour.step + ".log", "a", encoding="utf-8") as f:
            f.write("step %d %s\n" % (index, outcome))
        return
    await asyncio.sleep(behaviour.delay)


def record_cancel(task_id: str) -> None:
    """Appends the task id to $PEER_CANCEL_LOG (if set), one id per line."""
    path = os.environ.get("PEER_CANCEL_LOG")
    log("cancel received for task %s" % task_id)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write("%s\n" % task_id)
        f.flush()
        os.fsync(f.fileno())


def listen_socket() -> socket.socket:
    """A TCP socket bound to 127.0.0.1 on a kernel-chosen port and already listening, so that
    connections queue from the moment the port is announced."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def announce(sock: socket.socket) -> int:
    """Prints the single ``PORT <n>`` line on stdout (flushed) and returns the port.

    Afterwards stdout (the Python object and file descriptor 1) is redirected to stderr, so that
    libraries that print (python-a2a prints debug lines) cannot add lines to stdout."""
    port = sock.getsockname()[1]
    exit_with_parent()
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), 1)
    sys.stdout = sys.stderr
    return port


def exit_with_parent() -> None:
    """If $PEER_EXIT_WITH_PARENT is "1", exit as soon as the parent process goes away (the
    test harness sets it, so a crashed test run leaves no orphan peers behind)."""
    if os.environ.get("PEER_EXIT_WITH_PARENT") != "1":
        return
    import threading
    import time
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                log("parent %d went away; exiting" % parent)
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def log(*args) -> None:
    print(os.path.basename(sys.argv[0]) + ":", *args, file=sys.stderr, flush=True)
