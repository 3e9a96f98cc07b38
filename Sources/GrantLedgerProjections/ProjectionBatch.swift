import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// One transaction's work on one set of projection tables: apply events past the checkpoint,
/// evaluate the scopes they made stale, move the checkpoint. Everything goes through `store`,
/// which also reads the log in the same transaction.
struct ProjectionBatch {
    let store: any ProjectionStore
    let engine: PolicyEngine
    let catalog: EventCatalog
    /// The backend whose live tables `store` writes, when its reads can run beside the writer:
    /// a catch-up of many people then evaluates them on every core (`ScopeWorkers`).
    let helpers: (any ProjectionBackend)?

    init(store: any ProjectionStore, engine: PolicyEngine, catalog: EventCatalog, helpers: (any ProjectionBackend)? = nil) {
        self.store = store
        self.engine = engine
        self.catalog = catalog
        self.helpers = helpers
    }

    struct Applied {
        var events = 0
        var scopes = 0
        var position: Int64
        var asOf: LocalDate?
    }

    // MARK: Checkpoint and date

    func checkpoint() throws -> Int64 { try store.checkpoint() }

    func asOf() throws -> LocalDate? { try store.asOf() }

    /// Records that the tables reflect the log up to `position`, evaluated on `asOf`.
    func markApplied(position: Int64, asOf: LocalDate?) throws { try store.markApplied(position: position, asOf: asOf) }

    /// The next events past the checkpoint, up to `upTo`, at most `limit` of them.
    private func nextEvents(from checkpoint: Int64, upTo: Int64, limit: Int) throws -> [RecordedEvent] {
        try store.events.events(EventQuery(to: upTo), after: checkpoint, limit: limit)
    }

    // MARK: Incremental

    /// Applies up to `limit` events past the checkpoint (not past `upTo`) and re-evaluates the
    /// scopes they touch, plus those whose review date the log's date has reached.
    func catchUp(upTo: Int64, limit: Int, asOf fixed: LocalDate? = nil, beforeCommit: ((Int64) throws -> Void)? = nil) throws -> Applied {
        let start = try checkpoint()
        let previous = try asOf()
        let batch = try nextEvents(from: start, upTo: upTo, limit: limit)
        guard let last = batch.last else { return Applied(position: start, asOf: previous) }
        let date = fixed ?? max(previous ?? Projections.businessDate(of: last.recordedAt), Projections.businessDate(of: last.recordedAt))
        var applier = EventApplier(catalog: catalog, places: engine.catalog.places, asOf: date)
        var stale: Set<Scope> = []
        let evaluator = ScopeEvaluator(engine: engine, catalog: catalog, limit: last.position, asOf: date)
        let decoded = try DecodedEvent.decode(batch, catalog: catalog)
        // The people the events name are evaluated next: their events are read on another core
        // while the writer applies.
        let ahead = ReadAhead.start(people: Set(decoded.flatMap(\.references.persons)).sorted(), evaluator: evaluator, backend: helpers)
        let readAhead: [String: [ScopeEvaluator.ReadEvent]]
        do {
            for event in decoded { stale.formUnion(try applier.apply(event, store: store)) }
            readAhead = ahead?.finish() ?? [:]
        } catch {
            _ = ahead?.finish()
            throw error
        }
        if date != previous {
            stale.formUnion(try store.scopesDue(by: date).compactMap(Scope.init(key:)))
        }
        // People first: an organisation's yearly counts are the parts its workers' evaluations keep.
        var kept = ScopeEvaluator.Kept()
        let people = stale.filter { $0.kind == .person }.sorted()
        try ScopeWorkers.evaluate(people, with: evaluator, writer: store, helpers: helpers, filed: applier.filingStreams,
                                  readAhead: readAhead) { rows in
            let changed = try evaluator.keep(rows, store: store, fresh: false)
            kept.clauses.formUnion(changed.clauses)
            kept.employers.formUnion(changed.employers)
        }
        // Then the organisations, on every core as the people were: a file of insured months
        // changes the yearly counts of hundreds of employers.
        let organisations = stale.filter { $0.kind == .organisation }.union(kept.employers.map(Scope.organisation))
        try ScopeWorkers.evaluate(organisations.sorted(), with: evaluator, writer: store, helpers: helpers, filed: applier.filingStreams) { rows in
            kept.clauses.formUnion(try evaluator.keep(rows, store: store, fresh: false).clauses)
        }
        stale.formUnion(organisations)
        try applySharedLimits(kept.clauses, evaluator: evaluator, filed: applier.filingStreams)
        try store.markApplied(position: last.position, asOf: date)
        try beforeCommit?(last.position)
        return Applied(events: batch.count, scopes: stale.count, position: last.position, asOf: date)
    }

    // MARK: Rebuild

