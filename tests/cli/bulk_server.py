#!/usr/bin/env python3
"""A loopback Cloudflare Images server for `cfimages sync` / `export` tests
and the bulk benchmark (tests/cli/cli_bulk.sh, bench/bulk/run).

Implements what sync and export use: upload (multipart POST .../images/v1,
409 for an ID that exists), get (.../images/v1/<id>), blob
(.../images/v1/<id>/blob), list v2 (.../images/v2, continuation tokens),
and batch tokens (.../images/v1/batch_token, and the batch host's paths
without /accounts/<id>). With:

  --latency S     every answer waits S seconds (default 0.04)
  --rate Q        at most Q requests in any 1 s window (a sliding window);
                  more are refused with 429 and Retry-After; every answer
                  carries Ratelimit-Policy / Ratelimit headers (default 100)
  --faults P      this share of uploads fails ambiguously: the image is
                  stored, then the connection is dropped without an answer
                  (half of them) or answered with 502 (default 0.04)
  --seed N        the faults' random seed (default 1)
  --lifetime S    exits by itself after S seconds (default 120)

Listens on 127.0.0.1 on an ephemeral port, written to PORT_FILE (atomically)
once it listens. GET /__stats answers what happened: how often each ID was
stored, requests, 429s, faults, and the times of the first and last
request served; GET /__images answers {id: sha256 of the stored bytes}.
Stop it by its PID.

    bulk_server.py PORT_FILE [options]
"""
import argparse
import collections
import hashlib
import json
import os
import random
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

ap = argparse.ArgumentParser()
ap.add_argument("port_file")
ap.add_argument("--latency", type=float, default=0.04)
ap.add_argument("--rate", type=int, default=100)
ap.add_argument("--faults", type=float, default=0.04)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--lifetime", type=float, default=120)
args = ap.parse_args()

lock = threading.Lock()
rng = random.Random(args.seed)
images = {}            # id -> (bytes, content_type, meta, uploaded)
stores = collections.Counter()
stats = collections.Counter()
served_times = []      # monotonic times of requests served (not 429)
window = collections.deque()

PATH = re.compile(r"^(?:/accounts/[^/]+)?/images/(v1|v2)(?:/([^?]*))?$")


def image_json(i, meta):
    return {"id": i, "filename": i.rsplit("/", 1)[-1], "meta": meta, "requireSignedURLs": False,
            "uploaded": "2024-01-02T03:04:05.000Z", "draft": False, "creator": None,
            "variants": ["https://imagedelivery.net/h/" + i + "/public"]}


