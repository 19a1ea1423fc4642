"""Drives headless Chromium over the DevTools protocol for the web page tests (stdlib only).

Chromium is started with ``--remote-debugging-pipe``: it reads protocol messages from fd 3 and
writes them to fd 4, each a JSON text ended by a NUL byte, so no WebSocket client is needed.

Usage: cdp_driver.py CHROMIUM URL STEPS_JSON

STEPS_JSON is a list of steps run in order on one page opened at URL:

* ``{"wait": "js expression", "timeout": 30}``  poll until the expression is truthy (bounded)
* ``{"eval": "js expression", "name": "key"}``  record the value under ``key``
* ``{"click": "#css-selector"}``                 click an element (its ``click()``)
* ``{"type": "#css-selector", "text": "…"}``     set an input's value
* ``{"reload": true}``                           reload and wait for the load event
* ``{"screenshot": "/path.png"}``                save a PNG of the viewport
* ``{"mark": "/path"}``                          create the file (tells the test a point was reached)

Prints one JSON object on stdout: ``{"results": {...}, "console": [...], "exceptions": [...]}``,
plus ``"error"`` (and exit status 1) when a step failed or a wait ran out; the page's body text
is then in ``"page"`` to show what it looked like.
"""

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

POLL_INTERVAL = 0.05


class DriverError(Exception):
    pass


class Browser:
    def __init__(self, chromium: str):
        self.profile = tempfile.mkdtemp(prefix="a2a-pipe-chromium-")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Move the child's ends above 3/4 first, so the dup2s below cannot clobber each other.
        child_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def place_fds():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [
            chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--mute-audio", "--hide-scrollbars",
            "--window-size=1280,900", "about:blank",
        ]
        # Chromium's own log goes to a file: a pipe nobody reads could fill up and stall it.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
            preexec_fn=place_fds, close_fds=False, start_new_session=True)
        os.close(child_in)
        os.close(child_out)
        self.write_fd = to_chrome_w
        self.read_fd = from_chrome_r
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.console = []
        self.exceptions = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DriverError("Chromium did not answer in time")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                self.log.seek(0)
                err = self.log.read().decode(errors="replace")[-2000:]
                raise DriverError("Chromium closed the DevTools pipe (exit %s): %s" % (self.process.poll(), err))
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self._event(message)
        return message

    def _event(self, message):
        method = message["method"]
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        else:
            self.events.append(message)

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self.write_fd, data)
            data = data[written:]
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise DriverError("%s: %s" % (method, reply["error"].get("message")))
                return reply.get("result", {})

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    del self.events[i]
                    return e
            self._read_message(deadline)

    def open_page(self, url):
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next((t for t in targets if t["type"] == "page"), None)
        target_id = page["targetId"] if page else self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target_id, "flatten": True}, session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.navigate(url)

    def navigate(self, url):
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def reload(self):
        self.events.clear()
        self.send("Page.reload", {"ignoreCache": True})
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise DriverError("evaluating %r threw: %s" % (expression, d.get("exception", {}).get("description") or d.get("text")))
        return result.get("result", {}).get("value")

    def wait(self, expression, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.evaluate(expression):
                return
            if time.monotonic() > deadline:
                raise DriverError("waited %ss for %s" % (timeout, expression))
            # Let protocol events through while waiting (console messages, exceptions).
            ready, _, _ = select.select([self.read_fd], [], [], POLL_INTERVAL)
            if ready:
                try:
                    self._read_message(time.monotonic() + 1)
                except DriverError:
                    raise

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def main():
    chromium, url, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    browser = Browser(chromium)
    out = {"results": {}}
    status = 0
    try:
        browser.open_page(url)
        for step in steps:
            if "wait" in step:
                browser.wait(step["wait"], step.get("timeout", 30))
            elif "eval" in step:
                value = browser.evaluate(step["eval"])
                if "name" in step:
                    out["results"][step["name"]] = value
            elif "click" in step:
                browser.evaluate("document.querySelector(%s).click()" % json.dumps(step["click"]))
            elif "type" in step:
                browser.evaluate("(e => { e.value = %s; e.dispatchEvent(new Event('input')); })(document.querySelector(%s))"
                                 % (json.dumps(step["text"]), json.dumps(step["type"])))
            elif "reload" in step:
                browser.reload()
            elif "screenshot" in step:
                browser.screenshot(step["screenshot"])
            elif "mark" in step:
                with open(step["mark"], "w") as f:
                    f.write("reached\n")
            else:
                raise DriverError("unknown step %r" % step)
    except Exception as e:  # report, with what the page showed
        out["error"] = "%s: %s" % (type(e).__name__, e)
        try:
            out["page"] = browser.evaluate("document.body.dataset.run + ' | ' + document.body.innerText")
        except Exception:
            pass
        status = 1
    finally:
        out["console"] = browser.console
        out["exceptions"] = browser.exceptions
        browser.close()
    print(json.dumps(out))
    sys.exit(status)


if __name__ == "__main__":
    main()
