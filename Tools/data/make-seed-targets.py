#!/usr/bin/env python3
"""Writes Tools/data/seed-targets.jsonl from Tools/data/seed-targets.tsv.

    python3 Tools/data/make-seed-targets.py            # write the JSON Lines file
    python3 Tools/data/make-seed-targets.py --check    # exit 1 if the file is not what the table gives
    python3 Tools/data/make-seed-targets.py --originals ../shared/seeds
                                                       # also check every figure against the Chinese originals

One target.set event per row (a row whose periods say "each 2019 2020 2021" gives one a year,
its id suffixed -YYYY). Event ids are deterministic: UUID version 5 (RFC 9562, SHA-1) in the
GrantLedger namespace of the name "target.set:" + targetId, the rule the intake tools use
(`<event type>:<natural key>`), so re-appending the file appends nothing. Lines are canonical
JSON (keys sorted, no spaces, non-ASCII unescaped), the form the log stores.

Exit status: 0 done or up to date; 1 stale file, bad row or a figure the original does not print.
"""

import argparse
import json
import os
import re
import sys
import uuid

NAMESPACE = uuid.UUID("c4cc2d81-6bb8-4996-8fc5-d8b19d485f62")
ACTOR = "seed:POLICIES.md"
SOURCE = "grantledger-seed"

# The business date of each document's targets: its issue date (Policies/<doc>.yaml inForce.from).
ISSUED = {
    "JJ-2019-79": "2019-12-20",   # 晋政办〔2019〕79号, signed and printed (印发) 2019年12月20日
    "XM-2025-189": "2025-09-15",  # 厦人社〔2025〕189号, 生成日期 2025-09-15, signed 2025年9月15日
}
# The Chinese originals, as ../shared/POLICIES.md's table names them.
ORIGINALS = {"JJ-2019-79": "003_7bad7fbb4e38f596.txt", "XM-2025-189": "002_d85c7cd9c7ffdfca.txt"}

COLUMNS = ["targetId", "clause", "metric", "scope", "unit", "periods", "value", "fundWan", "printed", "note"]
METRICS = {"training-person-times", "new-skilled-talents", "new-high-skill-talents", "skilled-worker-share-percent"}
SCOPES = {"city", "district", "town", "department"}
FEN_PER_WAN = 10_000 * 100  # 万元 → yuan → fen

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "seed-targets.tsv")
OUTPUT = os.path.join(HERE, "seed-targets.jsonl")


class RowError(Exception):
    pass


def event_id(target_id):
    return str(uuid.uuid5(NAMESPACE, "target.set:" + target_id))


def periods(text):
    """[(suffix, start, end)]: one period, or one per year for "each YYYY YYYY ..."."""
    if text.startswith("each "):
        years = text.split()[1:]
        if not years or not all(re.fullmatch(r"\d{4}", y) for y in years):
            raise RowError(f"periods {text!r}: give 'each' and the years, e.g. 'each 2019 2020 2021'")
        return [("-" + y, f"{y}-01-01", f"{y}-12-31") for y in years]
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text)
    if not match or (match.group(2) and match.group(2) < match.group(1)):
        raise RowError(f"periods {text!r}: give a year (2021), years (2019-2020) or 'each 2019 2020 2021'")
    first, last = match.group(1), match.group(2) or match.group(1)
    return [("", f"{first}-01-01", f"{last}-12-31")]


def read_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = None
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                if cells != COLUMNS:
                    raise RowError(f"{path}:{number}: the header must be {' '.join(COLUMNS)}")
                header = cells
                continue
            if len(cells) != len(COLUMNS):
                raise RowError(f"{path}:{number}: {len(cells)} cells, expected {len(COLUMNS)}")
            rows.append((number, dict(zip(COLUMNS, cells))))
    return rows


