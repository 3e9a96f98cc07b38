#!/usr/bin/env python3
"""Load on `grants serve`, bounded, on loopback only: 4 connections append a synthetic city in
batches while 4 others read timelines of its people; then the same events appended by the CLI
to a fresh ledger, for the ratio. Prints the figures as a Markdown table.

    swift build -c release --product grants --product grants-city
    python3 Tools/load/http-load.py [--events 40000] [--batch 1000] [--binary .build/release]

The goals (issue #12): HTTP append at least 50% of the CLI's batched append rate, and a
timeline's p99 at most 20 ms while the appends run. The run stops by itself: every request has
a timeout, the readers stop when the writers are done, and the server is stopped at the end."""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--events", type=int, default=40_000)
parser.add_argument("--batch", type=int, default=1_000)
parser.add_argument("--writers", type=int, default=4)
parser.add_argument("--readers", type=int, default=4)
parser.add_argument("--binary", default=".build/release")
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()

grants = os.path.join(args.binary, "grants")
city = os.path.join(args.binary, "grants-city")
for tool in (grants, city):
    if not os.access(tool, os.X_OK):
        sys.exit(f"{tool} is missing: swift build -c release --product grants --product grants-city")

work = tempfile.mkdtemp(prefix="grants-load-")
server = None
try:
    feed = os.path.join(work, "city.jsonl")
    subprocess.run([city, "--events", str(args.events), "--seed", str(args.seed), "--quiet", "--output", feed], check=True)
    with open(feed, "rb") as f:
        lines = f.read().splitlines()
    people = sorted({m.group(1).decode() for line in lines for m in [re.search(rb'"person":"([0-9X]{18})"', line)] if m})[:500]
    batches = [b"\n".join(lines[i:i + args.batch]) + b"\n" for i in range(0, len(lines), args.batch)]

    # The CLI's batched append, the yardstick: the same events, a batch a file, projections skipped.
    cli_db = os.path.join(work, "cli.sqlite")
    subprocess.run([grants, "init", "--db", cli_db], check=True, capture_output=True)
    started = time.perf_counter()
    for n, batch in enumerate(batches):
        path = os.path.join(work, f"batch-{n}.jsonl")
        with open(path, "wb") as f:
            f.write(batch)
        subprocess.run([grants, "append", path, "--db", cli_db, "--skip-projections"], check=True, capture_output=True)
        os.remove(path)
    cli_seconds = time.perf_counter() - started

    db = os.path.join(work, "ledger.sqlite")
    subprocess.run([grants, "init", "--db", db], check=True, capture_output=True)
    tokens = {role: subprocess.run([grants, "tokens", "create", "--role", role, "--db", db], check=True, capture_output=True,
                                   text=True).stdout.split("\n")[0] for role in ("intake", "caseworker")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([grants, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.log"), "wb"))
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("the service did not start")

    queue = list(enumerate(batches))
    lock = threading.Lock()
    appended = [0]
    failures = []
    latencies = []
    done = threading.Event()

    def writer():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    return
                n, batch = queue.pop(0)
            connection.request("POST", "/v1/events", body=batch, headers={
                "Authorization": "Bearer " + tokens["intake"], "Content-Type": "application/x-ndjson"})
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                failures.append(f"batch {n}: {response.status} {body[:200]!r}")
                continue
            with lock:
                appended[0] += json.loads(body)["appended"]

    def reader(k):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k
        while not done.is_set():
            person = people[i % len(people)] if people else "000000000000000000"
            i += args.readers
            began = time.perf_counter()
            connection.request("GET", f"/v1/people/{person}/timeline", headers={"Authorization": "Bearer " + tokens["caseworker"]})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            if response.status == 200:
                latencies.append(elapsed)
            elif response.status not in (403, 404):  # a person not appended yet: not a timeline read
                failures.append(f"timeline: {response.status}")

    readers = [threading.Thread(target=reader, args=(k,)) for k in range(args.readers)]
    writers = [threading.Thread(target=writer) for _ in range(args.writers)]
    started = time.perf_counter()
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    http_seconds = time.perf_counter() - started
    done.set()
    for t in readers:
        t.join()

    latencies.sort()
    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")
    cli_rate, http_rate = len(lines) / cli_seconds, appended[0] / http_seconds
    print(f"| events | batch | CLI append | HTTP append ({args.writers} connections) | HTTP / CLI | timelines read | timeline p50 / p99 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(lines):,} | {args.batch:,} | {cli_rate:,.0f}/s | {http_rate:,.0f}/s | {100 * http_rate / cli_rate:.0f}% | "
          f"{len(latencies):,} | {percentile(0.5):.1f} / {percentile(0.99):.1f} ms |")
    if failures:
        print(f"{len(failures)} failures, the first: {failures[0]}", file=sys.stderr)
        sys.exit(1)
finally:
    if server:
        server.terminate()
        server.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
