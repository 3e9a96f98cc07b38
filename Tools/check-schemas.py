#!/usr/bin/env python3
"""Cross-checks EventSchemas/ with an independent JSON Schema implementation.

Uses Python's `jsonschema` package (Draft202012Validator), not GrantLedger's own validator:
- every schema file is itself a valid draft 2020-12 schema;
- every examples/<type>.v<N>.valid.json, and every line of examples/valid.jsonl, validates
  against its type's schema and against the envelope schema;
- every invalid case marked "schemaDetects": true fails its type's schema, and every case
  marked false passes it (so the flag says truthfully what a schema can and cannot catch).

Needs `python3 -m pip install jsonschema`. Prints "N passed, M failed"; exits 1 on any failure.
"""

import json
import pathlib
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.exit("check-schemas: needs the jsonschema package (python3 -m pip install jsonschema)")

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "EventSchemas"
EXAMPLES = SCHEMAS / "examples"

passed = 0
failures = []


def record(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)


def first_error(validator, instance):
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))), None)
    if error is None:
        return None
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"{path}: {error.message}"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


validators = {}
for path in sorted(SCHEMAS.glob("*.schema.json")):
    schema = load(path)
    try:
        Draft202012Validator.check_schema(schema)
        record(True, path.name)
    except Exception as error:  # SchemaError
        record(False, f"{path.name}: not a valid draft 2020-12 schema: {error}")
        continue
    validators[path.name[: -len(".schema.json")]] = Draft202012Validator(schema)

envelope = validators.pop("envelope.v1", None)
if envelope is None:
    record(False, "envelope.v1.schema.json is missing")


def validator_for(event, where):
    key = f"{event.get('type')}.v{event.get('schemaVersion')}"
    validator = validators.get(key)
    if validator is None:
        record(False, f"{where}: no schema {key}.schema.json")
    return validator


def check_valid(event, where):
    validator = validator_for(event, where)
    if validator is not None:
        error = first_error(validator, event)
        record(error is None, f"{where}: should be valid but {error}")
    if envelope is not None:
        error = first_error(envelope, event)
        record(error is None, f"{where}: fails the envelope schema: {error}")


for key in sorted(validators):
    valid = EXAMPLES / f"{key}.valid.json"
    invalid = EXAMPLES / f"{key}.invalid.json"
    if not valid.exists() or not invalid.exists():
        record(False, f"{key}: missing {valid.name if not valid.exists() else invalid.name}")
        continue
    check_valid(load(valid), valid.name)
    cases = load(invalid)
    record(any(case.get("schemaDetects") for case in cases), f"{invalid.name}: no case has schemaDetects true")
    for i, case in enumerate(cases):
        where = f"{invalid.name}[{i}] ({case.get('why', '')})"
        event = case["event"]
        validator = validators.get(f"{event.get('type')}.v{event.get('schemaVersion')}", validators[key])
        error = first_error(validator, event)
        if case["schemaDetects"]:
            record(error is not None, f"{where}: marked schemaDetects true, but the schema accepts it")
        else:
            record(error is None, f"{where}: marked schemaDetects false, but the schema refuses it: {error}")

log = EXAMPLES / "valid.jsonl"
if log.exists():
    with open(log, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            check_valid(json.loads(line), f"valid.jsonl line {number}")
else:
    record(False, "examples/valid.jsonl is missing")

for failure in failures:
    print("FAIL " + failure)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
