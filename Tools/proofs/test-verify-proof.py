#!/usr/bin/env python3
"""Self-contained test for Tools/verify-proof.py (needs Python 3 and `cryptography`).

Builds checkpoints and inclusion proofs itself, straight from the format specification
(an event hash chain, an RFC 9162 Merkle tree written recursively here, Ed25519
signatures with a fresh key), so it shares no code with GrantLedger or with the
verifier. Then:
  - every leaf of trees of size 1..17, 31, 32, 33, 64 and 100 must verify (VALID);
  - every checkpoint must verify with --checkpoint;
  - each field of a few proofs and checkpoints is altered, and the verifier must say
    INVALID and name the field; malformed files must be INVALID, never a traceback;
  - a handful of runs go through a real `python3 verify-proof.py` process to check
    exit codes, one-line output and the stderr note about the key.
Most cases call the verifier's main() in-process (same argv, stdout and exit code) to
keep the run to a second or two. Prints one summary line; exits 1 on any failure.

    python3 Tools/proofs/test-verify-proof.py [-v]
"""
import contextlib, copy, hashlib, importlib.util, io, itertools, json, os, shutil, subprocess, sys, tempfile, time
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERIFIER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "verify-proof.py")
VERBOSE = "-v" in sys.argv[1:]
ZERO = bytes(32)
SIZES = list(range(1, 18)) + [31, 32, 33, 64, 100]


# --- the specification, implemented independently ------------------------------------

def sha(data):
    return hashlib.sha256(data).digest()


def event_hash(prev, ev):
    def field(value):
        raw = str(value).encode("utf-8")
        return len(raw).to_bytes(4, "big") + raw
    values = [ev["position"], ev["eventId"], ev["streamId"], ev["streamVersion"], ev["type"],
              ev["schemaVersion"], ev["occurredAt"], ev["recordedAt"], ev["actor"], ev["source"],
              ev.get("correlationId") or "", ev.get("causationId") or "", ev["data"]]
    return sha(prev + b"GL1" + b"".join(field(v) for v in values))


def split(n):  # the largest power of two smaller than n (n > 1)
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):  # RFC 9162 2.1.1, over leaf hashes
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def audit_path(m, leaves):  # RFC 9162 2.1.3.1, PATH(m, D[n])
    if len(leaves) == 1:
        return []
    k = split(len(leaves))
    if m < k:
        return audit_path(m, leaves[:k]) + [mth(leaves[k:])]
    return audit_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def public_hex(sk):
    return sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(cp, sk):
    """(Re)sign a checkpoint dict in place with sk, over whatever its members now say."""
    cp["publicKey"] = public_hex(sk)
    message = (f"grantledger-checkpoint/1\n{cp['treeSize']}\n{cp['rootHash']}\n"
               f"{cp['headHash']}\n{cp['signedAt']}\n")
    cp["signature"] = sk.sign(message.encode("utf-8")).hex()
    return cp


def amend(cp, sk, **changes):
    """Change checkpoint members and sign the result properly, as a dishonest signer could."""
    cp.update(changes)
    return sign(cp, sk)


DATA = ['{"amount":"1250.00","grantId":"G-%d"}', '{}', '{"note": "caf\\u00e9 \\"quoted\\"\\n", "n": [1, 2.50]}',
        '{"payee":"Zoë Ångström","memo":"€ 5 — ok 🎉"}', '{"b":1,"a":2}', '']


