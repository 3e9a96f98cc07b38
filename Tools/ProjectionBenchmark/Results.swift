import Foundation

struct PartyStats {
    var count = 0
    var mean = 0.0
    var max = 0
}

struct EmployerStats {
    var count = 0
    var meanEmployees = 0.0
    var maxEmployees = 0
    /// Events an organisation's scope reads: its own and its employees' (overlap counted twice).
    var meanEvents = 0.0
    var maxEvents = 0
}

/// Everything measured for one log size.
struct SizeResult {
    var events = 0
    var people = 0
    var fileMiB = 0.0
    var buildSeconds = 0.0
    var types: [(String, Int)] = []
    var persons = PartyStats()
    var organisations = PartyStats()
    var employers = EmployerStats()
    var plainScanRate = 0.0
    var typedScanRate = 0.0
    var rebuild = RebuildResult()
    var entitlementStatuses: [(String, Int)] = []
    var scopeKinds: [(String, Int)] = []
    var catchUp = Latency()
    var catchUpByKind: [(kind: String, latency: Latency, scopes: Double)] = []
    var catchUpSQLProfile: String?
    var fileEvents = 0
    var fileAppendSeconds = 0.0
    var fileCatchUpSeconds = 0.0
    /// Every file's catch-up, in order; `fileCatchUpSeconds` is their median.
    var fileCatchUpAll: [Double] = []
    var fileScopes = 0
    var timeline = Latency()
    var timelineEvents = 0.0
    var partyEntitlements = Latency()
    var partyEntitlementCount = 0.0
    var entitlementByID = Latency()
    var parentPeakMiB = 0
    /// The machine's 1-minute load average before and after (2 cores: above 2, something else ran).
    var loadBefore = "?"
    var loadAfter = "?"
    /// The same log on PostgreSQL (`--postgres`).
    var postgres: PostgresResult?

    var rebuildRate: Double { Double(rebuild.position) / max(rebuild.seconds, 1e-9) }
    var rebuildRatio: Double { rebuildRate / max(plainScanRate, 1e-9) }
    var entitlementCount: Int { entitlementStatuses.reduce(0) { $0 + $1.1 } }

