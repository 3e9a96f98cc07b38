#!/usr/bin/env python3
"""Writes a synthetic city's insured months (grants-city JSON Lines) as the social-insurance
bureau's CSV feed that Tools/mappings/si-months.yaml reads, for the import benchmark.

    grants-city --people 80000 --output city.jsonl
    Tools/city-to-feed.py city.jsonl 1000000 > si-months-1m.csv

Stops after ROWS rows; fails if the city has fewer insured months than that.
"""
import csv, json, sys

def main():
    if len(sys.argv) != 3:
        sys.exit("usage: city-to-feed.py CITY.jsonl ROWS > FEED.csv")
    path, wanted = sys.argv[1], int(sys.argv[2])
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(["个人编号", "公民身份号码", "姓名", "单位统一社会信用代码", "单位名称", "就业登记号",
                  "费款所属期", "缴费状态", "养老保险已缴", "参保地区划", "到账日期"])
    rows = 0
    with open(path, encoding="utf-8") as city:
        for line in city:
            if '"employment.month-recorded"' not in line:
                continue
            event = json.loads(line)
            data = event["data"]
            registration = event["streamId"].split(":", 2)[2]
            out.writerow([f"SI{rows:09d}", data["employee"], "", data["employer"], "", registration,
                          data["month"].replace("-", ""), "已到账" if data["socialInsurancePaid"] else "欠费",
                          "是" if data["pensionPaid"] else "否", data["insuredIn"], event["occurredAt"]])
            rows += 1
            if rows == wanted:
                return
    sys.exit(f"the city has only {rows} insured months; give grants-city more --people")

main()
