#!/usr/bin/env python3
r"""Independent verifier for GrantLedger checkpoints and inclusion proofs (Python 3 + cryptography).

    verify-proof.py PROOF.json [--public-key HEX]
    verify-proof.py --checkpoint CHECKPOINT.json [--public-key HEX]

Prints one line, "VALID: ..." (exit 0) or "INVALID: <reason>" (exit 1); exit 2 is a usage error.
Format (hex is lower-case, SHA-256 throughout):
  checkpoint {"format": "grantledger-checkpoint/1", "treeSize": N >= 1, "rootHash", "headHash":
    hex64, "signedAt": "YYYY-MM-DDTHH:MM:SS.mmmZ", "publicKey": hex64 (raw Ed25519), "signature":
    hex128}; Ed25519 signs "grantledger-checkpoint/1\n<treeSize>\n<rootHash>\n<headHash>\n<signedAt>\n".
  proof {"format": "grantledger-proof/1", "event": {...}, "previousHash", "eventHash": hex64,
    "leafIndex": position - 1, "treeSize": N, "auditPath": [hex64, ...], "checkpoint": {...}}.
  eventHash = SHA256(previousHash || "GL1" || 13 fields, each a 4-byte big-endian length + UTF-8):
    position, eventId, streamId, streamVersion, type, schemaVersion, occurredAt, recordedAt, actor,
    source, correlationId, causationId, data (integers in decimal, null/absent ids as "", data
    exactly as given). previousHash is 32 zero bytes at position 1; the eventHash at position N
    is checkpoint.headHash. Merkle tree per RFC 9162 2.1.1: leaf i is position i+1, leaf hash
    SHA256(0x00 || eventHash), node SHA256(0x01 || left || right); the audit path is checked
    with the algorithm of RFC 9162 2.1.3.2 against checkpoint.rootHash.
"""
import argparse, hashlib, json, re, struct, sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:
    print("verify-proof: needs the cryptography package (python3 -m pip install cryptography)", file=sys.stderr)
    sys.exit(2)

CHECKPOINT_FORMAT, PROOF_FORMAT = "grantledger-checkpoint/1", "grantledger-proof/1"
SIGNED_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
EVENT_FIELDS = ("position", "eventId", "streamId", "streamVersion", "type", "schemaVersion",
                "occurredAt", "recordedAt", "actor", "source", "correlationId", "causationId", "data")
INT_FIELDS, NULLABLE = {"position", "streamVersion", "schemaVersion"}, {"correlationId", "causationId"}
KINDS = {int: "an integer", str: "a string", dict: "an object", list: "an array"}


class Invalid(Exception):
    pass