def parse_multipart(body, ctype):
    m = re.search(r'boundary="?([^";]+)"?', ctype or "")
    if not m:
        return {}
    sep = b"--" + m.group(1).encode()
    parts = {}
    for chunk in body.split(sep)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, _, data = chunk.partition(b"\r\n\r\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        name = re.search(rb'name="([^"]*)"', head)
        ct = re.search(rb"Content-Type: *([^\r\n]+)", head, re.I)
        if name:
            parts[name.group(1).decode()] = (data, ct.group(1).decode() if ct else "")
    return parts


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # a client killed on purpose (kill -9 tests)

    def send(self, status, body, ctype="application/json", extra=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        for k, v in self.limit_headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def envelope(self, status, result=None, code=None, message=None):
        if code is None:
            doc = {"success": True, "errors": [], "messages": [], "result": result}
        else:
            doc = {"success": False, "errors": [{"code": code, "message": message}], "messages": [], "result": None}
        self.send(status, doc)

    def admit(self):
        """The rate limit: a sliding 1 s window. Returns True when served."""
        now = time.monotonic()
        with lock:
            while window and window[0] <= now - 1.0:
                window.popleft()
            stats["requests"] += 1
            if self.path.startswith("/images/"):
                stats["batch host"] += 1   # a batch-token call (no /accounts/<id>)
            if "Bearer batch-" in self.headers.get("Authorization", ""):
                stats["with batch token"] += 1
            full = len(window) >= args.rate
            if not full:
                window.append(now)
                served_times.append(now)
            reset = max(1, int(window[0] + 1.0 - now + 0.999)) if window else 1
            self.limit_headers = [("Ratelimit-Policy", '"default";q=%d;w=1' % args.rate),
                                  ("Ratelimit", '"default";r=%d;t=%d' % (max(0, args.rate - len(window)), reset))]
            if full:
                stats["429"] += 1
        if full:
            self.send(429, {"success": False, "errors": [{"code": 971, "message": "Please wait and consider throttling your request speed"}],
                            "messages": [], "result": None}, extra=[("Retry-After", "1")])
        return not full

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.limit_headers = []
        u = urlsplit(self.path)
        if u.path == "/__stats":
            with lock:
                doc = {"stores": dict(stores), "stats": dict(stats), "images": len(images),
                       "first": served_times[0] if served_times else None,
                       "last": served_times[-1] if served_times else None,
                       "served": len(served_times)}
            return self.send(200, doc)
        if u.path == "/__images":
            with lock:
                doc = {i: hashlib.sha256(v[0]).hexdigest() for i, v in images.items()}
            return self.send(200, doc)
        if not self.admit():
            return
        time.sleep(args.latency)
        m = PATH.match(u.path)
        if not m or not self.headers.get("Authorization", self.headers.get("X-Auth-Key")):
            return self.envelope(404 if m is None else 401, code=10000, message="not found or no credentials")
        version, rest = m.group(1), unquote(m.group(2) or "")
        with lock:
            stats["GET " + version] += 1
        if version == "v2" and rest == "":
            q = parse_qs(u.query)
            per = int(q.get("per_page", ["1000"])[0])
            start = q.get("continuation_token", [""])[0]
            with lock:
                ids = sorted(images)
            ids = [i for i in ids if i > start] if start else ids
            page = ids[:per]
            token = page[-1] if len(ids) > per else None
            with lock:
                result = {"images": [image_json(i, images[i][2]) for i in page if i in images],
                          "continuation_token": token}
            return self.envelope(200, result)
        if version == "v1" and rest == "batch_token":
            with lock:
                stats["batch_token"] += 1
            return self.envelope(200, {"token": "batch-" + str(rng.random()), "expiresAt": "2099-01-01T00:00:00Z"})
        if version == "v1" and rest.endswith("/blob"):
            with lock:
                img = images.get(rest[:-5])
            if img is None:
                return self.envelope(404, code=5404, message="Image not found")
            return self.send(200, img[0], ctype=img[1])
        if version == "v1" and rest:
            with lock:
                img = images.get(rest)
            if img is None:
                return self.envelope(404, code=5404, message="Image not found")
            return self.envelope(200, image_json(rest, img[2]))
        return self.envelope(404, code=10000, message="no such route")

    def do_POST(self):
        self.limit_headers = []
        u = urlsplit(self.path)
        data = self.body()
        if not self.admit():
            return
        time.sleep(args.latency)
        m = PATH.match(u.path)
        if not m or m.group(1) != "v1" or m.group(2):
            return self.envelope(404, code=10000, message="no such route")
        parts = parse_multipart(data, self.headers.get("Content-Type"))
        if "file" not in parts or "id" not in parts:
            return self.envelope(400, code=5400, message="file and id required")
        i = parts["id"][0].decode()
        meta = json.loads(parts["metadata"][0]) if "metadata" in parts else {}
        with lock:
            stats["uploads"] += 1
            if i in images:
                stats["409"] += 1
                exists = True
            else:
                exists = False
                images[i] = (parts["file"][0], parts["file"][1], meta)
                stores[i] += 1
                fault = rng.random() < args.faults
                drop = rng.random() < 0.5
        if exists:
            return self.envelope(409, code=5409, message="Resource already exists")
        if fault:
            with lock:
                stats["faults"] += 1
            if drop:
                self.close_connection = True   # stored, and no answer at all
                return
            return self.envelope(502, code=10502, message="Bad gateway (stored anyway)")
        return self.envelope(200, image_json(i, meta))


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 128
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
threading.Timer(args.lifetime, lambda: os._exit(0)).start()
srv.serve_forever()