class Ledger:
    def __init__(self, count, sk, first_prev=ZERO):
        self.sk, self.events, self.prevs, self.hashes = sk, [], [], []
        prev = first_prev
        for pos in range(1, count + 1):
            ev = {"position": pos, "eventId": f"evt-{pos:04d}" if pos % 5 else f"évt-{pos}-ü",
                  "streamId": f"grant-{pos % 3}", "streamVersion": pos // 3 + 1,
                  "type": ("GrantAwarded", "PaymentIssued", "GrantAmended")[pos % 3],
                  "schemaVersion": 1 + pos % 2, "occurredAt": f"2024-03-01T10:{pos % 60:02d}:00.000Z",
                  "recordedAt": f"2024-03-01T11:{pos % 60:02d}:07.123Z",
                  "actor": "clerk@bureau" if pos % 2 else "Zoë Ångström", "source": ("api", "import")[pos % 2],
                  "correlationId": (None, "corr-%d" % pos, "", None)[pos % 4],
                  "causationId": ("cause-%d" % pos, None, None, "")[pos % 4],
                  "data": DATA[pos % len(DATA)].replace("%d", str(pos))}
            if pos % 4 == 3:
                del ev["correlationId"]  # absent, not null
            self.events.append(ev)
            self.prevs.append(prev)
            prev = event_hash(prev, ev)
            self.hashes.append(prev)
        self.leaves = [sha(b"\x00" + h) for h in self.hashes]
        self._checkpoints = {}

    def checkpoint(self, n):
        if n not in self._checkpoints:
            cp = {"format": "grantledger-checkpoint/1", "treeSize": n, "rootHash": mth(self.leaves[:n]).hex(),
                  "headHash": self.hashes[n - 1].hex(),
                  "signedAt": f"2024-05-{n % 28 + 1:02d}T12:00:00.{n % 1000:03d}Z"}
            self._checkpoints[n] = sign(cp, self.sk)
        return copy.deepcopy(self._checkpoints[n])

    def proof(self, i, n):
        return {"format": "grantledger-proof/1", "event": copy.deepcopy(self.events[i]),
                "previousHash": self.prevs[i].hex(), "eventHash": self.hashes[i].hex(), "leafIndex": i,
                "treeSize": n, "auditPath": [h.hex() for h in audit_path(i, self.leaves[:n])],
                "checkpoint": self.checkpoint(n)}


# --- running the verifier -------------------------------------------------------------

spec = importlib.util.spec_from_file_location("verify_proof", VERIFIER)
verifier = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verifier)
TMP = tempfile.mkdtemp(prefix="verify-proof-test-")
results = {"passed": 0, "failed": []}
new_path = (os.path.join(TMP, f"{k}.json") for k in itertools.count())  # rewriting one file is slow on ext4


def run(doc, *args, checkpoint=False, raw=None, dump=None):
    """Run the verifier's main() on doc (or raw bytes); return (exit code, stdout, stderr)."""
    path = next(new_path)
    with open(path, "wb") as f:
        f.write(raw if raw is not None else (dump or json.dumps)(doc).encode("utf-8"))
    argv = (["--checkpoint", path] if checkpoint else [path]) + list(args)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = verifier.main(argv)
        except SystemExit as e:
            code = e.code
        except Exception as e:  # a crash is a failure, reported like any other
            code, err = "crash", io.StringIO(f"{type(e).__name__}: {e}")
    return code, out.getvalue(), err.getvalue()


def check(name, ok, detail=""):
    if ok:
        results["passed"] += 1
    else:
        results["failed"].append(f"{name}: {detail}")
    if VERBOSE or not ok:
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else f" -- {detail}"))


def expect_valid(name, doc, *args, must_mention=(), **kw):
    code, out, err = run(doc, *args, **kw)
    key = (doc.get("checkpoint", doc) if isinstance(doc, dict) else {}).get("publicKey", "")
    ok = code == 0 and out.startswith("VALID: ") and out.count("\n") == 1 and all(m in out for m in must_mention)
    ok = ok and (err == "" if "--public-key" in args else ("taken from the file itself" in err and key in err))
    check(name, ok, f"exit {code}, stdout {out.strip()!r}, stderr {err.strip()!r}")