def events(rows):
    out, seen = [], set()
    for number, row in rows:
        try:
            document = row["clause"].split("/")[0]
            if document not in ISSUED:
                raise RowError(f"clause {row['clause']}: no issue date for {document}")
            if row["metric"] not in METRICS:
                raise RowError(f"metric {row['metric']}: one of {', '.join(sorted(METRICS))}")
            if row["scope"] not in SCOPES:
                raise RowError(f"scope {row['scope']}: one of {', '.join(sorted(SCOPES))}")
            if not row["value"].isdigit():
                raise RowError(f"value {row['value']!r}: a whole number")
            if row["fundWan"] and not row["fundWan"].isdigit():
                raise RowError(f"fundWan {row['fundWan']!r}: a whole number of 万元, or empty")
            for suffix, start, end in periods(row["periods"]):
                target_id = row["targetId"] + suffix
                if target_id in seen:
                    raise RowError(f"targetId {target_id} twice")
                seen.add(target_id)
                data = {
                    "targetId": target_id, "clause": row["clause"], "metric": row["metric"], "scope": row["scope"],
                    "unit": row["unit"], "periodStart": start, "periodEnd": end, "value": int(row["value"]),
                    "note": row["note"],
                }
                if row["fundWan"]:
                    data["fund"] = int(row["fundWan"]) * FEN_PER_WAN
                out.append({
                    "eventId": event_id(target_id), "streamId": "target:" + target_id, "expectedVersion": "none",
                    "type": "target.set", "schemaVersion": 1, "occurredAt": ISSUED[document],
                    "actor": ACTOR, "source": SOURCE, "data": data,
                })
        except RowError as error:
            raise RowError(f"{TABLE}:{number}: {error}") from None
    return out


def canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def check_originals(rows, directory):
    """Every figure against the Chinese original: annex rows by their first cell, goals by a phrase."""
    problems = []
    texts = {}
    for document, name in ORIGINALS.items():
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            texts[document] = f.read()
    for number, row in rows:
        document = row["clause"].split("/")[0]
        text, printed, value = texts[document], row["printed"], int(row["value"])
        where = f"{TABLE}:{number} ({row['targetId']})"
        table = row["clause"].split("/")[1]
        if table == "annex1":
            # 附件1: name, 2019-2020, 2021, 合计 (the 合计 row holds the annex's totals).
            lines = [l.split("\t") for l in text.splitlines() if l.split("\t")[0] == printed]
            if len(lines) != 1 or len(lines[0]) != 4:
                problems.append(f"{where}: no single 附件1 row {printed!r}")
                continue
            figures = [int(c) for c in lines[0][1:]]
            if figures[0] + figures[1] != figures[2]:
                problems.append(f"{where}: the original's row does not add up: {lines[0]}")
            column = {"2019-2020": 0, "2021": 1, "2019-2021": 2}.get(row["periods"])
            if column is None or figures[column] != value:
                problems.append(f"{where}: {value} for {row['periods']}, the original prints {lines[0]}")
        elif table == "annex2":
            # 附件2: 序号, 牵头单位, 工作要求, 年均培训(人次), 年均所需资金(万元).
            lines = [l.split("\t") for l in text.splitlines() if len(l.split("\t")) == 5 and l.split("\t")[1] == printed]
            if len(lines) != 1:
                problems.append(f"{where}: no single 附件2 row {printed!r}")
            elif [int(lines[0][3]), int(lines[0][4])] != [value, int(row["fundWan"] or -1)]:
                problems.append(f"{where}: {value} 人次 and {row['fundWan']} 万元, the original prints {lines[0]}")
        elif printed not in text:
            problems.append(f"{where}: the original does not contain {printed!r}")
        else:
            # A phrase of the text: its figure, e.g. 1.8万人次 or 25%, must be the value.
            figures = [round(float(n) * (10_000 if wan else 1))
                       for n, wan in re.findall(r"(\d+(?:\.\d+)?)(万)?(?:人次|%)", printed)]
            if figures != [value]:
                problems.append(f"{where}: {value}, the phrase {printed!r} says {figures}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if seed-targets.jsonl is stale")
    parser.add_argument("--originals", metavar="DIR", help="check the figures against the Chinese originals in DIR")
    arguments = parser.parse_args()
    try:
        rows = read_rows(TABLE)
        lines = "".join(canonical(event) + "\n" for event in events(rows))
    except RowError as error:
        sys.exit(str(error))
    if arguments.originals:
        problems = check_originals(rows, arguments.originals)
        if problems:
            sys.exit("\n".join(problems))
        print(f"{len(rows)} rows agree with the originals in {arguments.originals}")
    count = lines.count("\n")
    if arguments.check:
        with open(OUTPUT, encoding="utf-8") as f:
            if f.read() != lines:
                sys.exit(f"stale: {os.path.relpath(OUTPUT)}; run python3 Tools/data/make-seed-targets.py and commit the result")
        print(f"{os.path.relpath(OUTPUT)} is up to date ({count} events)")
        return
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(lines)
    print(f"wrote {os.path.relpath(OUTPUT)}: {count} events")


if __name__ == "__main__":
    main()