    /// A rebuild's first pass: applies events and notes every scope they touch, evaluating none.
    /// With a fixed business date (an `--as-of` question), events dated after it are not yet
    /// facts: they are passed over.
    func applyEvents(upTo: Int64, limit: Int, asOf fixed: LocalDate? = nil) throws -> Int64 {
        let start = try checkpoint()
        let batch = try nextEvents(from: start, upTo: upTo, limit: limit).map { try DecodedEvent($0, catalog: catalog) }
        return try applyEvents(batch, asOf: fixed) ?? start
    }

    /// The same pass over events already read and decoded: the next ones past the checkpoint,
    /// in order. Returns the new checkpoint (nil for none). A rebuild passes its `memo` from
    /// chunk to chunk.
    func applyEvents(_ batch: [DecodedEvent], asOf fixed: LocalDate? = nil, memo: RebuildMemo? = nil) throws -> Int64? {
        guard let last = batch.last?.event else { return nil }
        let date = fixed ?? Projections.businessDate(of: last.recordedAt)
        var applier = EventApplier(catalog: catalog, places: engine.catalog.places, asOf: date)
        applier.written = memo
        // Once per chunk rather than a lookup per event: a few applications cite evidence.
        applier.citedEvidence = Set(try store.linkedKeys(prefix: "evidence:").map { String($0.dropFirst("evidence:".count)) })
        // And the payment and clawback ids already held, which each such event checks.
        try store.readHeldIDs(disbursements: batch.compactMap { ($0.payload as? DisbursementMade)?.disbursementId },
                              clawbacks: batch.compactMap { ($0.payload as? ClawbackOrdered)?.clawbackId })
        var noted: Set<Scope> = []
        for decoded in batch {
            guard fixed.map({ decoded.event.occurredAt <= $0 }) ?? true else {
                // Not yet a fact, but a filing the class's trainees read all the same, as they
                // read every event of theirs up to the position (`ScopeEvaluator.gather`).
                if decoded.payload is ClassFiled { try store.noteClassFiling(stream: decoded.event.streamID, position: decoded.event.position) }
                continue
            }
            for scope in try applier.apply(decoded, store: store, incremental: false) {
                // A rebuild's memo knows the scopes of its earlier chunks too.
                let known = memo.map { $0.noting(scope) } ?? !noted.insert(scope).inserted
                if !known { try store.noteScope(scope, at: decoded.event.position) }
            }
        }
        try store.markApplied(position: last.position, asOf: date)
        return last.position
    }

    /// Computes what the whole log used of these clauses' shared limits (a pooled fund) before
    /// each entitlement drawing on them, and evaluates again every scope whose usage changed.
    /// With nil, every clause with draws: a rebuild's last pass, once every scope has its rows.
    /// A catch-up passes its `evaluator` and the class streams it `filed`: the scopes are then
    /// evaluated on every core (`ScopeWorkers`) when there are enough of them.
    func applySharedLimits(_ clauses: Set<String>? = nil, evaluator: ScopeEvaluator? = nil, filed: Set<String> = []) throws {
        let limits = SharedLimits(policies: engine.catalog)
        let clauses = try clauses ?? limits.clauses(store: store)
        guard !clauses.isEmpty else { return }
        let (usage, stale) = try limits.usage(of: clauses, store: store)
        guard let evaluator = try evaluator ?? asOf().map({
            ScopeEvaluator(engine: engine, catalog: catalog, limit: try checkpoint(), asOf: $0)
        }) else { return }
        // People, then organisations, whose lookups (made when their turn comes) see the rows the people kept.
        for scopes in Self.peopleFirst(stale) {
            try ScopeWorkers.evaluate(scopes, with: evaluator, writer: store, helpers: helpers, filed: filed, usage: usage) { rows in
                try evaluator.keep(rows, store: store, fresh: false)
            }
        }
    }

    /// Scopes in the order they are evaluated: people, then organisations, each kind in key order.
    static func peopleFirst(_ scopes: Set<Scope>) -> [[Scope]] {
        ScopeKind.allCases.map { kind in scopes.filter { $0.kind == kind }.sorted() }
    }

    /// A rebuild's second pass: evaluates the next `limit` scopes after `after` of one kind
    /// (`ScopeKind.allCases` gives the order: people before organisations), in the order of
    /// ``NotedScope``.
    func evaluateScopes(_ kind: ScopeKind, after: NotedScope?, limit: Int) throws -> (count: Int, last: NotedScope?) {
        let scopes = try store.scopes(kind, after: after, limit: limit)
        guard let asOf = try asOf() else { return (0, scopes.last) }
        let evaluator = ScopeEvaluator(engine: engine, catalog: catalog, limit: try checkpoint(), asOf: asOf)
        var count = 0
        for noted in scopes {
            guard let scope = Scope(key: noted.key) else { continue }
            try evaluator.refresh(scope, store: store, fresh: true)
            count += 1
        }
        return (count, scopes.last)
    }
}