    func report() -> String {
        let typeMix = types.map { "\($0.0) \(Format.grouped($0.1))" }.joined(separator: ", ")
        let statuses = entitlementStatuses.map { "\($0.0) \(Format.grouped($0.1))" }.joined(separator: ", ")
        let scopeMix = scopeKinds.map { "\($0.0) \(Format.grouped($0.1))" }.joined(separator: ", ")
        let phases = String(format: "events %.1f s, scopes %.1f s, swap + indexes + catch-up + digests %.1f s (digests alone %.1f s)",
                            rebuild.eventsPhaseSeconds, rebuild.scopesPhaseSeconds, rebuild.finishSeconds, rebuild.digestSeconds)
        var lines = [
            "Results for \(Format.grouped(events)) events (\(String(format: "%.0f", fileMiB)) MiB ledger, built in \(Format.seconds(buildSeconds)))",
            "  load average before / after: \(loadBefore) / \(loadAfter)",
            "  log: \(Format.grouped(people)) people started; \(typeMix)",
            "  parties: \(Format.grouped(persons.count)) people, \(one(persons.mean)) events each (max \(persons.max)); "
                + "\(Format.grouped(organisations.count)) organisations, \(Format.grouped(Int(organisations.mean))) events each "
                + "(max \(Format.grouped(organisations.max)))",
            "  employers: \(Format.grouped(employers.count)), \(Int(employers.meanEmployees)) people each (max \(employers.maxEmployees)); "
                + "an employer's scope reads \(Format.grouped(Int(employers.meanEvents))) events on average "
                + "(max \(Format.grouped(employers.maxEvents))): its own and its employees'",
            "  plain SQLite scan ............ \(Format.rate(plainScanRate))",
            "  typed scan (typedEvents) ..... \(Format.rate(typedScanRate))  (\(Format.percent(typedScanRate / plainScanRate)) of plain)",
            "  full rebuild ................. \(Format.rate(rebuildRate))  (\(Format.percent(rebuildRatio)) of plain; goals ≥ 25%, and ≥ 100,000/s at 1M) in \(Format.seconds(rebuild.seconds))",
            "    phases: \(phases)",
            "    scopes evaluated: \(Format.grouped(rebuild.scopes)) (\(scopeMix)); as of \(rebuild.asOf ?? "-")",
            "    scope batches (people first, then the \(Format.grouped(scopeKinds.first { $0.0 == "org" }?.1 ?? 0)) organisations): \(scopeBatchSummary)",
            "    entitlements: \(Format.grouped(entitlementCount)) (\(statuses))",
            "    peak memory: \(rebuild.peakMiB) MiB, the rebuild's process's VmHWM (of which SQLite's allocations at most "
                + "\(rebuild.sqlitePeakMiB) MiB; goal ≤ 512 MiB at 10M)",
        ]
        lines += rebuild.digests.map { "    digest \($0[0]): \($0[1])" }
        if let profile = rebuild.sqlProfile { lines.append(profile) }
        lines.append("  catch-up after 1 appended event, p50 / p99 / max: \(catchUp.summary) (goal: p99 ≤ 10 ms)")
        lines.append("  catch-up of a \(Format.grouped(fileEvents))-event file: \(Format.ms(fileCatchUpSeconds * 1000)) ms beyond its append's \(Format.ms(fileAppendSeconds * 1000)) ms, \(Format.grouped(fileScopes)) scopes (goal ≤ 200 ms; the median of \(fileCatchUpAll.count) files: \(fileCatchUpAll.map { Format.ms($0 * 1000) }.joined(separator: ", ")) ms)")
        for (kind, latency, scopes) in catchUpByKind {
            lines.append("    \(kind): \(latency.summary), \(one(scopes)) scopes re-evaluated each")
        }
        if let profile = catchUpSQLProfile { lines.append(profile) }
        lines += [
            "  queries, p50 / p99 / max (goal: p99 < 5 ms, flat in log size):",
            "    timeline(party:) ............ \(timeline.summary) (\(one(timelineEvents)) events each)",
            "    entitlements(party:) ........ \(partyEntitlements.summary) (\(one(partyEntitlementCount)) entitlements each)",
            "    entitlement(id:) ............ \(entitlementByID.summary)",
            "  peak RSS of the benchmark's own process (build, scans, catch-ups, queries): \(parentPeakMiB) MiB",
        ]
        if let postgres { lines += postgresReport(postgres) }
        return lines.joined(separator: "\n")
    }

    /// PostgreSQL beside SQLite: each figure with SQLite's for the same log and steps.
    func postgresReport(_ pg: PostgresResult) -> [String] {
        func side(_ label: String, _ pg: Latency, _ lite: Latency) -> String {
            "    \(label) PostgreSQL \(pg.summary); SQLite \(lite.summary)"
        }
        return [
            "  PostgreSQL, the same log (loaded in \(Format.seconds(pg.loadSeconds))):",
            "    full rebuild ............... \(Format.rate(pg.rebuildRate)) in \(Format.seconds(pg.rebuild.seconds)); SQLite \(Format.rate(rebuildRate)): "
                + "\(Format.percent(pg.rebuildRate / max(rebuildRate, 1e-9))) of SQLite's (goal ≥ 50%)",
            String(format: "      phases: events %.1f s, scopes %.1f s, swap + indexes + catch-up + digests %.1f s; peak %d MiB",
                   pg.rebuild.eventsPhaseSeconds, pg.rebuild.scopesPhaseSeconds, pg.rebuild.finishSeconds, pg.rebuild.peakMiB),
            "      digests: \(pg.sameDigests ? "equal to SQLite's" : "DIFFERENT from SQLite's")",
            side("catch-up after 1 event .....", pg.catchUp, catchUp),
            "    catch-up of a file ......... PostgreSQL \(Format.ms(pg.fileCatchUpSeconds * 1000)) ms; SQLite \(Format.ms(fileCatchUpSeconds * 1000)) ms",
            side("timeline(party:) ...........", pg.timeline, timeline) + " (goal on PostgreSQL: p99 ≤ 10 ms at 1M)",
            side("entitlements(party:) .......", pg.partyEntitlements, partyEntitlements),
            side("entitlement(id:) ...........", pg.entitlementByID, entitlementByID),
        ]
    }

