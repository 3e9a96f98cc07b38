import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService

/// What the templates render, computed from the ledger's answers: text already formatted (money
/// in yuan from fen by integer arithmetic, people by masked resident ID) and chart geometry in
/// whole pixels. Optional parts are arrays of none or one, which Mustache renders as sections.
enum DashboardViews {
    /// The width of a full bar, in pixels.
    static let barScale: Int64 = 400
    /// The width of a full target bar (two target charts fit side by side).
    static let targetScale: Int64 = 380

    /// The moment a page rests on, as the API's answers give it.
    struct MomentView { let asOf: String; let position: Int64 }

    static func moment<Value>(_ answer: Answer<Value>) -> MomentView {
        MomentView(asOf: answer.asOf?.description ?? "—", position: answer.position)
    }

    struct Link { let href: String }

    static func entitlementLink(_ id: String?) -> [Link] {
        guard let id else { return [] }
        return [Link(href: "/entitlement?id=" + percentEncoded(id))]
    }

    /// Percent-encodes everything but unreserved characters, for a query value.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0f)])"
            }
        }
        return out
    }

    // MARK: Targets

    struct TargetBar {
        let targetID, metric, clause, period, valueText, achievedText, ratioText, achievedAttr: String
        let value: Int64
        let y, labelY, textY, fullWidth, achievedWidth, textX: Int64
    }

    struct TargetUnit { let unit, name: String; let height: Int64; let bars: [TargetBar] }

    struct Service131Row { let unit, period, applicable, completed, ratio: String }

    struct TargetsPage { let units: [TargetUnit]; let hasService131: Bool; let service131: [Service131Row] }

    /// One chart per unit, cities first, then districts, towns and departments (each in the order
    /// the ledger gives them); within a unit, one bar per target by period, so a unit's targets
    /// (Jinjiang's 18,000 and 20,000, Xiamen's yearly goals) sit side by side.
    static func targets(_ performance: Performance, places: Places?) -> TargetsPage {
        var order: [String] = []
        var byUnit: [String: [TargetView]] = [:]
        var rank: [String: Int] = [:]
        let ranks = ["city": 0, "district": 1, "town": 2, "department": 3]
        for target in performance.targets {
            if byUnit[target.unit] == nil { order.append(target.unit) }
            byUnit[target.unit, default: []].append(target)
            rank[target.unit] = min(rank[target.unit] ?? 9, ranks[target.scope] ?? 4)
        }
        order = order.enumerated().sorted { (rank[$0.element]!, $0.offset) < (rank[$1.element]!, $1.offset) }.map(\.element)
        let rowHeight: Int64 = 40
        let units = order.map { unit in
            let targets = byUnit[unit]!.sorted { ($0.periodStart, $0.periodEnd, $0.value, $0.targetID) < ($1.periodStart, $1.periodEnd, $1.value, $1.targetID) }
            let bars = targets.enumerated().map { index, target in
                let top = Int64(index) * rowHeight
                let achievedWidth = target.achieved.map { DashboardFormat.length($0, of: target.value, scale: targetScale) } ?? 0
                return TargetBar(
                    targetID: target.targetID, metric: target.metric, clause: target.clause,
                    period: "\(target.periodStart) – \(target.periodEnd)",
                    valueText: DashboardFormat.count(target.value),
                    achievedText: target.achieved.map(DashboardFormat.count) ?? "不计数 not counted",
                    ratioText: target.ratioBasisPoints.map { DashboardFormat.percent(basisPoints: $0) } ?? "—",
                    achievedAttr: target.achieved.map(String.init) ?? "",
                    value: target.value, y: top + 20, labelY: top + 15, textY: top + 33, fullWidth: targetScale,
                    achievedWidth: achievedWidth, textX: 8 + targetScale + 8)
            }
            return TargetUnit(unit: unit, name: placeName(unit, places), height: 8 + Int64(bars.count) * rowHeight, bars: bars)
        }
        let lines = performance.service131.map { line in
            Service131Row(unit: placeName(line.unit, places), period: "\(line.periodStart) – \(line.periodEnd)",
                          applicable: DashboardFormat.count(line.applicable), completed: DashboardFormat.count(line.completed),
                          ratio: line.completenessBasisPoints.map { DashboardFormat.percent(basisPoints: $0) } ?? "—")
        }
        return TargetsPage(units: units, hasService131: !lines.isEmpty, service131: lines)
    }

    /// A place's name with its code, when the catalog knows the code.
    static func placeName(_ place: String, _ places: Places?) -> String {
        guard Places.isCode(place), let name = places?.name(of: place) else { return place }
        return "\(name) (\(place))"
    }

    // MARK: Payouts

    struct ClauseRow {
        let clause, overdue, due, count: String
        let overdueFen, dueFen, y, labelY, overdueWidth, dueX, dueWidth, textX: Int64
    }

    struct PayoutRow { let payee, clause, label, dueDate, when, unpaid: String; let link: [Link] }

    struct PayoutsPage {
        let month, asOf, monthEnd, overdueTotal, dueTotal: String
        let hasClauses: Bool
        let clauses: [ClauseRow]
        let chartHeight: Int64
        let lines: [PayoutRow]
        let truncated: [Truncation]
    }

    struct Truncation { let shown: Int; let total: Int }

    /// The most payee rows a page lists.
    static let payoutRowLimit = 200

    /// Tranches due and unpaid by the end of `asOf`'s month (the rule of `dueBy`): overdue when
    /// due before `asOf`, else due this month. By clause (a chart and totals), then by payee.
    static func payouts(_ lines: [PayoutLine], asOf: LocalDate, person: (String) -> String) -> PayoutsPage {
        let monthEnd = asOf.yearMonth.lastDay
        let due = lines.compactMap { line -> (PayoutLine, LocalDate)? in
            guard line.state == "due", let date = line.dueDate.flatMap(LocalDate.init), date <= monthEnd else { return nil }
            return (line, date)
        }.sorted { ($0.1, $0.0.clause, $0.0.payeeID, $0.0.entitlementID) < ($1.1, $1.0.clause, $1.0.payeeID, $1.0.entitlementID) }
        var totals: [String: (overdue: Int64, due: Int64, count: Int)] = [:]
        for (line, date) in due {
            let unpaid = line.amount - line.paid
            if date < asOf { totals[line.clause, default: (0, 0, 0)].overdue += unpaid } else { totals[line.clause, default: (0, 0, 0)].due += unpaid }
            totals[line.clause, default: (0, 0, 0)].count += 1
        }
        let largest = totals.values.map { $0.overdue + $0.due }.max() ?? 0
        let clauses = totals.keys.sorted().enumerated().map { index, clause in
            let total = totals[clause]!
            let y = 10 + Int64(index) * 30
            let overdueWidth = DashboardFormat.length(total.overdue, of: largest, scale: 500)
            return ClauseRow(clause: clause, overdue: DashboardFormat.yuan(total.overdue), due: DashboardFormat.yuan(total.due), count: String(total.count),
                             overdueFen: total.overdue, dueFen: total.due, y: y, labelY: y + 15, overdueWidth: overdueWidth, dueX: 200 + overdueWidth,
                             dueWidth: DashboardFormat.length(total.due, of: largest, scale: 500), textX: 710)
        }
        let rows = due.prefix(payoutRowLimit).map { line, date in
            PayoutRow(payee: person(line.payeeID), clause: line.clause, label: line.label, dueDate: date.description,
                      when: date < asOf ? "逾期 overdue" : "本月 this month", unpaid: DashboardFormat.yuan(line.amount - line.paid),
                      link: entitlementLink(line.entitlementID))
        }
        return PayoutsPage(
            month: asOf.yearMonth.description, asOf: asOf.description, monthEnd: monthEnd.description,
            overdueTotal: DashboardFormat.yuan(totals.values.reduce(0) { $0 + $1.overdue }),
            dueTotal: DashboardFormat.yuan(totals.values.reduce(0) { $0 + $1.due }),
            hasClauses: !clauses.isEmpty, clauses: clauses, chartHeight: 20 + Int64(clauses.count) * 30, lines: rows,
            truncated: due.count > payoutRowLimit ? [Truncation(shown: payoutRowLimit, total: due.count)] : [])
    }

    // MARK: Findings

    struct ClawbackRow {
        let clawbackID, date, payee, clause, amount, recovered, outstandingText, reason: String
        let amountFen, recoveredFen, y, labelY, recoveredWidth: Int64
    }

    struct FindingRow { let kind, clause, payee, amount, detail: String; let link: [Link] }

    struct FindingsPage {
        let total, outstanding: String
        let hasClawbacks: Bool
        let clawbacks: [ClawbackRow]
        let chartHeight: Int64
        let hasFindings: Bool
        let findings: [FindingRow]
    }

    static func findings(_ findings: [GrantLedgerProjections.Finding], clawbacks: [ClawbackView], person: (String) -> String) -> FindingsPage {
        let clawbackRows = clawbacks.enumerated().map { index, clawback in
            let y = 10 + Int64(index) * 30
            return ClawbackRow(clawbackID: clawback.clawbackID, date: clawback.date, payee: person(clawback.payeeID), clause: clawback.clause,
                               amount: DashboardFormat.yuan(clawback.amount), recovered: DashboardFormat.yuan(clawback.recovered),
                               outstandingText: DashboardFormat.yuan(clawback.outstanding), reason: clawback.reason,
                               amountFen: clawback.amount, recoveredFen: clawback.recovered, y: y, labelY: y + 15,
                               recoveredWidth: DashboardFormat.length(clawback.recovered, of: clawback.amount, scale: barScale))
        }
        let findingRows = findings.map { finding in
            FindingRow(kind: finding.kind, clause: finding.clause, payee: person(finding.payeeID), amount: DashboardFormat.yuan(finding.amount),
                       detail: finding.detail, link: entitlementLink(finding.entitlementID))
        }
        return FindingsPage(total: DashboardFormat.yuan(findings.reduce(0) { $0 + $1.amount }),
                            outstanding: DashboardFormat.yuan(clawbacks.reduce(0) { $0 + $1.outstanding }),
                            hasClawbacks: !clawbackRows.isEmpty, clawbacks: clawbackRows, chartHeight: 20 + Int64(clawbackRows.count) * 30,
                            hasFindings: !findingRows.isEmpty, findings: findingRows)
    }

    // MARK: Funds

    struct FundTranche {
        let fundID, tranche, clause, allocated, upFront, earned, forfeited, available, disbursed, remaining: String
        let upFrontFen, earnedFen, forfeitedFen, y, labelY, upFrontWidth, earnedX, earnedWidth, forfeitedX, forfeitedWidth: Int64
    }

    struct FundRecipient { let name: String; let height: Int64; let tranches: [FundTranche] }

    struct FundsPage { let recipients: [FundRecipient] }

    /// One chart per recipient (a district's or town's fund): each tranche's allocation split
    /// into the part released up front, the part earned by results and the part forfeited.
    static func funds(_ funds: [FundView], places: Places?) -> FundsPage {
        var order: [String] = []
        var byRecipient: [String: [FundView]] = [:]
        for fund in funds {
            if byRecipient[fund.recipient] == nil { order.append(fund.recipient) }
            byRecipient[fund.recipient, default: []].append(fund)
        }
        let recipients = order.map { recipient in
            let tranches = byRecipient[recipient]!.enumerated().map { index, fund in
                let y = 10 + Int64(index) * 30
                let upFront = fund.preAllocated ?? 0, earned = fund.earned ?? 0
                let upFrontWidth = DashboardFormat.length(upFront, of: fund.allocated, scale: barScale)
                let earnedWidth = DashboardFormat.length(earned, of: fund.allocated, scale: barScale)
                let forfeitedWidth = DashboardFormat.length(fund.forfeited, of: fund.allocated, scale: barScale)
                return FundTranche(
                    fundID: fund.fundID, tranche: fund.tranche, clause: fund.clause, allocated: DashboardFormat.yuan(fund.allocated),
                    upFront: fund.preAllocated.map(DashboardFormat.yuan) ?? "—", earned: fund.earned.map(DashboardFormat.yuan) ?? "待定 pending",
                    forfeited: DashboardFormat.yuan(fund.forfeited), available: DashboardFormat.yuan(fund.available),
                    disbursed: DashboardFormat.yuan(fund.disbursed), remaining: DashboardFormat.yuan(fund.remaining),
                    upFrontFen: upFront, earnedFen: earned, forfeitedFen: fund.forfeited, y: y, labelY: y + 15,
                    upFrontWidth: upFrontWidth, earnedX: 330 + upFrontWidth, earnedWidth: earnedWidth,
                    forfeitedX: 330 + upFrontWidth + earnedWidth, forfeitedWidth: forfeitedWidth)
            }
            return FundRecipient(name: placeName(recipient, places), height: 20 + Int64(tranches.count) * 30, tranches: tranches)
        }
        return FundsPage(recipients: recipients)
    }

    // MARK: A person

    struct EntitlementRow { let clause, title, date, status, amount, paid, outstanding, href: String }
    struct WhyNotFinding { let stage, reason: String; let refusedBy: [String] }
    struct WhyNotRule { let clause, title: String; let findings: [WhyNotFinding] }
    struct EventRow { let occurredAt, type, data: String; let position: Int64 }

    struct PersonFound {
        let masked, pseudonym: String
        let hasEntitlements: Bool
        let entitlements: [EntitlementRow]
        let rules: [WhyNotRule]
        let events: [EventRow]
    }

    struct PersonPage { let found: [PersonFound] }

    static func amount(_ record: EntitlementRecord) -> String {
        if let amount = record.amount { return DashboardFormat.yuan(amount) }
        if let low = record.rangeLow, let high = record.rangeHigh { return "\(DashboardFormat.yuan(low)) – \(DashboardFormat.yuan(high))" }
        return "—"
    }

    static func person(pseudonym: String, masked: String, timeline: Timeline, whyNot: WhyNotReport) -> PersonPage {
        let entitlements = timeline.entitlements.map { view in
            EntitlementRow(clause: view.entitlement.clause, title: view.entitlement.title, date: view.entitlement.date, status: view.entitlement.status,
                           amount: amount(view.entitlement), paid: DashboardFormat.yuan(view.paid), outstanding: DashboardFormat.yuan(view.outstanding),
                           href: entitlementLink(view.entitlement.id)[0].href)
        }
        let rules = whyNot.rules.map { rule in
            WhyNotRule(clause: rule.clause, title: rule.title, findings: rule.findings.map {
                WhyNotFinding(stage: $0.stage.rawValue, reason: $0.reason, refusedBy: $0.refusedBy.map { [$0] } ?? [])
            })
        }
        let events = timeline.events.map { EventRow(occurredAt: $0.occurredAt, type: $0.type, data: $0.data, position: $0.position) }
        return PersonPage(found: [PersonFound(masked: masked, pseudonym: pseudonym, hasEntitlements: !entitlements.isEmpty,
                                              entitlements: entitlements, rules: rules, events: events)])
    }

    // MARK: An entitlement

    struct ScheduleRow { let label, releasedBy, dueDate, state, amount, paid: String }
    struct Refusal { let clause, reason: String }

    struct EntitlementDetail {
        let id, clause, title, payee, subject, date, status, amount, paid, outstanding: String
        let facts: [EntitlementRecord.CitationRecord]
        let parameters, arithmetic, readings: [String]
        let hasReadings: Bool
        let refusal: [Refusal]
        let schedule: [ScheduleRow]
    }

    struct EntitlementPage { let view: [EntitlementDetail] }

    static func entitlement(_ explanation: EntitlementExplanation, person: (String) -> String) -> EntitlementPage {
        let view = explanation.view, record = view.entitlement
        let schedule = explanation.schedule.map {
            ScheduleRow(label: $0.label, releasedBy: $0.releasedBy, dueDate: $0.dueDate ?? "—", state: $0.state,
                        amount: DashboardFormat.yuan($0.amount), paid: DashboardFormat.yuan($0.paid))
        }
        let explanationRecord = record.explanation
        return EntitlementPage(view: [EntitlementDetail(
            id: record.id, clause: record.clause, title: record.title, payee: person(record.payeeID), subject: record.subject.map(person) ?? "—",
            date: record.date, status: record.status, amount: amount(record), paid: DashboardFormat.yuan(view.paid),
            outstanding: DashboardFormat.yuan(view.outstanding), facts: explanationRecord.facts, parameters: explanationRecord.parameters,
            arithmetic: explanationRecord.arithmetic, readings: explanationRecord.readings, hasReadings: !explanationRecord.readings.isEmpty,
            refusal: explanationRecord.refusal.map { [Refusal(clause: $0.clause, reason: $0.reason)] } ?? [], schedule: schedule)])
    }
}