def sha256(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def get(obj, key, kind, prefix=""):
    """obj[key], which must exist and be of kind (int excludes true/false and 1.0)."""
    if not isinstance(obj, dict):
        raise Invalid(f"{prefix.rstrip('.') or 'file'}: expected a JSON object")
    if key not in obj:
        raise Invalid(f"{prefix}{key}: missing")
    value = obj[key]
    if (type(value) is not int) if kind is int else not isinstance(value, kind):
        raise Invalid(f"{prefix}{key}: expected {KINDS[kind]}, got {json.dumps(value)[:40]}")
    return value


def hex_bytes(value, nbytes, name):
    if not isinstance(value, str) or not re.fullmatch(f"[0-9a-f]{{{2 * nbytes}}}", value):
        raise Invalid(f"{name}: expected a string of {2 * nbytes} lower-case hex digits")
    return bytes.fromhex(value)


def verify_checkpoint(cp, expected_key, prefix=""):
    """Check a checkpoint object's members and signature; return them parsed."""
    fmt = get(cp, "format", str, prefix)
    if fmt != CHECKPOINT_FORMAT:
        raise Invalid(f"{prefix}format: expected {CHECKPOINT_FORMAT!r}, got {fmt!a}")
    size = get(cp, "treeSize", int, prefix)
    if size < 1:
        raise Invalid(f"{prefix}treeSize: must be >= 1, got {size}")
    hexes = {k: hex_bytes(get(cp, k, str, prefix), n, prefix + k)
             for k, n in (("rootHash", 32), ("headHash", 32), ("publicKey", 32), ("signature", 64))}
    signed_at = get(cp, "signedAt", str, prefix)
    if not SIGNED_AT.fullmatch(signed_at):
        raise Invalid(f"{prefix}signedAt: expected YYYY-MM-DDTHH:MM:SS.mmmZ, got {signed_at!a}")
    key = hexes["publicKey"]
    if expected_key is not None and key != expected_key:
        raise Invalid(f"{prefix}publicKey: {key.hex()} is not the key given with --public-key")
    message = f"{CHECKPOINT_FORMAT}\n{size}\n{cp['rootHash']}\n{cp['headHash']}\n{signed_at}\n"
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(hexes["signature"], message.encode())
    except InvalidSignature:
        raise Invalid(f"{prefix}signature: does not verify under {prefix}publicKey") from None
    except ValueError as e:
        raise Invalid(f"{prefix}publicKey: not a usable Ed25519 key ({e})") from None
    return dict(hexes, size=size, signedAt=signed_at)


def root_from_path(index, size, leaf, path):
    """RFC 9162 section 2.1.3.2: the root implied by a leaf hash and its audit path."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Invalid(f"auditPath: too long ({len(path)} hashes) for leafIndex {index}, treeSize {size}")
        if fn & 1 or fn == sn:
            r = sha256(b"\x01", p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha256(b"\x01", r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Invalid(f"auditPath: too short ({len(path)} hashes) for leafIndex {index}, treeSize {size}")
    return r


def verify_proof(doc, expected_key):
    fmt = get(doc, "format", str)
    if fmt != PROOF_FORMAT:
        raise Invalid(f"format: expected {PROOF_FORMAT!r}, got {fmt!a}")
    event = get(doc, "event", dict)
    cp = verify_checkpoint(get(doc, "checkpoint", dict), expected_key, "checkpoint.")
    prev, event_hash = (hex_bytes(get(doc, k, str), 32, k) for k in ("previousHash", "eventHash"))
    leaf_index, tree_size = get(doc, "leafIndex", int), get(doc, "treeSize", int)
    path = [hex_bytes(h, 32, f"auditPath[{i}]") for i, h in enumerate(get(doc, "auditPath", list))]
    fields = []
    for f in EVENT_FIELDS:
        if f in NULLABLE and event.get(f) is None:
            fields.append(b"")
        else:
            fields.append(str(get(event, f, int if f in INT_FIELDS else str, "event.")).encode())
    position = event["position"]
    if tree_size != cp["size"]:
        raise Invalid(f"treeSize: {tree_size} differs from checkpoint.treeSize {cp['size']}")
    if leaf_index != position - 1:
        raise Invalid(f"leafIndex: {leaf_index} is not event.position - 1 ({position - 1})")
    if not 1 <= position <= tree_size:
        raise Invalid(f"event.position: {position} is not within 1..treeSize ({tree_size})")
    if position == 1 and prev != bytes(32):
        raise Invalid("previousHash: must be all zeros for position 1")
    computed = sha256(prev, b"GL1", *(struct.pack(">I", len(b)) + b for b in fields))
    if computed != event_hash:
        raise Invalid(f"eventHash: the event and previousHash hash to {computed.hex()} instead")
    if position == tree_size and event_hash != cp["headHash"]:
        raise Invalid("checkpoint.headHash: differs from the eventHash of the last event")
    root = root_from_path(leaf_index, tree_size, sha256(b"\x00", event_hash), path)
    if root != cp["rootHash"]:
        raise Invalid(f"auditPath: leads to root {root.hex()}, not to checkpoint.rootHash")
    return f"event {json.dumps(event['eventId'])} at position {position} in tree of size {tree_size}", cp


def load(path):
    def no_duplicates(pairs):  # two "data" members could be read differently by another tool
        if len({k for k, _ in pairs}) != len(pairs):
            raise Invalid("file: an object has duplicate member names")
        return dict(pairs)

    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"), object_pairs_hook=no_duplicates)
        json.dumps(doc, ensure_ascii=False).encode("utf-8")  # rejects lone surrogates, e.g. "\ud800"
        return doc
    except OSError as e:
        raise Invalid(f"cannot read {path!a}: {e.strerror}") from None
    except (ValueError, RecursionError) as e:  # includes bad UTF-8 and lone surrogates
        raise Invalid(f"file: not valid UTF-8 JSON ({e})") from None


def main(argv=None):
    ap = argparse.ArgumentParser(description="Verify a GrantLedger inclusion proof or checkpoint.")
    ap.add_argument("proof", nargs="?", metavar="PROOF.json")
    ap.add_argument("--checkpoint", metavar="CHECKPOINT.json", help="verify a checkpoint's signature only")
    ap.add_argument("--public-key", metavar="HEX", help="the bureau's published Ed25519 key (64 hex digits)")
    args = ap.parse_args(argv)
    if (args.proof is None) == (args.checkpoint is None):
        ap.error("give exactly one of PROOF.json or --checkpoint CHECKPOINT.json")
    expected = None
    if args.public_key is not None:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", args.public_key.strip()):
            ap.error("--public-key must be 64 hex digits (a raw Ed25519 public key)")
        expected = bytes.fromhex(args.public_key.strip())
    try:
        doc = load(args.proof or args.checkpoint)
        if args.proof is not None:
            what, cp = verify_proof(doc, expected)
        else:
            cp = verify_checkpoint(doc, expected)
            what = f"checkpoint of tree size {cp['size']}, rootHash {cp['rootHash'].hex()}"
    except Invalid as e:
        print(f"INVALID: {e}")
        return 1
    key = cp["publicKey"].hex()
    print(f"VALID: {what}; signer key {key[:16]}...; signedAt {cp['signedAt']}")
    if expected is None:
        print(f"NOTE: the signer's public key {key} was taken from the file itself; compare it "
              "with the key the bureau published (or pass --public-key HEX).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
