import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

extension ProjectionReader {
    /// Why a person got what they got and no more (``PolicyEngine/whyNot(_:person:on:clause:targets:usage:)``),
    /// on the facts their scope rests on as of this reader's position and date, with the target
    /// figures and shared-limit usage the projections hold: the same answer the entitlements give.
    public func whyNot(person: String, clause: String? = nil, policies: PolicyCatalog) throws -> WhyNotReport {
        let engine = PolicyEngine(catalog: policies)
        func answer(store: some ProjectionStore) throws -> WhyNotReport {
            let events = store.events
            let date = try asOf ?? events.event(at: position).map { Projections.businessDate(of: $0.recordedAt) } ?? LocalDate(year: 1970, month: 1, day: 1)!
            let evaluator = ScopeEvaluator(engine: engine, catalog: log.catalog, limit: position, asOf: date)
            let facts = try evaluator.gather(.person(person), store: store)
            let figures = TargetFigures(store: store)
            let usage = try SharedLimits(policies: policies).currentUsage(store: store)
            var report = engine.whyNot(facts, person: person, on: date, clause: clause, targets: figures, usage: usage)
            if let error = figures.error { throw error }
            try events.forEachEvent(EventQuery(to: position, party: person)) { event in
                report.eventsNamingPerson[event.type, default: 0] += 1
                return true
            }
            return report
        }
        return try read { store in try answer(store: store) }
    }
}
