#!/usr/bin/env python3
"""The real service, checked from outside: a real browser, and the API against its own OpenAPI document.

Starts `debrief serve` on a fresh data directory with the bundled Media/ samples and a webhook receiver on loopback,
makes an admin, waits for the reports, then:

Browser (Debian's headless Chromium over the DevTools protocol, `--remote-debugging-pipe`: no extra packages). For
each report, in English and Chinese:
  - the page loads signed in (session cookie), without a script error;
  - the server-drawn SVG charts are laid out at their drawn size (at least 100 x 30 CSS pixels) and the voice chart
    has a line;
  - the player loads the recording through the server's Range support: its duration matches the report's;
  - an evidence time link seeks the player to that moment;
  - hostile text stays text: no element the page did not write (no <img onerror>, no extra <script>);
  - the candidate feedback page loads, and the rating form works (session cookie + CSRF token).

API (openapi-spec-validator and openapi-schema-validator from PyPI):
  - /api/v1/openapi.json is a valid OpenAPI 3.1 document;
  - every documented operation is called, and every JSON answer (successes and errors) matches the schema
    documented for its path, method and status;
  - the webhooks arrive signed (HMAC-SHA256 of timestamp and body) and match their documented schemas;
  - schemathesis (in its own virtual environment, --schemathesis PATH) fuzzes every documented operation for a
    bounded number of examples: no 5xx, and every answer matches its documented schema.

Hostile input: YAML bombs (aliases of aliases as values and as a mapping key, deep flow and block nesting) in the
models folder and as metadata in the inbox, a recording whose metadata names /etc/passwd as its résumé, and an HLS
playlist disguised as a recording: /health answers within 100 ms throughout, the bombs are listed as broken models
with their reasons, and no report shows a byte of a file outside the inbox.

Screenshots go to .build/browser-check/ (their paths are printed). Exit status 1 on any failed check.
"""
import argparse
import base64
import fnmatch
import hashlib
import hmac
import http.server
import threading
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = []


def check(condition, message):
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevTools:
    """Chromium's DevTools protocol over the pipe pair (fd 3 in, fd 4 out; messages end with NUL)."""

    def __init__(self, chromium, profile):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                   "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--hide-scrollbars",
                   f"--user-data-dir={profile}", "about:blank"]
        shell = " ".join(f"'{part}'" for part in command)
        self.process = subprocess.Popen(["bash", "-c", f"exec {shell} 3<&{to_browser_r} 4>&{from_browser_w}"],
                                        pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session, timeout=30):
        deadline = time.time() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(index)
            self.events.append(self._read_message(deadline))

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# What the page is asked, once it has loaded: waits for the player's metadata, seeks with a time link, then
# reports the charts' sizes and anything the page did not write itself.
PROBE = r"""
(async () => {
  const player = document.getElementById("player");
  const result = {title: document.title, path: location.pathname, svgs: [], polylinePoints: 0,
                  player: player ? player.tagName.toLowerCase() : null, duration: null, error: null,
                  seekTo: null, seekedAt: null,
                  foreign: document.querySelectorAll("img, iframe, object, embed").length,
                  scripts: document.querySelectorAll("script").length};
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    result.svgs.push({label: svg.getAttribute("aria-label"), width: box.width, height: box.height,
                      declared: [parseFloat(svg.getAttribute("width")), parseFloat(svg.getAttribute("height"))],
                      shapes: svg.querySelectorAll("rect, polyline, line, circle, text").length});
  }
  // Chinese glyphs really render: a character drawn in the page's font must differ from a code point no font has
  // (the missing-glyph box), or the page shows tofu.
  const glyph = text => {
    const canvas = document.createElement("canvas");
    canvas.width = 40; canvas.height = 40;
    const context = canvas.getContext("2d");
    context.font = "32px " + getComputedStyle(document.body).fontFamily;
    context.fillText(text, 2, 32);
    return Array.from(context.getImageData(0, 0, 40, 40).data).join(",");
  };
  const missing = glyph("\uE000");
  result.tofu = ["能", "力", "面", "试"].filter(character => glyph(character) === missing).length;
  for (const line of document.querySelectorAll("svg polyline")) {
    result.polylinePoints = Math.max(result.polylinePoints, line.points.numberOfItems);
  }
  if (!player) return result;
  if (player.readyState < 1) {
    await new Promise(resolve => {
      player.addEventListener("loadedmetadata", resolve, {once: true});
      player.addEventListener("error", resolve, {once: true});
      setTimeout(resolve, 15000);
    });
  }
  result.duration = player.duration;
  result.error = player.error ? player.error.code + " " + (player.error.message || "") : null;
  const links = [...document.querySelectorAll("a[data-t]")].filter(a => parseFloat(a.dataset.t) > 1);
  if (links.length && player.readyState >= 1) {
    const link = links[Math.floor(links.length / 2)];
    result.seekTo = parseFloat(link.dataset.t);
    const seeked = new Promise(resolve => {
      player.addEventListener("seeked", resolve, {once: true});
      setTimeout(resolve, 10000);
    });
    link.click();
    await seeked;
    player.pause();
    result.seekedAt = player.currentTime;
  }
  return result;
})()
"""


