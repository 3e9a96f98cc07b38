// grants-policy-bench: times the rules engine on a synthetic population, deterministic from a seed.
//
//     swift run -c release grants-policy-bench [--workers N] [--seed S]
//
// Each worker is registered in Xiamen or Jinjiang, some in key groups; each works for one of
// the enterprises with a year of insured months; two in three train in a filed class and gets a
// certificate (some with a level); one in ten was referred by an agency. The engine then
// evaluates the bundled catalog on 2024-12-31 (Xiamen) and 2021-12-31 (Jinjiang).

import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy

var workers = 10_000
var seed: UInt64 = 42
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--workers": workers = arguments.popFirst().flatMap(Int.init) ?? workers
    case "--seed": seed = arguments.popFirst().flatMap(UInt64.init) ?? seed
    default:
        print("usage: grants-policy-bench [--workers N] [--seed S]")
        exit(64)
    }
}

struct SplitMix64 {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

var random = SplitMix64(state: seed)
var facts: [Fact] = []
@MainActor func add(_ type: String, _ day: LocalDate, _ data: [String: JSONValue]) {
    let object = JSONObject(unsortedMembers: data.map { ($0.key, $0.value) })!
    let payload = try! EventCatalog.standard.decode(type: type, version: EventCatalog.standard.currentVersion(of: type)!, data: object)
    facts.append(Fact(eventID: "e\(facts.count + 1)", position: Int64(facts.count + 1), occurredAt: day, payload: payload))
}

let cities: [(code: String, division: String, year: Int, organiser: String)] = [
    ("350200", "思明区", 2024, "52350203MJ0000001R"), ("350582", "陈埭镇", 2020, "91350582MA2XJJ001R"),
]
let groups = ["migrant-worker", "registered-unemployed", "poverty-household", "employment-difficulty", "veteran"]
let kinds = ["employment-skills", "pre-job", "skills-upgrading", "key-industry", "safety"]
for city in cities {
    add("enterprise.registered", LocalDate(year: city.year - 1, month: 1, day: 1)!,
        ["enterprise": .string(city.organiser), "name": "企业", "division": .string(city.division), "keyIndustry": "shoes"])
}
// The agency its workers are referred by, recognised as a labour-cooperation operating
// institution (XM-2023-187/(六)), without which (九)-b and (九)-c pay nothing.
add("organisation.rated", LocalDate(year: 2023, month: 9, day: 1)!,
    ["organisation": "91350200MA31XM002D", "rating": "labour-cooperation-agency", "level": "city", "ratedBy": "厦门市人力资源和社会保障局"])
let classSize = 30
var filed: Set<String> = []
for worker in 0..<workers {
    let city = cities[worker % 2]
    let person = "P\(worker)"
    let start = LocalDate(year: city.year, month: 1, day: 1 + random.next(28))!
    add("person.registered", start.adding(days: -30), ["person": .string(person), "registeredIn": .string(city.code)])
    if random.next(3) == 0 {
        add("person.group-joined", start.adding(days: -20), ["person": .string(person), "group": .string(groups[random.next(groups.count)]),
                                                             "since": .string(start.adding(days: -20).description)])
    }
    let employer = city.organiser
    if random.next(10) == 0 {
        add("referral.made", start.adding(days: -3), ["agency": "91350200MA31XM002D", "worker": .string(person),
                                                      "employer": .string(employer), "firstTimeInCity": true])
    }
    add("employment.started", start, ["employee": .string(person), "employer": .string(employer), "contract": "fixed-term",
                                      "contractMonths": 24, "labourDispatch": false, "firstTimeInCity": true])
    for month in 1...12 {
        let yearMonth = YearMonth(year: city.year, month: month)!
        add("employment.month-recorded", yearMonth.lastDay, ["employee": .string(person), "employer": .string(employer),
            "month": .string(yearMonth.description), "socialInsurancePaid": true, "pensionPaid": true, "insuredIn": .string(city.code)])
    }
    if worker % 3 != 2 {
        let classIndex = worker / (3 * classSize)
        let classId = "K\(city.code)-\(classIndex)"
        let day = LocalDate(year: city.year, month: 3 + classIndex % 9, day: 10)!
        if filed.insert(classId).inserted {
            add("class.filed", day, ["classId": .string(classId), "organiser": .string(city.organiser),
                "kind": .string(kinds[classIndex % kinds.count]), "occupation": .string("工种\(classIndex % 40)"), "classHours": 60,
                "offlineHours": 60, "projectBased": true, "jurisdiction": .string(city.code), "division": .string(city.division),
                "startDate": .string(day.description), "endDate": .string(day.adding(days: 10).description), "costPerTrainee": 150000])
        }
        let done = day.adding(days: 10)
        add("training.completed", done, ["classId": .string(classId), "trainee": .string(person), "attendedHours": 60])
        add("certificate.issued", done.adding(days: 5), ["certificateNumber": .string("C\(worker)"), "holder": .string(person),
            "kind": random.next(2) == 0 ? "training-pass" : "skill-level", "occupation": .string("工种\(classIndex % 40)"),
            "level": .string(["L5", "L4", "L3"][random.next(3)]), "issuer": "鉴定中心", "classId": .string(classId),
            "employer": .string(employer)])
    }
}

let catalog = try PolicyCatalog.bundled()
let engine = PolicyEngine(catalog: catalog)
func peakRSS() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}
print("\(facts.count) facts for \(workers) workers (seed \(seed))")
for day in ["2021-12-31", "2024-12-31"] {
    let clock = ContinuousClock()
    var entitlements: [Entitlement] = []
    let elapsed = clock.measure { entitlements = engine.evaluate(facts, on: LocalDate(day)!) }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let statuses = Dictionary(grouping: entitlements, by: \.status).mapValues(\.count)
        .sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    print(String(format: "evaluate on %@: %.2f s, %.0f facts/s, %d entitlements (%@)", day, seconds, Double(facts.count) / seconds,
                 entitlements.count, statuses))
}
print("peak RSS \(peakRSS()) MiB")
if ProcessInfo.processInfo.environment["BENCH_CLAUSES"] != nil {
    for day in ["2021-12-31", "2024-12-31"] {
        let counts = Dictionary(grouping: engine.evaluate(facts, on: LocalDate(day)!), by: { "\($0.clause) \($0.status.rawValue)" }).mapValues(\.count)
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) { print("  \(day) \(key): \(count)") }
    }
}