def expect_invalid(name, doc, field, *args, says="", **kw):
    code, out, err = run(doc, *args, **kw)
    ok = code == 1 and out.startswith("INVALID: ") and out.count("\n") == 1 and out.split(": ")[1] == field
    ok = ok and says in out
    check(name, ok and "Traceback" not in err, f"exit {code}, stdout {out.strip()!r}, stderr {err.strip()!r}, "
          f"wanted INVALID naming {field!r}" + (f" and saying {says!r}" if says else ""))


def flip(hex_string, at=0):  # change one hex digit
    return hex_string[:at] + ("1" if hex_string[at] == "0" else "0") + hex_string[at + 1:]


# --- the cases --------------------------------------------------------------------------

def sanity_of_this_test():
    """The test's own tree against the RFC 6962 / CT reference vectors, so it is not wrong alike."""
    leaves = [sha(b"\x00" + bytes.fromhex(h)) for h in
              ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
    check("own tree: RFC 6962 reference root of 8 leaves",
          mth(leaves).hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    check("own tree: RFC 6962 reference root of 7 leaves",
          mth(leaves[:7]).hex() == "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c")
    check("own tree: RFC 6962 reference audit path of leaf 5 in 8", [h.hex() for h in audit_path(5, leaves)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"])


def every_leaf(ledger, key):
    dumps = [json.dumps, lambda d: json.dumps(d, ensure_ascii=False, indent=2)]
    for n in SIZES:
        expect_valid(f"checkpoint n={n}", ledger.checkpoint(n), checkpoint=True)
        expect_valid(f"checkpoint n={n} --public-key", ledger.checkpoint(n), "--public-key", key, checkpoint=True)
        for i in range(n):
            p = ledger.proof(i, n)
            mention = (json.dumps(p["event"]["eventId"]), f"position {i + 1}", f"size {n}", key[:16],
                       p["checkpoint"]["signedAt"])
            expect_valid(f"proof n={n} i={i}", p, "--public-key", key, must_mention=mention, dump=dumps[(n + i) % 2])


def tampered_proofs(ledger, key, other_sk):
    for n, i in [(1, 0), (2, 1), (7, 0), (7, 3), (7, 6), (16, 9), (17, 16), (33, 31)]:
        base, tag, last, ev = ledger.proof(i, n), f"n={n} i={i}", i == n - 1, ledger.events[i]

        def bad(name, field, change, *args, says=""):  # change a copy of base; expect INVALID naming field
            d = copy.deepcopy(base)
            change(d)
            expect_invalid(f"{tag} {name}", d, field, *args, says=says)

        bad("event.data one character", "eventHash", lambda d: d["event"].update(data=d["event"]["data"] + " "))
        if ev["data"] and json.dumps(json.loads(ev["data"])) != ev["data"]:
            bad("event.data re-serialised", "eventHash",
                lambda d: d["event"].update(data=json.dumps(json.loads(d["event"]["data"]))))
        for f in ("eventId", "streamId", "type", "occurredAt", "recordedAt", "actor", "source",
                  "correlationId", "causationId"):
            bad(f"event.{f}", "eventHash", lambda d: d["event"].update({f: (d["event"].get(f) or "") + "x"}))
        for f in ("streamVersion", "schemaVersion"):
            bad(f"event.{f}", "eventHash", lambda d: d["event"].update({f: d["event"][f] + 1}))
        bad("event.position only", "leafIndex", lambda d: d["event"].update(position=i + 2))
        bad("event.position and leafIndex", "eventHash" if i + 2 <= n else "event.position",
            lambda d: (d["event"].update(position=i + 2), d.update(leafIndex=i + 1)))
        bad("event.position 0", "event.position", lambda d: (d["event"].update(position=0), d.update(leafIndex=-1)))
        bad("leafIndex + 1", "leafIndex", lambda d: d.update(leafIndex=i + 1))
        bad("leafIndex - 1", "leafIndex", lambda d: d.update(leafIndex=i - 1))
        bad("treeSize + 1", "treeSize", lambda d: d.update(treeSize=n + 1))
        bad("treeSize - 1", "treeSize", lambda d: d.update(treeSize=n - 1))
        bad("previousHash", "previousHash" if i == 0 else "eventHash",
            lambda d: d.update(previousHash=flip(d["previousHash"])))
        bad("eventHash", "eventHash", lambda d: d.update(eventHash=flip(d["eventHash"], 63)))
        for j in range(len(base["auditPath"])):
            bad(f"auditPath[{j}]", "auditPath", lambda d: d["auditPath"].__setitem__(j, flip(d["auditPath"][j], 5)))
        if base["auditPath"]:
            bad("auditPath one short", "auditPath", lambda d: d["auditPath"].pop(), says="too short")
            bad("auditPath empty", "auditPath", lambda d: d.update(auditPath=[]), says="too short")
        if len(set(base["auditPath"])) > 1:
            bad("auditPath reversed", "auditPath", lambda d: d["auditPath"].reverse())
        bad("auditPath one extra", "auditPath", lambda d: d["auditPath"].append(base["eventHash"]), says="too long")
        bad("auditPath upper-case hex", "auditPath[0]", lambda d: d["auditPath"].insert(0, "AB" * 32))
        if n > 1:  # another event with its own hashes, but this leaf's audit path
            other = ledger.proof((i + 1) % n, n)
            bad("another event with this path", "auditPath",
                lambda d: d.update({k: other[k] for k in ("event", "previousHash", "eventHash", "leafIndex")}))
        bad("format", "format", lambda d: d.update(format="grantledger-proof/2"))
        cp = base["checkpoint"]
        for f, value, field in [("format", "grantledger-checkpoint/0", "checkpoint.format"),
                                ("treeSize", n + 1, "checkpoint.signature"),
                                ("rootHash", flip(cp["rootHash"], 10), "checkpoint.signature"),
                                ("headHash", flip(cp["headHash"], 10), "checkpoint.signature"),
                                ("signedAt", cp["signedAt"].replace("12:00", "12:01"), "checkpoint.signature"),
                                ("publicKey", public_hex(other_sk), "checkpoint.signature"),
                                ("signature", flip(cp["signature"], 10), "checkpoint.signature"),
                                ("rootHash", cp["rootHash"].upper(), "checkpoint.rootHash")]:
            bad(f"checkpoint.{f} = {str(value)[:8]}", field, lambda d: d["checkpoint"].update({f: value}))
        for f, value, field in [("signedAt", "2024-05-01 12:00:00Z", "checkpoint.signedAt"),
                                ("rootHash", flip(cp["rootHash"]), "auditPath"), ("treeSize", n + 1, "treeSize")]:
            bad(f"checkpoint.{f} re-signed", field, lambda d: amend(d["checkpoint"], ledger.sk, **{f: value}))
        headless = copy.deepcopy(base)
        amend(headless["checkpoint"], ledger.sk, headHash=flip(cp["headHash"]))
        if last:
            expect_invalid(f"{tag} checkpoint.headHash re-signed", headless, "checkpoint.headHash")
        else:  # the spec can check headHash only against the last event
            expect_valid(f"{tag} checkpoint.headHash re-signed (not the last event: undetectable)",
                         headless, "--public-key", key)
        forged = copy.deepcopy(base)
        sign(forged["checkpoint"], other_sk)
        expect_valid(f"{tag} signed by another key, no --public-key", forged)
        expect_invalid(f"{tag} signed by another key, --public-key", forged, "checkpoint.publicKey",
                       "--public-key", key)
        expect_invalid(f"{tag} --public-key of someone else", base, "checkpoint.publicKey",
                       "--public-key", public_hex(other_sk))
        expect_valid(f"{tag} --public-key in upper case", base, "--public-key", key.upper())
        expect_valid(f"{tag} no --public-key (note on stderr)", base)
        extra = copy.deepcopy(base)
        extra["checkpoint"]["note"] = "ignored"
        extra["note"] = "ignored too"
        expect_valid(f"{tag} extra members ignored", extra, "--public-key", key)
        for f in ("correlationId", "causationId"):  # absent, null and "" hash alike
            if not ev.get(f):
                for form in ("absent", None, ""):
                    d = copy.deepcopy(base)
                    d["event"].pop(f, None) if form == "absent" else d["event"].update({f: form})
                    expect_valid(f"{tag} event.{f} {form!r}", d, "--public-key", key)


def malformed(ledger):
    base = ledger.proof(4, 9)
    for raw, field, name in [(b"not json", "file", "not JSON"), (b"", "file", "empty file"),
                             (b"\xff\xfe{}", "file", "not UTF-8"), (b"[]", "file", "an array"),
                             (b"[" * 100000, "file", "deeply nested"),
                             (b'{"format": "a", "format": "grantledger-proof/1"}', "file", "duplicate member"),
                             (json.dumps(base).replace('"data": "', '"data": "\\ud800').encode(), "file",
                              "lone surrogate")]:
        expect_invalid(f"malformed: {name}", None, field, raw=raw)
    expect_invalid("malformed: empty object", None, "format", raw=b"{}")
    for key in ("format", "event", "previousHash", "eventHash", "leafIndex", "treeSize", "auditPath", "checkpoint"):
        d = copy.deepcopy(base)
        del d[key]
        expect_invalid(f"malformed: missing {key}", d, key)
    for key in ("position", "eventId", "streamId", "streamVersion", "type", "schemaVersion", "occurredAt",
                "recordedAt", "actor", "source", "data"):
        d = copy.deepcopy(base)
        del d["event"][key]
        expect_invalid(f"malformed: missing event.{key}", d, f"event.{key}")
    for key in ("format", "treeSize", "rootHash", "headHash", "signedAt", "publicKey", "signature"):
        d = copy.deepcopy(base)
        del d["checkpoint"][key]
        expect_invalid(f"malformed: missing checkpoint.{key}", d, f"checkpoint.{key}")
    for path, value, field in [(("treeSize",), "9", "treeSize"), (("treeSize",), 9.0, "treeSize"),
                               (("leafIndex",), True, "leafIndex"), (("event", "position"), "5", "event.position"),
                               (("event", "data"), {"a": 1}, "event.data"), (("event", "eventId"), 5, "event.eventId"),
                               (("event", "correlationId"), 7, "event.correlationId"), (("event",), [], "event"),
                               (("auditPath",), "abc", "auditPath"), (("auditPath",), [123], "auditPath[0]"),
                               (("checkpoint",), "x", "checkpoint"),
                               (("checkpoint", "treeSize"), True, "checkpoint.treeSize"),
                               (("previousHash",), "zz" * 32, "previousHash"), (("eventHash",), "ab" * 31, "eventHash"),
                               (("previousHash",), "AB" * 32, "previousHash"),
                               (("checkpoint", "rootHash"), "ab" * 33, "checkpoint.rootHash"),
                               (("checkpoint", "publicKey"), "ab" * 33, "checkpoint.publicKey"),
                               (("checkpoint", "signature"), "ab" * 63, "checkpoint.signature"),
                               (("checkpoint", "headHash"), None, "checkpoint.headHash")]:
        d = copy.deepcopy(base)
        target = d
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        expect_invalid(f"malformed: {'.'.join(path)} = {json.dumps(value)[:12]}", d, field)


def bad_genesis_and_range(sk, key):
    ledger = Ledger(5, sk, first_prev=sha(b"not the genesis"))
    expect_invalid("position 1 with non-zero previousHash (consistent tree, signed)", ledger.proof(0, 5),
                   "previousHash")
    expect_valid("position 2 of that ledger (its genesis is not visible to the spec)", ledger.proof(1, 5),
                 "--public-key", key)
    good = Ledger(6, sk)
    d = good.proof(5, 6)  # a real event at position 6, offered against the checkpoint of size 5
    d.update(treeSize=5, checkpoint=good.checkpoint(5))
    expect_invalid("position beyond treeSize", d, "event.position")


def checkpoint_only(ledger, key, other_sk):
    base = ledger.checkpoint(12)
    for f, value in [("treeSize", 13), ("rootHash", flip(base["rootHash"])), ("headHash", flip(base["headHash"])),
                     ("signedAt", base["signedAt"].replace("12:", "13:")), ("signature", flip(base["signature"], 100)),
                     ("publicKey", public_hex(other_sk))]:
        expect_invalid(f"checkpoint only: {f}", dict(base, **{f: value}), "signature", checkpoint=True)
    expect_invalid("checkpoint only: format", dict(base, format="grantledger-proof/1"), "format", checkpoint=True)
    expect_invalid("checkpoint only: treeSize 0 re-signed", amend(dict(base), ledger.sk, treeSize=0), "treeSize",
                   checkpoint=True)
    expect_invalid("checkpoint only: another key", sign(dict(base), other_sk), "publicKey", "--public-key", key,
                   checkpoint=True)
    expect_invalid("checkpoint only: a proof file given", ledger.proof(0, 12), "format", checkpoint=True)
    expect_valid("checkpoint only: note ignored", dict(base, note="hello"), "--public-key", key, checkpoint=True)
    for f in base:
        expect_invalid(f"checkpoint only: missing {f}", {k: v for k, v in base.items() if k != f}, f, checkpoint=True)


def real_processes(ledger, key):
    """A few runs through a real interpreter: exit codes, stdout, stderr, no traceback."""
    def cli(*args, doc=None, raw=None):
        path = next(new_path)
        with open(path, "wb") as f:
            f.write(raw if raw is not None else json.dumps(doc).encode())
        argv = [a.replace("FILE", path) for a in args]
        r = subprocess.run([sys.executable, VERIFIER, *argv], capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout, r.stderr
    good = ledger.proof(2, 5)
    tampered = dict(good, leafIndex=3)
    for name, (code, out, err), want_code, want in [
            ("valid, no key", cli("FILE", doc=good), 0, "VALID: "),
            ("valid, key", cli("FILE", "--public-key", key, doc=good), 0, "VALID: "),
            ("tampered", cli("FILE", doc=tampered), 1, "INVALID: leafIndex"),
            ("not JSON", cli("FILE", raw=b"{oops"), 1, "INVALID: "),
            ("missing file", cli(os.path.join(TMP, "nope.json")), 1, "INVALID: cannot read"),
            ("checkpoint", cli("--checkpoint", "FILE", "--public-key", key, doc=ledger.checkpoint(5)), 0, "VALID: "),
            ("usage: nothing", cli(), 2, ""), ("usage: both", cli("FILE", "--checkpoint", "FILE", doc=good), 2, ""),
            ("usage: bad key", cli("FILE", "--public-key", "xyz", doc=good), 2, "")]:
        ok = code == want_code and out.startswith(want) and "Traceback" not in err
        ok = ok and out.count("\n") == (1 if want else 0)
        if name == "valid, no key":
            ok = ok and "taken from the file itself" in err and "bureau published" in err
        if name in ("valid, key", "checkpoint"):
            ok = ok and err == ""
        check(f"process: {name}", ok, f"exit {code}, stdout {out.strip()!r}, stderr {err.strip()[:200]!r}")


def main():
    started = time.monotonic()
    sk, other_sk = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    key = public_hex(sk)
    ledger = Ledger(max(SIZES), sk)
    sanity_of_this_test()
    every_leaf(ledger, key)
    tampered_proofs(ledger, key, other_sk)
    malformed(ledger)
    bad_genesis_and_range(sk, key)
    checkpoint_only(ledger, key, other_sk)
    real_processes(ledger, key)
    shutil.rmtree(TMP, ignore_errors=True)
    failed = results["failed"]
    print(f"test-verify-proof: {results['passed']} passed, {len(failed)} failed "
          f"({time.monotonic() - started:.1f}s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
