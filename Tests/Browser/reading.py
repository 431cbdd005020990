#!/usr/bin/env python3
"""Reads the built course in headless Chromium as a reader would, and fails on what stops one.

Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: Python's standard
library only, no network port), with real key presses and typing. Checks, from file://:

  wrap    at 1280 and 390 px, no line of code or printed output is cut: every <pre> fits its box
          (no sideways scroll), every line in it is a wrapping line (span.line), and every line
          that wrapped shows the continuation mark; and no formula's box scrolls up and down
          (its ink would be shaved)
  tab     the first Tab of a lesson page reaches the skip link, which then shows on the screen,
          and Enter on it moves the focus to the lesson
  search  typing a word that only lesson 9 uses into the search box lists a result that links
          into lesson 9, and following the link lands on a section holding the word
  files   the output folder holds no build files (.executed.json, .lesson.json, .lessons-manifest)

Usage: Tests/Browser/reading.py [OUTPUT_DIR] (default output/). Exits 1 on a failed check, 0 with
"SKIPPED" on stderr when Chromium is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "output"))
BUILD_FILES = {".executed.json", ".lesson.json", ".lessons-manifest"}
# A word of lesson 9's text that no other lesson uses (checked below against the pages).
SEARCH_WORD = os.environ.get("SEARCH_WORD", "momentum")


class Browser:
    """Chromium with its DevTools protocol on fds 3 (commands in) and 4 (replies out)."""

    def __init__(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            print("SKIPPED: reading.py: chromium not found (apt-get install chromium)", file=sys.stderr)
            sys.exit(0)
        self.profile = tempfile.mkdtemp()
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The child's fds 3 and 4 must be these pipe ends.
        def setup():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--allow-file-access-from-files", "--user-data-dir=" + self.profile, "about:blank"],
            # Kept open past Popen's closing of the other fds, which runs after setup().
            preexec_fn=setup, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for k, event in enumerate(self.events):
                if event.get("method") == method:
                    del self.events[k]
                    return event
            self.events.append(self.read())
        raise RuntimeError(f"timed out waiting for {method}")

    def open(self, url, width, height=900):
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=True)
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")

    def js(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def key(self, key, code, keycode):
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": keycode}, session=True)

    def type(self, text):
        self.call("Input.insertText", {"text": text}, session=True)

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# For each <pre>: does it scroll sideways (a cut line), are all its lines wrapping lines, and
# does each wrapped line show the mark (a background image in its indent)?
WRAP_PROBE = r"""
(() => {
  const cut = [], bare = [], unmarked = [];
  let lines = 0, wrapped = 0;
  document.querySelectorAll('main pre').forEach((pre, k) => {
    if (pre.getBoundingClientRect().width === 0) return;  // inside a closed <details>
    const name = (pre.closest('[id]') || {}).id + ' pre ' + k;
    if (pre.scrollWidth > pre.clientWidth + 1) cut.push(name + ' scrolls ' + (pre.scrollWidth - pre.clientWidth) + ' px');
    const root = pre.querySelector('code') || pre;
    for (const node of root.childNodes) {
      if (node.nodeType === 3 && node.textContent.trim() === '') continue;
      if (!(node.nodeType === 1 && node.classList.contains('line'))) { bare.push(name + ': ' + (node.textContent || '').slice(0, 40)); continue; }
      lines++;
      const style = getComputedStyle(node), height = parseFloat(style.lineHeight);
      if (node.getBoundingClientRect().height > height * 1.5) {
        wrapped++;
        if (!style.backgroundImage.includes('svg')) unmarked.push(name + ': ' + node.textContent.slice(0, 40));
      }
    }
  });
  // A formula's box must hold its ink: one that scrolls up and down is shaved on screens that hide scroll bars.
  document.querySelectorAll('.math-block, .math-inline').forEach((m, k) => {
    if (m.scrollHeight > m.clientHeight + 1) cut.push('formula ' + k + ' (' + m.textContent.slice(0, 30) + ') scrolls ' + (m.scrollHeight - m.clientHeight) + ' px up and down');
  });
  return {pres: document.querySelectorAll('main pre').length, lines, wrapped, cut, bare, unmarked};
})()
"""


def main():
    failures = []
    pages = sorted(d for d in os.listdir(OUT) if os.path.isfile(os.path.join(OUT, d, "index.html")))
    if not pages:
        print(f"reading.py: no lesson pages in {OUT} (run: swift run lessons build)", file=sys.stderr)
        return 1

    # files: nothing of the build's own in the published folder.
    found = [os.path.relpath(os.path.join(d, f), OUT) for d, _, files in os.walk(OUT) for f in files if f in BUILD_FILES]
    if found:
        failures.append(f"files: the published folder holds build files: {', '.join(found[:5])}{' ...' if len(found) > 5 else ''}")
    else:
        print(f"files: no build files in {OUT}")

    browser = Browser()
    try:
        for width in (1280, 390):
            for page in pages:
                browser.open(f"file://{OUT}/{page}/index.html", width)
                r = browser.js(WRAP_PROBE)
                problems = r["cut"] + [f"not a wrapping line: {b}" for b in r["bare"]] + [f"wrapped without a mark: {u}" for u in r["unmarked"]]
                if problems:
                    failures.append(f"wrap {width}px {page}: " + "; ".join(problems[:5]))
                print(f"wrap {width}px {page}: {r['pres']} boxes, {r['lines']} lines, {r['wrapped']} wrapped with a mark, {len(problems)} cut")

        # tab: a real Tab key on a fresh lesson page, at both widths.
        lesson = next((p for p in pages if p.startswith("05")), pages[0])
        for width in (1280, 390):
            browser.open(f"file://{OUT}/{lesson}/index.html", width)
            browser.key("Tab", "Tab", 9)
            first = browser.js("(() => { const e = document.activeElement, r = e.getBoundingClientRect();"
                               " return {cls: e.className, text: e.textContent, visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0}; })()")
            browser.key("Enter", "Enter", 13)
            after = browser.js("document.activeElement.id || document.activeElement.tagName")
            if first["cls"] != "skip" or not first["visible"] or after != "content":
                failures.append(f"tab {width}px: the first Tab reached {first} and Enter moved the focus to {after}")
            else:
                print(f"tab {width}px: the first Tab reaches the skip link '{first['text']}' (on screen); Enter moves to the lesson")

        # search: from lesson 1's page, a word of lesson 9's, then follow the first result.
        nine = next(p for p in pages if p.startswith("09"))
        users = [p for p in pages if SEARCH_WORD in open(os.path.join(OUT, p, "index.html"), encoding="utf-8").read().lower()]
        if nine not in users:
            failures.append(f"search: '{SEARCH_WORD}' is not in {nine}'s page (pick another word with SEARCH_WORD)")
        else:
            browser.open(f"file://{OUT}/{pages[0]}/index.html", 1280)
            browser.js("document.querySelector('nav.sidebar .search input').focus()")
            browser.type(SEARCH_WORD)
            links = browser.js("[...document.querySelectorAll('nav.sidebar .search li a')].map(a => a.href)")
            into_nine = [l for l in links if f"/{nine}/index.html" in l]
            if not into_nine:
                failures.append(f"search: '{SEARCH_WORD}' lists no link into {nine} (links: {links[:5]})")
            else:
                browser.open(into_nine[0], 1280)
                # The section the link names (or, without a name, the part of the page before the first section).
                target = browser.js("(() => { const id = decodeURIComponent(location.hash.slice(1));"
                                    " const h = id ? document.getElementById(id) : document.querySelector('main h1'); if (!h) return null;"
                                    " let e = id ? h : document.querySelector('main header'), text = id ? '' : e.textContent;"
                                    " while ((e = e.nextElementSibling) && !/^H[23]$/.test(e.tagName)) text += e.textContent;"
                                    " return {heading: h.textContent, holds: text.toLowerCase().includes('%s') || h.textContent.toLowerCase().includes('%s')}; })()"
                                    % (SEARCH_WORD, SEARCH_WORD))
                if not target or not target["holds"]:
                    failures.append(f"search: the result {into_nine[0]} lands on {target}")
                else:
                    print(f"search: '{SEARCH_WORD}' lists {len(links)} result(s), {len(into_nine)} into {nine} (also in {len(users) - 1} other page(s));"
                          f" the first lands on '{target['heading']}', which holds it")
    finally:
        browser.close()

    for f in failures:
        print("FAILED " + f)
    print(f"reading.py: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