    /// How long the scope batches took per scope: the first (with every organisation while
    /// there are fewer than a batch), the second, and the last.
    var scopeBatchSummary: String {
        let batches = rebuild.scopeBatches
        guard !batches.isEmpty else { return "none" }
        var previous = 0.0
        let perScope = batches.map { batch -> (scopes: Double, seconds: Double) in
            defer { previous = batch[0] }
            return (batch[0] - previous, batch[1])
        }
        func describe(_ index: Int) -> String {
            let (scopes, seconds) = perScope[index]
            return "#\(index + 1) \(Int(scopes)) scopes in \(String(format: "%.2f", seconds)) s (\(Format.ms(seconds * 1000 / max(1, scopes))) ms each)"
        }
        var parts = [describe(0)]
        if perScope.count > 2 { parts.append(describe(1)) }
        if perScope.count > 1 { parts.append(describe(perScope.count - 1)) }
        let slowest = perScope.indices.max { perScope[$0].seconds / max(1, perScope[$0].scopes) < perScope[$1].seconds / max(1, perScope[$1].scopes) }!
        parts.append("slowest \(describe(slowest))")
        return parts.joined(separator: "; ")
    }

    static func summary(_ results: [SizeResult]) -> String {
        var lines = ["Summary (events/s; ms as p50 / p99; memory in MiB)"]
        let header = ["events", "plain scan", "typed scan", "rebuild", "vs scan", "events / scopes phase s", "scopes", "rebuild RSS",
                      "catch-up p50/p99/max", "file catch-up ms", "timeline", "entitlements(party)", "entitlement(id)"]
        var rows = [header]
        for r in results {
            rows.append([
                Format.grouped(r.events), Format.rate(r.plainScanRate), Format.rate(r.typedScanRate), Format.rate(r.rebuildRate),
                Format.percent(r.rebuildRatio), String(format: "%.1f / %.1f", r.rebuild.eventsPhaseSeconds, r.rebuild.scopesPhaseSeconds),
                Format.grouped(r.rebuild.scopes), "\(r.rebuild.peakMiB)",
                "\(Format.ms(r.catchUp.p50)) / \(Format.ms(r.catchUp.p99)) / \(Format.ms(r.catchUp.max))",
                Format.ms(r.fileCatchUpSeconds * 1000),
                "\(Format.ms(r.timeline.p50)) / \(Format.ms(r.timeline.p99))",
                "\(Format.ms(r.partyEntitlements.p50)) / \(Format.ms(r.partyEntitlements.p99))",
                "\(Format.ms(r.entitlementByID.p50)) / \(Format.ms(r.entitlementByID.p99))",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append("  " + row.enumerated().map { column, text in
                String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    static let markdownHeader = """
        | events | plain scan, events/s | typed scan, events/s | rebuild, events/s (vs plain) | rebuild phases: events / scopes, s | scopes | rebuild peak RSS, MiB | catch-up of 1 event, p50 / p99 / max ms | catch-up of a 2,000-event file, ms | timeline, p50 / p99 ms | entitlements(party:), p50 / p99 ms | entitlement(id:), p50 / p99 ms |
        |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        """

    var markdownRow: String {
        func rate(_ value: Double) -> String { Format.grouped(Int(value.rounded())) }
        let cells = [
            Format.grouped(events), rate(plainScanRate), rate(typedScanRate), "\(rate(rebuildRate)) (\(Format.percent(rebuildRatio)))",
            String(format: "%.1f / %.1f", rebuild.eventsPhaseSeconds, rebuild.scopesPhaseSeconds), Format.grouped(rebuild.scopes),
            "\(rebuild.peakMiB)", "\(Format.ms(catchUp.p50)) / \(Format.ms(catchUp.p99)) / \(Format.ms(catchUp.max))",
            Format.ms(fileCatchUpSeconds * 1000),
            "\(Format.ms(timeline.p50)) / \(Format.ms(timeline.p99))",
            "\(Format.ms(partyEntitlements.p50)) / \(Format.ms(partyEntitlements.p99))",
            "\(Format.ms(entitlementByID.p50)) / \(Format.ms(entitlementByID.p99))",
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }
}
