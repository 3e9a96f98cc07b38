#!/usr/bin/env python3
"""Crash loop (issue #15, "The proofs in CI"): SIGKILL `grants append` and `grants serve` at random
moments while they append, then prove that the ledger lost nothing and kept nothing half-written.

    python3 Tools/proofs/crash-loop.py --grants PATH --kills N [--seed S] [--workdir DIR] [--serve-share F]

    --grants PATH     the grants binary to test (e.g. .build/debug/grants)
    --kills N         SIGKILLs to deliver: at least 200 for the proof, fewer for CI
    --seed S          seeds the batches (sizes, events) and the kill plan (default 1)
    --workdir DIR     an empty or new directory for the ledger and batches, kept afterwards
                      (default: a temporary directory, removed after a run that passes)
    --serve-share F   share of the kill attempts aimed at `grants serve` (default 0.25)

A fresh ledger gets EventSchemas/examples/valid.jsonl, Tools/data/seed-targets.jsonl and 50
employers. Batches of 1-5 (half of them), 20-500 or 1,000-5,000 new valid events (people registered
and served, referrals, employments with insured months, certificates and payments opening fresh
streams) go to `grants append FILE`, killed after a random delay within an append's measured
duration, or are POSTed to /v1/events of a `grants serve` that a timer kills. Then it checks:
  - every acknowledged batch (append exited 0 or printed "Appended", or HTTP 2xx) is wholly in the
    log, at consecutive positions in file order; every killed batch is all or nothing;
  - positions are 1..N with no gap, every event is the seed's or a batch's, `grants verify` exits 0;
  - catch-up equals a rebuild: the --json answers of entitlements, payouts, funds, findings,
    performance and performance --service-131 from the projections the appends caught up (cut short
    by kills, finished by the first query) equal their answers after `grants rebuild`.
It prints one line of figures, or exits 1 naming the batch and what was wrong. The seed fixes the
batches and the kill delays; where a delay lands depends on the machine's speed.
"""
import argparse, datetime, http.client, json, random, shutil, socket, subprocess, sys, tempfile
import threading, time, uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEEDS = [REPO / "EventSchemas/examples/valid.jsonl", REPO / "Tools/data/seed-targets.jsonl"]
AGENCY = "91350200MA31XM002D"  # a labour-cooperation agency recognised in valid.jsonl
EMPLOYERS = 50
QUERIES = [["entitlements"], ["payouts"], ["funds"], ["findings"], ["performance"], ["performance", "--service-131"]]
USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def resident_id(n):  # a valid GB 11643 number, distinct for every n
    body = "350203" + (datetime.date(1975, 1, 1) + datetime.timedelta(days=n // 1000)).strftime("%Y%m%d") + f"{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])) % 11]


def credit_code(n):  # a valid GB 32100 unified social credit code
    body = f"91350200MA3CL{n:04d}"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return body + USCC[(31 - sum(USCC.index(c) * w for c, w in zip(body, weights)) % 31) % 31]


def event(rng, type_, stream, data, when, version=1):
    return {"eventId": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "streamId": stream, "type": type_,
            "schemaVersion": version, "occurredAt": when.isoformat(), "actor": "crash-loop", "source": "crash-loop", "data": data}


def employers(rng):
    return [event(rng, "enterprise.registered", f"organisation:{credit_code(i)}", {"enterprise": credit_code(i), "division": "思明区",
                  "name": f"厦门市崩溃循环{i}号有限公司", "industry": "制造业"}, datetime.date(2023, 1, 3)) for i in range(EMPLOYERS)]


def events(rng):
    """An endless stream of valid events, person after person; batches cut it anywhere."""
    n = 0
    while True:
        n += 1
        p, ref, employer = resident_id(n), f"CL-{n:07d}", credit_code(rng.randrange(EMPLOYERS))
        day, job = datetime.date(2024, 1, 2) + datetime.timedelta(days=rng.randrange(60)), f"employment:{employer}:{ref}"

        def ev(type_, stream, data, when=day, version=1):
            return event(rng, type_, stream, data, when, version)
        yield ev("person.registered", "person:" + p, {"person": p, "name": rng.choice("陈林黄张李王吴刘") + rng.choice("建华伟芳敏静丽强磊军"),
                                                     "registeredIn": "思明区", "registrationKind": "unemployment"})
        yield ev("person.group-joined", "person:" + p, {"person": p, "group": "registered-unemployed", "since": day.isoformat()})
        for service in rng.sample(["career-guidance", "job-referral", "job-referral", "job-referral", "training-offer"], rng.randint(1, 5)):
            yield ev("job-service.contacted", "person:" + p, {"person": p, "service": service, "provider": AGENCY, "division": "思明区"})
        yield ev("referral.made", f"referral:{AGENCY}:{ref}", {"agency": AGENCY, "worker": p, "employer": employer,
                                                              "firstTimeInCity": True, "originRegion": "甘肃省兰州市城关区"})
        yield ev("employment.started", job, {"employee": p, "employer": employer, "contract": "fixed-term", "contractMonths": 36,
                                             "labourDispatch": False, "firstTimeInCity": True, "publicWelfarePost": False, "division": "思明区"})
        for m in range(rng.randint(1, 8)):
            yield ev("employment.month-recorded", job, {"employee": p, "employer": employer, "month": f"2024-{3 + m:02d}", "socialInsurancePaid": True,
                                                        "pensionPaid": True, "insuredIn": "350200"}, datetime.date(2024, 4 + m, 10))
        if rng.random() < 0.5:
            cert = f"S350200{n:010d}"
            yield ev("certificate.issued", "certificate:" + cert, {"certificateNumber": cert, "holder": p, "kind": "skill-level", "occupation": "电工",
                     "level": rng.choice(["L3", "L4", "L5"]), "issuer": "厦门市职业技能鉴定指导中心", "classId": "XM-2024-0012", "employer": employer}, version=2)
            if rng.random() < 0.5:
                yield ev("disbursement.made", f"disbursement:{ref}", {"disbursementId": ref, "clause": "XM-2023-187/(一)-c", "amount": 150000,
                         "payee": {"kind": "worker", "person": p}, "subject": p, "voucher": "V" + ref})


def fail(message):
    sys.exit(f"crash-loop: VIOLATION: {message}")  # exit status 1


class Loop:
    def __init__(self, args):
        self.grants, self.dir = str(Path(args.grants).resolve()), Path(args.workdir)
        self.db, rng = str(self.dir / "ledger.sqlite"), random.Random(f"events-{args.seed}")
        self.seeds = SEEDS + [self.dir / "employers.jsonl"]
        self.seeds[-1].write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in employers(rng)), encoding="utf-8")
        self.events, self.plan = events(rng), random.Random(f"kills-{args.seed}")
        self.batches = []  # (name, event ids, "acked" or "killed")
        self.stats = dict(cli=0, cli_mid=0, cli_catchup=0, serve=0, serve_mid=0)
        self.base, self.per_event = 0.1, 0.0003  # an append's seconds, refined by those that run to their end

    def run(self, *args, check=True):
        done = subprocess.run([self.grants, *args, "--db", self.db], capture_output=True, text=True, timeout=1800)
        if check and done.returncode != 0:
            fail(f"`grants {' '.join(args)}` exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def next_batch(self, size=None):
        size = size or self.plan.randint(*self.plan.choice([(1, 5), (1, 5), (20, 500), (1000, 5000)]))
        batch, name = [next(self.events) for _ in range(size)], f"batch-{len(self.batches) + 1:04d}"
        text, path = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in batch), self.dir / f"{name}.jsonl"
        path.write_text(text, encoding="utf-8")
        return name, batch, text, path

    def append(self, kill=True, size=None):
        """`grants append` one batch, SIGKILLed after a random delay unless kill is False."""
        name, batch, _, path = self.next_batch(size)
        # the square weights the delay toward start-up and the transaction, which come before the catch-up
        delay = 1.1 * (self.base + self.per_event * len(batch)) * self.plan.random() ** 2 if kill else 1800
        start, out = time.monotonic(), path.with_suffix(".out")
        with open(out, "w") as output:
            proc = subprocess.Popen([self.grants, "append", str(path), "--db", self.db], stdout=output, stderr=subprocess.STDOUT)
            try:
                code, killed = proc.wait(timeout=delay), False
            except subprocess.TimeoutExpired:
                proc.kill()
                code, killed = proc.wait(), True
        said = "\nAppended " in "\n" + out.read_text(encoding="utf-8")  # printed once the transaction has committed
        if killed:
            self.stats["cli"] += 1
            self.stats["cli_catchup" if said else "cli_mid"] += 1
        elif code != 0:
            fail(f"{name} ({len(batch)} events): append exited {code} without a kill: {out.read_text(encoding='utf-8')[-3000:].strip()}")
        elif len(batch) <= 5:
            self.base = 0.7 * self.base + 0.3 * (time.monotonic() - start)
        elif len(batch) >= 500:
            self.per_event = 0.7 * self.per_event + 0.3 * max(time.monotonic() - start - self.base, 0) / len(batch)
        self.batches.append((name, [e["eventId"] for e in batch], "killed" if killed and not said else "acked"))

    def serve_cycle(self, token):
        """Start `grants serve`, POST batches to it, and SIGKILL it at a random moment (at most 20 POSTs)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(self.dir / "serve.log", "a")
        proc = subprocess.Popen([self.grants, "serve", "--db", self.db, "--port", str(port)], stdout=log, stderr=log)
        lock, inflight, fired = threading.Lock(), [None], []

        def kill():
            with lock:
                fired.append(inflight[0])
                proc.kill()
        timer = threading.Timer(self.plan.uniform(0, 1.1 * (self.base + self.per_event * 1500)), kill)
        try:
            deadline = time.monotonic() + 60
            while self.request(port, "GET", "/health", timeout=5)[0] != 200:
                if proc.poll() is not None or time.monotonic() > deadline:
                    fail(f"grants serve did not answer /health on port {port} within 60 s (exit {proc.poll()}); see {log.name}")
                time.sleep(0.05)
            timer.start()
            for _ in range(20):
                with lock:
                    if fired:
                        break
                name, batch, text, _ = self.next_batch()
                with lock:
                    inflight[0] = name
                status, body = self.request(port, "POST", "/v1/events", text.encode(), token)
                with lock:
                    inflight[0] = None
                    if status is None and not fired:
                        fail(f"{name}: POST /v1/events got no answer, and serve was not killed (exit {proc.poll()}); see {log.name}")
                if status is not None and not (200 <= status < 300 and json.loads(body).get("appended") == len(batch)):
                    fail(f"{name} ({len(batch)} events): POST /v1/events answered {status} without appending it all: {body[:2000]!r}")
                self.batches.append((name, [e["eventId"] for e in batch], "killed" if status is None else "acked"))
                if status is None:
                    break
        finally:
            timer.cancel()
            with lock:
                fired.append(None)  # when the timer had not fired: a kill between requests
                proc.kill()
            proc.wait()
            log.close()
        self.stats["serve"] += 1
        self.stats["serve_mid"] += fired[0] is not None and self.batches[-1][2] == "killed"

    @staticmethod
    def request(port, method, path, body=None, token=None, timeout=600):
        """(status, body), or (None, b"") when the connection failed or broke."""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request(method, path, body, {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"} if token else {})
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            return None, b""

    def answers(self):
        return {" ".join(q): self.run(*q, "--json").stdout for q in QUERIES}

    def check(self):
        with subprocess.Popen([self.grants, "events", "--json", "--db", self.db], stdout=subprocess.PIPE, text=True) as proc:
            log = [{k: e[k] for k in ("position", "eventId", "type")} for e in map(json.loads, proc.stdout)]
        if proc.returncode != 0:
            fail(f"grants events --json exited {proc.returncode}")
        where, gap = {e["eventId"]: e["position"] for e in log}, next((i + 1 for i, e in enumerate(log) if e["position"] != i + 1), None)
        if gap or len(where) != len(log):
            fail(f"positions are not 1..{len(log)}: position {gap} is missing or out of order" if gap else "an event id is at two positions")
        verify = self.run("verify", "--json", check=False)
        if verify.returncode != 0:
            fail(f"grants verify exited {verify.returncode}: {verify.stdout.strip()} {verify.stderr.strip()}")
        head = json.loads(verify.stdout.splitlines()[-1])["headPosition"]
        if head != len(log):
            fail(f"grants verify says the head is {head}, the log lists {len(log)} events")
        known = {json.loads(line)["eventId"] for path in self.seeds for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
        whole = absent = 0
        for name, ids, outcome in self.batches:
            present = [where[i] for i in ids if i in where]
            if outcome == "acked" and len(present) != len(ids):
                fail(f"{name} was acknowledged but {len(ids) - len(present)} of its {len(ids)} events are not in the log")
            if present and len(present) != len(ids):
                fail(f"{name} was killed and is half-written: {len(present)} of its {len(ids)} events are in the log")
            if present and present != list(range(present[0], present[0] + len(ids))):
                fail(f"{name}'s events are not at consecutive positions in file order (first at {present[0]})")
            known.update(ids if present else [])
            whole, absent = whole + (outcome == "killed" and bool(present)), absent + (outcome == "killed" and not present)
        stray = [e for e in log if e["eventId"] not in known and e["type"] != "ledger.day-opened"]
        if stray:
            fail(f"position {stray[0]['position']} holds event {stray[0]['eventId']}, which no batch sent")
        caught_up = self.answers()  # the first query catches up what the last killed process left
        # The caught-up rows themselves against a rebuild in memory, projection by projection.
        check = self.run("verify", "--projections", "--json", check=False)
        if check.returncode != 0:
            fail(f"grants verify --projections: the caught-up projections differ from a rebuild: {check.stdout.strip()}")
        digests = self.run("rebuild", "--json").stdout.splitlines()
        rebuilt = self.answers()
        for query in caught_up:
            if caught_up[query] != rebuilt[query]:
                for label, answers in (("caught-up", caught_up), ("rebuilt", rebuilt)):
                    (self.dir / f"{label}.json").write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
                fail(f"`grants {query} --json` answers differently after `grants rebuild`: see caught-up.json and rebuilt.json in {self.dir}")
        return head, whole, absent, len(digests)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grants", required=True)
    parser.add_argument("--kills", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir")
    parser.add_argument("--serve-share", type=float, default=0.25)
    args = parser.parse_args()
    keep, args.workdir = args.workdir is not None, args.workdir or tempfile.mkdtemp(prefix="crash-loop-")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    if any(Path(args.workdir).iterdir()):
        sys.exit(f"crash-loop: {args.workdir} is not empty")
    started, loop = time.monotonic(), Loop(args)
    loop.run("init")
    for seed in loop.seeds:
        loop.run("append", str(seed))
    token = loop.run("tokens", "create", "--role", "intake").stdout.splitlines()[0].strip()
    loop.append(kill=False, size=1)  # two appends run to their end, to time a small and a large one
    loop.append(kill=False, size=2000)
    for tries in range(1, 20 * args.kills + 2):
        if loop.stats["cli"] + loop.stats["serve"] >= args.kills:
            break
        if tries > 20 * args.kills:
            fail(f"only {loop.stats['cli'] + loop.stats['serve']} of {args.kills} kills landed in {20 * args.kills} tries")
        if loop.plan.random() < args.serve_share:
            loop.serve_cycle(token)
        else:
            loop.append(kill=loop.plan.random() < 0.85)
    head, whole, absent, digests = loop.check()
    s, acked = loop.stats, sum(b[2] == "acked" for b in loop.batches)
    print(f"crash-loop: seed {args.seed}: {s['cli'] + s['serve']} kills delivered (append {s['cli']}: {s['cli_mid']} before the commit "
          f"was reported, {s['cli_catchup']} in catch-up; serve {s['serve']}: {s['serve_mid']} with a POST in flight); "
          f"{len(loop.batches)} batches, {acked} acknowledged and whole, {whole + absent} killed: {whole} whole, {absent} absent; "
          f"head {head}, gapless, verify intact; {len(QUERIES)} queries equal after rebuild ({digests} digests); "
          f"{time.monotonic() - started:.1f} s")
    if not keep:
        shutil.rmtree(args.workdir)


if __name__ == "__main__":
    main()