def open_page(tools, url, cookie):
    """A new tab signed in with the session cookie, `url` loaded: (target, session)."""
    target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    tools.call("Network.enable", session=session)
    tools.call("Network.setCookie", {"name": cookie[0], "value": cookie[1], "url": url}, session=session)
    tools.call("Page.enable", session=session)
    tools.call("Runtime.enable", session=session)
    tools.call("Emulation.setDeviceMetricsOverride",
               {"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
    tools.call("Page.navigate", {"url": url}, session=session)
    tools.wait_event("Page.loadEventFired", session)
    return target, session


def visit(tools, url, cookie, screenshot):
    target, session = open_page(tools, url, cookie)
    probe = tools.call("Runtime.evaluate", {"expression": PROBE, "awaitPromise": True, "returnByValue": True},
                       session=session, timeout=60)["result"]["value"]
    exceptions = [e for e in tools.events
                  if e.get("method") == "Runtime.exceptionThrown" and e.get("sessionId") == session]
    probe["exceptions"] = [e["params"]["exceptionDetails"].get("text", "") for e in exceptions]
    height = tools.call("Runtime.evaluate", {"expression": "document.documentElement.scrollHeight",
                                             "returnByValue": True}, session=session)["result"]["value"]
    tools.call("Emulation.setDeviceMetricsOverride",
               {"width": 1100, "height": min(int(height), 8000), "deviceScaleFactor": 1, "mobile": False},
               session=session)
    shot = tools.call("Page.captureScreenshot", {"format": "png"}, session=session, timeout=60)
    with open(screenshot, "wb") as file:
        file.write(base64.b64decode(shot["data"]))
    tools.call("Target.closeTarget", {"targetId": target})
    return probe


RATE = r"""
(() => {
  const form = document.querySelector("#review form");
  if (!form) return false;
  for (const select of form.querySelectorAll("select")) select.value = "30";
  form.querySelector("textarea").value = "<img src=x onerror=alert(1)> rated in the browser";
  form.submit();
  return true;
})()
"""

REVIEWED = r"""
(() => {
  const review = document.getElementById("review");
  return {path: location.pathname, hash: location.hash, text: review ? review.innerText : "",
          foreign: document.querySelectorAll("img").length};
})()
"""


def rate(tools, url, cookie):
    """Fills the report page's rating form (every select at step 2 = 30 points) and submits it like a person."""
    target, session = open_page(tools, url, cookie)
    submitted = tools.call("Runtime.evaluate", {"expression": RATE, "returnByValue": True},
                           session=session)["result"]["value"]
    if submitted:
        tools.wait_event("Page.loadEventFired", session)
    result = tools.call("Runtime.evaluate", {"expression": REVIEWED, "returnByValue": True},
                        session=session)["result"]["value"]
    tools.call("Target.closeTarget", {"targetId": target})
    return submitted, result


class WebhookReceiver:
    """Records the webhooks it is sent (headers and body) and answers 204."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def deref(node, spec):
    """The schema with every local $ref replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return deref(target, spec)
        return {key: deref(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [deref(value, spec) for value in node]
    return node


def api_phase(base, token, reports, receiver, secret):
    """Every documented operation called; every JSON answer checked against the document."""
    from openapi_schema_validator import OAS31Validator
    from openapi_spec_validator import validate as validate_spec

    def call(method, path, body=None, headers=None, auth=True):
        request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
        if auth:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    status, _, raw = call("GET", "/api/v1/openapi.json", auth=False)
    spec = json.loads(raw)
    try:
        validate_spec(spec)
        check(status == 200, "openapi.json is a valid OpenAPI 3.1 document, served without signing in")
    except Exception as error:  # noqa: BLE001 - the validator's message is the point
        check(False, f"openapi.json is a valid OpenAPI document: {error}")
    exercised = set()

    def expect(method, template, path, status_wanted, body=None, headers=None, auth=True):
        status, answer_headers, raw = call(method, path, body, headers, auth)
        exercised.add((template, method.lower()))
        label = f"{method} {path} -> {status}"
        if status != status_wanted:
            check(False, f"{label} (wanted {status_wanted}): {raw[:200]!r}")
            return None
        documented = spec["paths"][template][method.lower()]["responses"].get(str(status))
        if documented is None:
            check(False, f"{label}: status {status} is not documented")
            return None
        content = documented.get("content", {})
        kind = answer_headers.get("Content-Type", "").split(";")[0]
        if kind == "application/json":
            schema = content.get("application/json", {}).get("schema")
            document = json.loads(raw)
            errors = sorted(OAS31Validator(deref(schema, spec)).iter_errors(document), key=str) if schema else ["undocumented"]
            check(not errors, f"{label} matches its schema" + (f": {errors[0]}" if errors else ""))
            return document
        documented_kind = any(fnmatch.fnmatch(kind, pattern) for pattern in content)
        check(documented_kind or not content, f"{label}: {kind or 'no body'} as documented ({', '.join(content) or 'none'})")
        return raw

    json_type = {"Content-Type": "application/json"}
    expect("GET", "/health", "/health", 200, auth=False)
    expect("GET", "/metrics", "/metrics", 200)
    expect("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", 200, auth=False)
    expect("GET", "/api/v1/me", "/api/v1/me", 200)
    expect("GET", "/api/v1/me", "/api/v1/me", 401, auth=False)
    jobs = expect("GET", "/api/v1/jobs", "/api/v1/jobs", 200) or {"jobs": []}
    for job in jobs["jobs"]:
        if job["analysed"]:
            expect("GET", "/api/v1/jobs/{model}/candidates", f"/api/v1/jobs/{job['id']}/candidates?sort=blended", 200)
            expect("GET", "/api/v1/jobs/{model}/agreement", f"/api/v1/jobs/{job['id']}/agreement", 200)
    expect("GET", "/api/v1/jobs/{model}/candidates", "/api/v1/jobs/no-such-job/candidates", 404)
    expect("GET", "/api/v1/jobs/{model}/agreement", "/api/v1/jobs/no-such-job/agreement", 404)
    expect("GET", "/api/v1/reports", "/api/v1/reports", 200)
    for report in reports:
        full = expect("GET", "/api/v1/reports/{id}", f"/api/v1/reports/{report['id']}", 200)
        competencies = [c["id"] for c in (full or {}).get("competencies", [])]
        rating = {"overall": 35, "competencies": {c: 90 for c in competencies[:2]}, "comment": "<b>API</b> rating"}
        expect("POST", "/api/v1/reports/{id}/ratings", f"/api/v1/reports/{report['id']}/ratings", 201,
               json.dumps(rating).encode(), json_type)
        expect("GET", "/api/v1/reports/{id}/ratings", f"/api/v1/reports/{report['id']}/ratings", 200)
        expect("GET", "/reports/{id}/recording", f"/reports/{report['id']}/recording", 206, headers={"Range": "bytes=0-1023"})
    expect("GET", "/reports/{id}/recording", f"/reports/{reports[0]['id']}/recording", 200)
    expect("GET", "/reports/{id}/recording", "/reports/999999/recording", 404)
    expect("GET", "/api/v1/reports/{id}", "/api/v1/reports/999999", 404)
    expect("GET", "/api/v1/reports/{id}/ratings", "/api/v1/reports/999999/ratings", 404)
    expect("POST", "/api/v1/reports/{id}/ratings", f"/api/v1/reports/{reports[0]['id']}/ratings", 400,
           json.dumps({"overall": 101}).encode(), json_type)
    expect("POST", "/api/v1/reports/{id}/ratings", "/api/v1/reports/999999/ratings", 404,
           json.dumps({"overall": 50}).encode(), json_type)
    # Correcting the roles: the samples are one-speaker recordings (a clear 400); the two-speaker case is held by
    # Tests/DebriefTests/RoleCorrectionWebTests.
    refused = expect("POST", "/api/v1/reports/{id}/speakers", f"/api/v1/reports/{reports[0]['id']}/speakers", 400,
                     json.dumps({"candidate": "SPEAKER_01"}).encode(), json_type)
    check(refused is not None and "one speaker" in refused.get("error", ""),
          f"correcting the roles of a one-speaker report says why: {refused}")
    expect("POST", "/api/v1/reports/{id}/speakers", f"/api/v1/reports/{reports[0]['id']}/speakers", 400,
           b"not json", json_type)
    expect("POST", "/api/v1/reports/{id}/speakers", "/api/v1/reports/999999/speakers", 404,
           json.dumps({"candidate": "x"}).encode(), json_type)
    # Uploads: a real recording with its transcript, then a file that is not one.
    boundary = "debrief-live-check"

    def multipart(parts):
        body = b""
        for field, filename, content in parts:
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\""
                     + (f"; filename=\"{filename}\"" if filename else "") + "\r\n\r\n").encode() + content + b"\r\n"
        return body + f"--{boundary}--\r\n".encode()

    with open(os.path.join(ROOT, "Media", "phone-screen-en.m4a"), "rb") as file:
        audio = file.read()
    with open(os.path.join(ROOT, "Media", "phone-screen-en.vtt"), "rb") as file:
        vtt = file.read()
    upload_type = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    expect("POST", "/api/v1/jobs/{model}/uploads", "/api/v1/jobs/sales-manager/uploads", 201,
           multipart([("candidate", None, "Lee Upload".encode()), ("recording", "uploaded call.m4a", audio),
                      ("transcript", "call.vtt", vtt)]), upload_type)
    expect("POST", "/api/v1/jobs/{model}/uploads", "/api/v1/jobs/sales-manager/uploads", 415,
           multipart([("recording", "notes.docx", b"PK\x03\x04 not a recording")]), upload_type)
    expect("POST", "/api/v1/jobs/{model}/uploads", "/api/v1/jobs/sales-manager/uploads", 400,
           multipart([("transcript", "call.vtt", vtt)]), upload_type)
    expect("POST", "/api/v1/jobs/{model}/uploads", "/api/v1/jobs/no-such-job/uploads", 404,
           multipart([("recording", "a.m4a", audio)]), upload_type)
    operations = {(path, method) for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "delete", "patch")}
    missing = sorted(operations - exercised)
    check(not missing, f"every documented operation was called ({len(operations)}); not called: {missing}")

    # The uploaded recording is analysed like any other: a fourth report, and its report.created webhook.
    deadline = time.time() + 120
    while time.time() < deadline:
        events = [json.loads(body) for _, body in receiver.received]
        created = [e for e in events if e["event"] == "report.created"]
        if len(created) >= 4 and any(e["event"] == "rating.created" for e in events):
            break
        time.sleep(0.5)
    events = receiver.received
    kinds = [json.loads(body)["event"] for _, body in events]
    check(kinds.count("report.created") == 4, f"report.created for each of the 4 reports ({kinds.count('report.created')})")
    check(kinds.count("rating.created") >= 1 + len(reports),
          f"rating.created for each rating ({kinds.count('rating.created')})")
    for headers, body in events:
        event = json.loads(body)
        headers = {key.lower(): value for key, value in headers.items()}
        stamp, _, digest = headers.get("debrief-signature", "").partition(",sha256=")
        timestamp = stamp.removeprefix("t=")
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        schema = spec["webhooks"][event["event"]]["post"]["requestBody"]["content"]["application/json"]["schema"]
        errors = list(OAS31Validator(deref(schema, spec)).iter_errors(event))
        check(hmac.compare_digest(digest, expected) and headers.get("debrief-event") == event["event"] and not errors,
              f"webhook {event['event']} #{headers.get('debrief-delivery')}: signature verified, schema "
              + ("matches" if not errors else f"fails: {errors[0]}"))


def sign_in(base, name, password):
    """The form a person uses: GET /login for the CSRF token, POST it back; returns the session cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    marker = 'name="csrf" value="'
    token = page[page.index(marker) + len(marker):].split('"', 1)[0]
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf": token}).encode()
    opener.open(f"{base}/login", data=form).read()
    sessions = [c for c in jar if c.name == "debrief_session"]
    if not sessions:
        raise RuntimeError(f"signing in as {name} gave no session cookie")
    return (sessions[0].name, sessions[0].value)


def bombs():
    """The hostile YAML shapes, by name."""
    def laughs(levels, as_key=False):
        text = "a0: &a0 [" + ", ".join(["lol"] * 10) + "]\n"
        for level in range(1, levels):
            text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]\n"
        return text + (f"? *a{levels - 1}\n: boom\n" if as_key else f"all: *a{levels - 1}\n")
    block = "".join("  " * depth + f"k{depth}:\n" for depth in range(300)) + "  " * 300 + "leaf: 1\n"
    return {"alias-values": laughs(9), "alias-keys": laughs(10, as_key=True),
            "deep-flow": "[" * 20000 + "]" * 20000, "deep-block": block}


def hostile_phase(base, token, inbox, models):
    """Every hostile file at once in the models folder and the inbox; /health must keep answering within 100 ms."""
    for name, text in bombs().items():
        with open(os.path.join(models, f"bomb-{name}.yaml"), "w") as file:
            file.write(text)
        shutil.copy(os.path.join(ROOT, "Media", "phone-screen-en.vtt"), os.path.join(inbox, f"bomb-{name}.vtt"))
        with open(os.path.join(inbox, f"bomb-{name}.yaml"), "w") as file:
            file.write(text)
    shutil.copy(os.path.join(ROOT, "Media", "phone-screen-en.vtt"), os.path.join(inbox, "resume-escape.vtt"))
    with open(os.path.join(inbox, "resume-escape.yaml"), "w") as file:
        file.write("candidate: Mallory\nresumeFile: /etc/passwd\n")
    with open(os.path.join(inbox, "playlist.mp4"), "w") as file:
        file.write("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n")
    slowest, answers = 0.0, []
    for _ in range(100):
        started = time.monotonic()
        try:
            status = urllib.request.urlopen(f"{base}/health", timeout=5).status
        except OSError as error:
            status = str(error)
        slowest = max(slowest, time.monotonic() - started)
        answers.append(status)
        time.sleep(0.05)
    check(all(status == 200 for status in answers) and slowest <= 0.1,
          f"/health answered 100 times within 100 ms with every hostile file in place (slowest {slowest * 1000:.0f} ms)")
    auth = {"Authorization": f"Bearer {token}"}
    deadline, jobs = time.time() + 120, []
    while time.time() < deadline:
        reports = json.load(urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/reports", headers=auth),
                                                   timeout=5))["reports"]
        names = {report["file"] for report in reports}
        if {"resume-escape.vtt"} <= names:
            break
        time.sleep(0.5)
    passwd = open("/etc/passwd").read().splitlines()[0]
    for report in reports:
        full = urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/reports/{report['id']}", headers=auth),
                                      timeout=5).read().decode()
        check(passwd not in full, f"{report['file']}: no line of /etc/passwd in the report")
    escaped = [report for report in reports if report["file"] == "resume-escape.vtt"]
    check(len(escaped) == 1, "the recording whose metadata names /etc/passwd is analysed, without the résumé")
    bombed = [report for report in reports if report["file"].startswith("bomb-")]
    check(not bombed, f"no recording with bomb metadata is reported ({len(bombed)})")
    page = urllib.request.urlopen(urllib.request.Request(f"{base}/admin/models", headers=auth), timeout=5).read().decode()
    listed = [name for name in bombs() if f"bomb-{name}.yaml" in page]
    check(len(listed) == len(bombs()), f"the admin's models page lists every bomb as broken ({listed})")


def schemathesis_phase(base, token, executable):
    """schemathesis against the served document: no 5xx and no answer off its schema, bounded examples."""
    if not executable:
        check(os.environ.get("CI") is None, "schemathesis is installed (scripts/test.sh installs it)")
        print("  schemathesis not installed: skipped", flush=True)
        return
    started = time.time()
    result = subprocess.run([executable, "run", f"{base}/api/v1/openapi.json", "--header", f"Authorization: Bearer {token}",
                             "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance",
                             "--max-examples", "25", "--workers", "1", "--request-timeout", "20", "--no-color",
                             "--exclude-path", "/api/v1/jobs/{model}/uploads"],
                            capture_output=True, text=True, timeout=900)
    tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
    print(tail, flush=True)
    check(result.returncode == 0, f"schemathesis: no server error or schema mismatch ({time.time() - started:.0f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/debug/debrief"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", default=os.path.join(ROOT, ".build/browser-check"))
    parser.add_argument("--schemathesis", default=shutil.which("st"), help="the schemathesis command (st)")
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    for old in os.listdir(options.out):
        if old.endswith(".png"):
            os.remove(os.path.join(options.out, old))
    work = tempfile.mkdtemp(prefix="debrief-live-")
    inbox, data, models = os.path.join(work, "inbox"), os.path.join(work, "data"), os.path.join(work, "models")
    os.makedirs(inbox)
    shutil.copytree(os.path.join(ROOT, "Models"), models)
    samples = ["interview-en.mp4", "interview-zh.mkv", "interview-zh.yaml", "phone-screen-en.m4a",
               "phone-screen-en.vtt", "phone-screen-en.json"]
    for name in samples:
        shutil.copy(os.path.join(ROOT, "Media", name), inbox)
    password = "browser-check-" + base64.b32encode(os.urandom(10)).decode().lower()
    subprocess.run([options.binary, "users", "add", "admin", "--role", "admin", "--password-stdin", "--data", data],
                   input=password.encode(), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    token = subprocess.run([options.binary, "users", "token", "admin", "--data", data], check=True, cwd=ROOT,
                           capture_output=True).stdout.decode().strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "serve.log"), "wb")
    receiver = WebhookReceiver()
    secret = "live-check-" + base64.b32encode(os.urandom(10)).decode().lower()
    service = subprocess.Popen([options.binary, "serve", "--inbox", inbox, "--data", data, "--port", str(port),
                                "--models", models,
                                "--asr", "never", "--stable-seconds", "0.3", "--webhook", receiver.url],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "DEBRIEF_WEBHOOK_SECRET": secret})
    tools = None
    try:
        reports = []
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                request = urllib.request.Request(f"{base}/api/v1/reports",
                                                 headers={"Authorization": f"Bearer {token}"})
                reports = json.load(urllib.request.urlopen(request, timeout=5))["reports"]
                if len(reports) == 3:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        check(len(reports) == 3, f"the service analysed the 3 samples ({len(reports)} reports)")
        cookie = sign_in(base, "admin", password)
        print(f"browser: {subprocess.run([options.chromium, '--version'], capture_output=True).stdout.decode().strip()}",
              flush=True)
        tools = DevTools(options.chromium, os.path.join(work, "profile"))
        for report in sorted(reports, key=lambda r: r["id"]):
            request = urllib.request.Request(f"{base}/api/v1/reports/{report['id']}",
                                             headers={"Authorization": f"Bearer {token}"})
            full = json.load(urllib.request.urlopen(request, timeout=5))
            duration = full["recording"].get("durationSeconds")
            for language in ["en", "zh"]:
                name = f"report-{report['id']}-{os.path.splitext(report['file'])[0]}-{language}.png"
                screenshot = os.path.join(options.out, name)
                probe = visit(tools, f"{base}/reports/{report['id']}?lang={language}", cookie, screenshot)
                label = f"{report['file']} ({language})"
                check(probe["path"] == f"/reports/{report['id']}", f"{label}: the page loads signed in ({probe['path']})")
                check(not probe["exceptions"], f"{label}: no script errors {probe['exceptions']}")
                sized = [s for s in probe["svgs"] if s["width"] >= 100 and s["height"] >= 30 and s["shapes"] > 3
                         and abs(s["width"] - s["declared"][0]) < 1 and abs(s["height"] - s["declared"][1]) < 1]
                check(len(probe["svgs"]) >= 3 and len(sized) == len(probe["svgs"]),
                      f"{label}: {len(probe['svgs'])} SVG charts laid out: "
                      + ", ".join(f"{s['label']} {s['width']:.0f}x{s['height']:.0f}" for s in probe["svgs"]))
                if language == "zh":
                    check(probe["tofu"] == 0, f"{label}: Chinese characters render in a CJK font "
                          f"({probe['tofu']} of 4 drawn as missing-glyph boxes)")
                check(probe["polylinePoints"] >= 20, f"{label}: voice line has {probe['polylinePoints']} points")
                check(probe["foreign"] == 0 and probe["scripts"] <= 1,
                      f"{label}: only what the page wrote ({probe['foreign']} img/iframe, {probe['scripts']} script)")
                expected = "video" if full["recording"].get("video") else "audio"
                check(probe["player"] == expected, f"{label}: an HTML5 {expected} player ({probe['player']})")
                played = probe["duration"]
                check(played is not None and duration is not None and abs(played - duration) < 1.0,
                      f"{label}: the player streamed the recording: {played} s (report: {duration} s, "
                      f"error: {probe['error']})")
                check(probe["seekTo"] is not None and probe["seekedAt"] is not None
                      and abs(probe["seekedAt"] - probe["seekTo"]) < 0.5,
                      f"{label}: a time link seeks the player to {probe['seekTo']} s (at {probe['seekedAt']})")
                print(f"  screenshot {screenshot}", flush=True)
        # The candidate's development feedback, in the language they spoke, printable.
        for report in sorted(reports, key=lambda r: r["id"]):
            name = f"feedback-{report['id']}-{os.path.splitext(report['file'])[0]}.png"
            screenshot = os.path.join(options.out, name)
            probe = visit(tools, f"{base}/reports/{report['id']}/feedback", cookie, screenshot)
            check(probe["path"] == f"/reports/{report['id']}/feedback" and not probe["exceptions"]
                  and probe["title"] in ("Interview feedback", "面试反馈"),
                  f"{report['file']}: feedback page loads ({probe['title']}), no script errors")
            print(f"  screenshot {screenshot}", flush=True)
        # HR rates the first report through its form (session cookie + CSRF token, as a person would).
        first = sorted(reports, key=lambda r: r["id"])[0]
        submitted, reviewed = rate(tools, f"{base}/reports/{first['id']}", cookie)
        check(submitted and reviewed["path"] == f"/reports/{first['id']}" and "rated in the browser" in reviewed["text"]
              and "admin" in reviewed["text"] and reviewed["foreign"] == 0,
              f"{first['file']}: the rating form saves and the page shows it, comment as text "
              f"({reviewed['text'][:160]!r})")
        api_phase(base, token, sorted(reports, key=lambda r: r["id"]), receiver, secret)
        schemathesis_phase(base, token, options.schemathesis)
        hostile_phase(base, token, inbox, models)
    finally:
        if tools:
            tools.close()
        service.terminate()
        try:
            service.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.kill()
        log.close()
        if failures:
            print(open(os.path.join(work, "serve.log")).read()[-3000:])
        shutil.rmtree(work, ignore_errors=True)
    print(f"live check: {len(failures)} failed" if failures else "live check: all passed", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
