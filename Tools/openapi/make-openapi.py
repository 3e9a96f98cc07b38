#!/usr/bin/env python3
"""The OpenAPI 3.1 document of `grants serve`, written from this one readable source into
Sources/GrantLedgerHTTP/OpenAPIDocument.swift (served at /openapi.json).

    python3 Tools/openapi/make-openapi.py          # rewrite the Swift file
    python3 Tools/openapi/make-openapi.py --check  # CI: fail if the Swift file is stale
    python3 Tools/openapi/make-openapi.py --print  # the JSON document

The document is the contract with intake tools and readers: a test checks that every route the
router serves is in it (and every path in it is served), openapi-spec-validator validates it, and
schemathesis exercises the running service against it (Tools/openapi/check-service.sh)."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SWIFT = ROOT / "Sources/GrantLedgerHTTP/OpenAPIDocument.swift"

def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}

def error(description):
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}

ERRORS = {
    "400": error("A parameter or body that does not parse: `bad-parameter`, `bad-moment`, `bad-period`, `bad-clause`, `bad-anchor`, `bad-json`, `empty`."),
    "401": error("No token, or a malformed, unknown or revoked one: `unauthenticated`."),
    "403": error("The token's role lacks the permission, or what was asked lies outside its scope: `forbidden`."),
    "503": error("The policy catalog did not load, or the projections are not built yet: `catalog-failed`, `projections-not-ready`."),
}
# Routes that append: another append may hold the ledger, and a service without the pseudonym
# key cannot take resident IDs.
WRITES = {**ERRORS, "503": error("The policy catalog did not load, another append held the ledger too long (nothing was written: send it "
                                 "again), or the service has no pseudonym key for resident IDs: `catalog-failed`, `busy`, `key-unavailable`.")}
# Every route but those that change the ledger (append, import, rebuild) is cut short at the
# service's time limit (30 s unless configured otherwise).
LIMITED = {**ERRORS, "503": error("The policy catalog did not load, the projections are not built yet, or the request was not answered within "
                                  "the service's time limit (30 s unless configured otherwise) and was cut short, changing nothing: "
                                  "`catalog-failed`, `projections-not-ready`, `timeout`.")}

def ok(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}

def obj(required, **properties):
    return {"type": "object", "required": required, "properties": properties}

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
OBJECT = {"type": "object"}
ARRAY_OF_OBJECTS = {"type": "array", "items": OBJECT}

def query(name, description, schema=STRING):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

def path(name, description):
    return {"name": name, "in": "path", "required": True, "description": description, "schema": STRING}

MOMENT = [
    query("asOf", "Judge on this business date (YYYY-MM-DD), on the facts dated up to it."),
    query("knownAt", "Use only what the log had recorded by this UTC time (YYYY-MM-DDTHH:MM:SSZ)."),
    query("position", "Use only the events up to this log position (0 or more).", {"type": "string", "pattern": "^[0-9]+$"}),
]
FILTER = [
    query("person", "A person (resident ID or pseudonym): what concerns them."),
    query("payee", "A payee (credit code, pseudonym or name)."),
    query("clause", "A clause id, e.g. XM-2023-187/(九)-b."),
]

def get(summary, permission, parameters, response, extra=None):
    responses = {"200": response, **LIMITED}
    if extra:
        responses.update(extra)
    return {"summary": summary, "description": f"Permission: `{permission}`.", "security": [{"bearer": []}],
            "parameters": parameters, "responses": responses}

NOT_FOUND = {"404": error("No such entitlement, party, target or mapping: `not-found`, `unknown-party`; or a resident ID whose personal data was erased: `erased`.")}
MOMENT_OBJECT = obj(["position"], asOf={"type": ["string", "null"]}, position=INTEGER)

def answer(key, schema):
    return ok(obj(["moment", key], moment=MOMENT_OBJECT, **{key: schema}))

paths = {
    "/health": {"get": {"summary": "Liveness: the process answers.", "security": [],
                        "responses": {"200": ok(obj(["status"], status=STRING))}}},
    "/ready": {"get": {
        "summary": "Readiness: the projections are within the service's --ready-lag events (default 1000) of the log's head.",
        "description": "No token. `head` is the log's last position, `checkpoint` the lowest the projections have applied.",
        "security": [],
        "responses": {
            "200": ok(obj(["status", "head", "checkpoint", "lagEvents", "maxLagEvents"], status={"enum": ["ready"]}, head=INTEGER,
                          checkpoint=INTEGER, lagEvents=INTEGER, maxLagEvents=INTEGER)),
            "503": error("Not ready: the projections trail the head by more than the limit (`not-ready`, with `details` {head, "
                         "checkpoint, lagEvents, maxLagEvents}), or the policy catalog did not load (`catalog-failed`)."),
        },
    }},
    "/metrics": {"get": {
        "summary": "Metrics in the Prometheus text format (0.0.4): appends, projection lag, request latency, catch-up batches, file sizes.",
        "description": "No token: counts by route pattern, reason and status class, positions and sizes; nothing about a person. "
                       "Restrict it at the proxy when the service listens beyond loopback.",
        "security": [],
        "responses": {"200": {"description": "OK", "content": {"text/plain": {"schema": STRING}}}},
    }},
    "/openapi.json": {"get": {"summary": "This document.", "security": [], "responses": {"200": ok(OBJECT)}}},
    "/v1/events": {
        "post": {
            "summary": "Append events: JSON Lines, or a JSON array of events. All or nothing; a resend reports duplicates.",
            "description": "Permission: `append`. Each event as EventSchemas/ describes it. The projections catch up in the background.",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {
                "application/x-ndjson": {"schema": STRING},
                "application/json": {"schema": {"type": "array", "items": OBJECT}},
            }},
            "responses": {
                "200": ok(ref("AppendReport")),
                **WRITES,
                "409": error("An expected stream version did not hold; nothing was appended: `conflict`, with `details.conflicts[]` {line, stream, expected, actual}."),
                "413": error("The body is over 16 MiB: `too-large`."),
                "422": error("Events were rejected; nothing was appended: `rejected`, with `details.issues[]` {line, path, message, suggestions?}."),
            },
        },
        "get": get("Read the log in position order, a page at a time.", "read-events", [
            query("after", "A cursor: the last position of the previous page (default 0).", {"type": "string", "pattern": "^[0-9]+$"}),
            query("limit", "At most this many events (1 to 1000, default 100).", {"type": "string", "pattern": "^[0-9]+$"}),
            query("stream", "Only this stream."), query("type", "Only this event type."),
            query("party", "Only events naming this party (resident ID, pseudonym or credit code)."),
        ], ok(obj(["events", "next"], events={"type": "array", "items": ref("Event")}, next={"type": ["integer", "null"]})), NOT_FOUND),
    },
    "/v1/imports/{mapping}": {"post": {
        "summary": "Import a feed (CSV or JSON Lines) through one of the service's mappings.",
        "description": "Permission: `import`. Bad rows are listed with line and column; with allOrNothing=true nothing is appended unless every row is good.",
        "security": [{"bearer": []}],
        "parameters": [path("mapping", "A mapping's name, e.g. si-months."),
                       query("format", "csv or jsonl (default: from the Content-Type)."),
                       query("allOrNothing", "true to append nothing unless every row is good."),
                       query("encoding", "utf-8 or gb18030: how a CSV feed is read (default: the mapping's encoding).")],
        "requestBody": {"required": True, "content": {"text/csv": {"schema": STRING}, "application/x-ndjson": {"schema": STRING}}},
        "responses": {"200": ok(ref("ImportReport")), **WRITES, **NOT_FOUND,
                      "413": error("The body is over 16 MiB: `too-large`."),
                      "422": ok({"anyOf": [ref("ImportReport"), ref("Error")]},
                                "Some rows were bad, and the report lists them; or the feed cannot be imported at all (a header lacking "
                                "a column the mapping reads, rows in another encoding): `bad-feed`, said of the upload.")},
    }},
    "/v1/entitlements": {"get": get("Entitlements, each with its clause, amount, what is paid and outstanding.", "read-entitlements",
                                    FILTER + [query("status", "eligible, awaiting-evidence, awaiting-decision, capped, excluded or expired.")] + MOMENT,
                                    answer("entitlements", ARRAY_OF_OBJECTS), NOT_FOUND)},
    "/v1/entitlements/{id}": {"get": get("One entitlement explained: facts, parameters, arithmetic, readings, payments.", "explain",
                                         [path("id", "CLAUSE#KEY, as in the entitlements' ids, percent-encoded (it holds / and #).")] + MOMENT,
                                         ok(obj(["moment", "entitlement", "payouts"], moment=MOMENT_OBJECT, entitlement=OBJECT, payouts=ARRAY_OF_OBJECTS)),
                                         NOT_FOUND)},
    "/v1/payouts": {"get": get("Payout schedules: each tranche with what releases it, when due, and its state.", "read-payouts",
                               FILTER + [query("dueBy", "Only tranches due by this date and unpaid (YYYY-MM-DD).")] + MOMENT,
                               answer("payouts", ARRAY_OF_OBJECTS), NOT_FOUND)},
    "/v1/performance": {"get": get("Targets: achieved, ratio; and the \"131\" service per district.", "performance",
                                   [query("unit", "A district, town or department."), query("period", "2024, 2019-2021 or 2021-01-01..2021-12-31."),
                                    query("target", "One target's id.")] + MOMENT,
                                   ok(obj(["moment", "targets", "service131"], moment=MOMENT_OBJECT, targets=ARRAY_OF_OBJECTS, service131=ARRAY_OF_OBJECTS)),
                                   NOT_FOUND)},
    "/v1/funds": {"get": get("Funds: allocated, up front, earned, forfeited, disbursed, remaining.", "funds", MOMENT, answer("funds", ARRAY_OF_OBJECTS))},
    "/v1/findings": {"get": get("Payments no entitlement explains; clawbacks to recover.", "findings", MOMENT,
                                ok(obj(["moment", "findings", "clawbacks"], moment=MOMENT_OBJECT, findings=ARRAY_OF_OBJECTS, clawbacks=ARRAY_OF_OBJECTS)))},
    "/v1/people/{person}/timeline": {"get": get("One person's events in business-time order, and what resulted.", "timeline",
                                                [path("person", "A resident ID or pseudonym.")] + MOMENT, answer("timeline", OBJECT), NOT_FOUND)},
    "/v1/people/{person}/why-not": {"get": get("Why a person was not paid: each rule their facts could fire and the first test failed.", "why-not",
                                               [path("person", "A resident ID or pseudonym."), query("clause", "Only this clause.")] + MOMENT,
                                               answer("whyNot", OBJECT), NOT_FOUND)},
    "/v1/verify": {"post": {"summary": "Verify the hash chain, optionally against anchors (POSITION:HASH).", "description": "Permission: `verify`. Always 200: `intact` says whether the log checks out.",
                            "security": [{"bearer": []}],
                            "requestBody": {"required": False, "content": {"application/json": {"schema": obj([], anchors={"type": "array", "items": STRING})}}},
                            "responses": {"200": ok(obj(["intact", "eventsChecked"], intact={"type": "boolean"}, eventsChecked=INTEGER,
                                                        headPosition=INTEGER, headHash=STRING, firstBadPosition=INTEGER, problem=STRING,
                                                        partyRowsChecked=INTEGER, personalRecordsChecked=INTEGER, problemTable=STRING)), **LIMITED}}},
    "/v1/rebuild": {"post": {"summary": "Rebuild every projection from the log; their digests.", "description": "Permission: `rebuild`.",
                             "security": [{"bearer": []}],
                             "responses": {"200": ok(obj(["position", "digests"], position=INTEGER, asOf={"type": ["string", "null"]}, scopes=INTEGER,
                                                        digests=OBJECT)), **ERRORS}}},
}

document = {
    "openapi": "3.1.0",
    "info": {"title": "GrantLedger", "version": "1",
             "description": "An event-sourced ledger of employment and training subsidies. Every /v1 route needs `Authorization: Bearer glt_<id>_<secret>` (see `grants tokens`). Money is integer fen; dates are ISO 8601; people are pseudonyms, never resident IDs."},
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}],
    "paths": paths,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "glt_<id>_<secret>"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error", "message", "details"], "additionalProperties": False,
                      "properties": {"error": STRING, "message": STRING, "details": OBJECT}},
            "AppendReport": obj(["lines", "appended", "duplicates", "results"], lines=INTEGER, appended=INTEGER, duplicates=INTEGER,
                                firstPosition=INTEGER, lastPosition=INTEGER,
                                results={"type": "array", "items": obj(["line", "outcome", "position", "eventId"], line=INTEGER,
                                                                       outcome={"enum": ["appended", "duplicate"]}, position=INTEGER, eventId=STRING)}),
            "ImportReport": obj(["mapping", "rows", "appended", "duplicates", "skipped", "badRows", "problems"], mapping=STRING, rows=INTEGER,
                                appended=INTEGER, duplicates=INTEGER, skipped=INTEGER, badRows=INTEGER,
                                problems={"type": "array", "items": obj(["line", "message"], line=INTEGER, column=STRING, message=STRING)}),
            "Event": obj(["position", "eventId", "streamId", "streamVersion", "type", "schemaVersion", "occurredAt", "recordedAt", "data", "hash"],
                         position=INTEGER, eventId=STRING, streamId=STRING, streamVersion=INTEGER, type=STRING, schemaVersion=INTEGER,
                         occurredAt=STRING, recordedAt=STRING, actor=STRING, source=STRING, data=OBJECT, hash=STRING,
                         correlationId=STRING, causationId=STRING),
        },
    },
}

text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
swift = f'''// Generated by Tools/openapi/make-openapi.py from its readable source; do not edit.
/// The OpenAPI 3.1 document served at `/openapi.json`: the contract with the API's clients,
/// checked in CI by openapi-spec-validator and exercised by schemathesis.
enum OpenAPIDocument {{
    static let json = #"""
{text}
"""#
}}
'''
if "--print" in sys.argv:
    print(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True))
elif "--check" in sys.argv:
    if SWIFT.read_text(encoding="utf-8") != swift:
        sys.exit(f"stale: {SWIFT.relative_to(ROOT)}; run python3 Tools/openapi/make-openapi.py and commit the result")
    print("the OpenAPI document is up to date")
else:
    SWIFT.write_text(swift, encoding="utf-8")
    print(f"wrote {SWIFT.relative_to(ROOT)}")
