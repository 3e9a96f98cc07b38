#!/usr/bin/env python3
"""Drives headless Chromium through the dashboard as a person would, for tests and screenshots.

It logs in through the real login form (the token typed into the password field and the form
submitted, the token read from standard input, so it is in no URL and no process list), then
visits each page asked for, saves its rendered DOM (document.documentElement.outerHTML after
load) and, for the pages asked, a full-page PNG screenshot.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands in
on fd 3, answers out on fd 4, each a JSON message ending in NUL), which needs only Python's
standard library: no WebSocket client, no test-only door in the service.

    echo "$TOKEN" | python3 Tools/dashboard/browse.py --base http://127.0.0.1:8080 --out DIR \
        --page targets=/targets --page funds=/funds --person 35020319900101123X --screenshot targets

Writes DIR/NAME.html for each page and DIR/NAME.png for each screenshot, and prints a JSON summary
{name: {"url": final URL, "title": title}} on standard output. Exits 2 when Chromium is missing.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, binary, width, height):
        self.profile = tempfile.mkdtemp(prefix="grants-chromium-")
        cmd_read, self.cmd_write = os.pipe()
        self.resp_read, resp_write = os.pipe()

        def wire():
            # The pipes may already hold fds 3 or 4: move both out of the way first, and make
            # the two the child reads and writes inheritable (dup2 onto itself keeps close-on-exec).
            reader, writer = os.dup(cmd_read), os.dup(resp_write)
            os.dup2(reader, 3)
            os.dup2(writer, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (width, height),
             "about:blank"],
            preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_read)
        os.close(resp_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def read(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.resp_read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    del self.events[index]
                    return event
            self.events.append(self.read(deadline))
            if "method" not in self.events[-1]:
                self.events.pop()

    def open_page(self):
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=False)["sessionId"]
        self.send("Page.enable")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("script failed: %s" % result["exceptionDetails"].get("text"))
        return result["result"].get("value")

    def loading(self, action):
        """Runs `action` (which starts a navigation) and waits for the new page's load event."""
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        action()
        self.wait_for("Page.loadEventFired")

    def navigate(self, url):
        self.loading(lambda: self.send("Page.navigate", {"url": url}))

    def screenshot(self, path, max_height=None):
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(size["height"], max_height) if max_height else size["height"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": height, "scale": 1}
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description="Log in to the dashboard in headless Chromium and save pages.")
    parser.add_argument("--base", required=True, help="the service, e.g. http://127.0.0.1:8080")
    parser.add_argument("--out", required=True, help="the folder for NAME.html and NAME.png")
    parser.add_argument("--page", action="append", default=[], help="NAME=PATH, a page to save")
    parser.add_argument("--person", help="a resident ID or pseudonym to look up through the person form (saved as person, "
                                         "and its first entitlement as entitlement)")
    parser.add_argument("--screenshot", action="append", default=[], help="NAME of a page to screenshot")
    parser.add_argument("--window", default="1280,900", help="WIDTH,HEIGHT")
    parser.add_argument("--max-height", type=int, help="cut screenshots to this many pixels from the top (default: the whole page)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "chromium"))
    args = parser.parse_args()

    binary = shutil.which(args.chromium)
    if binary is None:
        print("Chromium is not installed: install it with `apt-get install -y chromium` (the CI script does)", file=sys.stderr)
        return 2
    token = sys.stdin.readline().strip()
    width, height = (int(n) for n in args.window.split(","))
    os.makedirs(args.out, exist_ok=True)
    summary = {}
    browser = Browser(binary, width, height)
    try:
        browser.open_page()

        def save(name):
            html = browser.evaluate("document.documentElement.outerHTML")
            with open(os.path.join(args.out, name + ".html"), "w", encoding="utf-8") as file:
                file.write(html)
            summary[name] = {"url": browser.evaluate("location.href"), "title": browser.evaluate("document.title")}
            if name in args.screenshot:
                browser.screenshot(os.path.join(args.out, name + ".png"), args.max_height)

        browser.navigate(args.base + "/login")
        save("login")
        browser.loading(lambda: browser.evaluate(
            "document.getElementById('token').value = %s; document.getElementById('login').click(); true" % json.dumps(token)))
        save("home")
        for page in args.page:
            name, path = page.split("=", 1)
            browser.navigate(args.base + path)
            save(name)
        if args.person:
            browser.navigate(args.base + "/person")
            browser.loading(lambda: browser.evaluate(
                "document.getElementById('person-id').value = %s; document.getElementById('lookup').click(); true" % json.dumps(args.person)))
            save("person")
            link = browser.evaluate("(document.querySelector('a[href^=\"/entitlement\"]') || {}).href || null")
            if link:
                browser.navigate(link)
                save("entitlement")
        browser.navigate(args.base + "/")
        browser.loading(lambda: browser.evaluate("document.getElementById('logout').click(); true"))
        save("logout")
    finally:
        browser.close()
    json.dump(summary, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
