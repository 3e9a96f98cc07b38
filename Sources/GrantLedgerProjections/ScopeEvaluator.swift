import Foundation
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// Evaluates the policy engine for one scope (a person, or an organisation or fund recipient)
/// on the facts that scope's entitlements can rest on, and writes the entitlements it owns.
///
/// A person's facts: every event naming them, and the context those events point to (the
/// organisations' registrations and ratings, the classes' filings, the applications' decisions,
/// the certificates' revocations). An organisation's: every event naming it, the funds it
/// receives and their targets; its yearly counts (stable hires, new skilled talents) come from
/// the parts its workers' evaluations kept (`EmployerContribution`), so people are evaluated
/// before the organisations their changes concern. Target figures come from the performance projection,
/// which counts over the whole log.
struct ScopeEvaluator: Sendable {
    let engine: PolicyEngine
    let catalog: EventCatalog
    /// The last position the evaluation may see.
    let limit: Int64
    /// The business date evaluated on.
    let asOf: LocalDate
    /// Class streams whose filings are read from the log rather than from the class filings
    /// kept: those filed in a write transaction that `store` is not part of (`ScopeWorkers`).
    var scannedStreams: Set<String> = []
    /// The context streams' facts read so far, for the other scopes that read them.
    let shared = ContextFacts()

    /// Re-evaluates `scope` and replaces its rows in `store`.
    ///
    /// `fresh` says the scope has no rows yet (a rebuild's single pass over its scopes), so
    /// there is nothing to delete; the new tables get their indexes only at the swap.
    ///
    /// `usage` is what the whole log used of the limits rules share across scopes (a pooled
    /// fund). Without it the scope's draws on them are kept, and the clauses they concern
    /// returned: the caller computes their usage and evaluates the scope again with it.
    @discardableResult
    func refresh(_ scope: Scope, store: some ProjectionStore, fresh: Bool = false, usage: PooledUsage? = nil) throws -> Kept {
        try keep(evaluate(scope, store: store, usage: usage), store: store, fresh: fresh)
    }

    /// A scope's new rows, evaluated but not yet written.
    struct Rows: Sendable {
        let scope: Scope
        let entitlements: [Entitlement]
        let reviewBy: LocalDate?
        /// The entitlements' draws on limits shared across scopes; nil when evaluated with their usage.
        let draws: [SharedLimitPlace.Draw]?
        /// A person's parts in their employers' yearly counts; nil for an organisation.
        let contributions: [EmployerContribution]?
    }

    /// What keeping a scope's rows changed for other scopes.
    struct Kept {
        /// The shared-limit clauses whose usage must be computed again.
        var clauses: Set<String> = []
        /// The employers whose yearly counts changed: their scopes are evaluated again, after the people's.
        var employers: Set<String> = []
    }

    /// Evaluates `scope`, only reading, its lookups made in `store` too.
    func evaluate(_ scope: Scope, store: some ProjectionStore, usage: PooledUsage? = nil) throws -> Rows {
        try evaluate(scope, lookups: lookups(scope, store: store), store: store, usage: usage)
    }

    /// What a scope's evaluation reads of the projection tables, as against the log: looked up
    /// in the writer's transaction, which sees the rows its own events just made, so that the
    /// rest of the evaluation (the log and the engine) can run in another read transaction.
    struct Lookups: Sendable {
        /// A person's: the applications citing their events as evidence without naming them.
        var applications: [String] = []
        /// An organisation's: the positions of its own facts (`organisationFacts`).
        var organisationFacts: [Int64] = []
        /// An organisation's: the funds it receives, with the target each follows.
        var funds: [Fund] = []
        /// An organisation's: the parts of its yearly counts its workers' evaluations kept.
        var contributions: [EmployerContribution]?
        /// A person's events, when they were read with other people's in one request
        /// (``readingEvents(of:_:store:)``) or ahead of the evaluation (``ReadAhead``), each
        /// decoded, with what it names; nil: the evaluation reads them.
        var events: [ReadEvent]?
        /// Streams that give those events their context, read with the other people's in one
        /// request, decoded: those not already among the ``ContextFacts``.
        var streams: [String: [Fact]] = [:]

        struct Fund: Sendable {
            let fund: String
            let target: String?
        }
    }

    func lookups(_ scope: Scope, store: some ProjectionStore) throws -> Lookups { try lookups([scope], store: store)[0] }

    /// The lookups of several scopes, people's in one request for all of them.
    func lookups(_ scopes: [Scope], store: some ProjectionStore) throws -> [Lookups] {
        let people = scopes.filter { $0.kind == .person }
        let applications = people.isEmpty ? [:] : try store.linkedApplications(of: people)
        return try scopes.map { scope in
            var lookups = Lookups()
            switch scope {
            case .person:
                lookups.applications = applications[scope.key] ?? []
            case .organisation(let id):
                lookups.organisationFacts = try store.organisationFacts(id, through: limit)
                lookups.funds = try store.funds(receivedBy: id).map { Lookups.Fund(fund: $0.fund, target: $0.target) }
                lookups.contributions = try store.contributions(employer: id)
            }
            return lookups
        }
    }

    /// One of a person's events, decoded, with what it names.
    struct ReadEvent: Sendable {
        let fact: Fact
        let references: EventReferences
    }

    /// `lookups` of `scopes` with their people's events, and the streams that give those
    /// events context and are not kept yet, read from `store`'s log in one request each
    /// (``Lookups/events``, ``Lookups/streams``): where each request is a turn on a server, a
    /// run of people costs a few requests instead of several each. People whose events were
    /// read ahead (``Lookups/events`` set) are not read again.
    func readingEvents(of scopes: [Scope], _ lookups: [Lookups], store: some ProjectionStore) throws -> [Lookups] {
        let unread = zip(scopes, lookups).compactMap { scope, lookup in
            if case .person(let id) = scope, lookup.events == nil { id } else { nil }
        }
        let (events, streams) = try reading(people: unread, applications: lookups.flatMap(\.applications), store: store)
        return zip(scopes, lookups).map { scope, lookup in
            guard case .person(let id) = scope else { return lookup }
            var lookup = lookup
            if lookup.events == nil { lookup.events = events[id] ?? [] }
            lookup.streams.merge(streams) { held, _ in held }
            return lookup
        }
    }

    /// The events of `people`, decoded (every one of them, with none for those who have none),
    /// and the streams that give them (and these `applications`) their context, where not kept
    /// among the ``ContextFacts``: one request for the people, one for the streams.
    func reading(people: [String], applications: [String] = [], store: some ProjectionStore)
        throws -> (events: [String: [ReadEvent]], streams: [String: [Fact]])
    {
        var events: [String: [ReadEvent]] = [:]
        var context = Context()
        if !people.isEmpty {
            for (party, read) in try store.events.events(ofParties: people, through: limit) {
                events[party] = try read.map { event in
                    let references = try EventReferences(event, catalog: catalog)
                    context.add(references)
                    return ReadEvent(fact: try fact(event), references: references)
                }
            }
        }
        for person in people where events[person] == nil { events[person] = [] }
        for application in applications { context.streams.insert("application:" + application) }
        let unread = context.streams.filter { !shared.holds(stream: $0) }
        let streams = unread.isEmpty ? [:] : try store.events.events(ofStreams: unread.sorted(), through: limit).mapValues { try $0.map(fact) }
        return (events, streams)
    }

    /// An event as the engine sees it.
    func fact(_ event: RecordedEvent) throws -> Fact {
        Fact(eventID: event.eventID, position: event.position, occurredAt: event.occurredAt, payload: try event.payload(in: catalog))
    }

    /// The evaluation's reads of target figures came to tables that may lag the writer's
    /// transaction (`tablesCurrent` false): the scope is evaluated again on the writer.
    struct NeedsCurrentTables: Error {}

    /// Evaluates `scope` on `lookups`, reading the log from `store`. With `tablesCurrent`
    /// false, `store` is another transaction than the writer's: its projection tables are not
    /// read, and an evaluation that needs them (a fund's target figures) throws
    /// ``NeedsCurrentTables``.
    func evaluate(_ scope: Scope, lookups: Lookups, store: some ProjectionStore, usage: PooledUsage? = nil,
                  tablesCurrent: Bool = true) throws -> Rows {
        let facts = try gather(scope, lookups: lookups, store: store)
        let figures = TargetFigures(store: store, readable: tablesCurrent)
        let counts = lookups.contributions.map(KeptCounts.init)
        let evaluation = engine.evaluation(facts, on: asOf, targets: figures, usage: usage, for: scope.owner, counts: counts)
        if figures.refused { throw NeedsCurrentTables() }
        if let error = figures.error { throw error }
        let owned = evaluation.entitlements.filter { $0.owner == scope.owner }
        let contributions: [EmployerContribution]? = if case .person = scope { evaluation.employerContributions } else { nil }
        return Rows(scope: scope, entitlements: owned, reviewBy: evaluation.reviewBy,
                    draws: usage == nil ? owned.compactMap { evaluation.sharedLimitDraws[$0.id] } : nil, contributions: contributions)
    }

    /// Replaces the scope's rows by `rows`.
    @discardableResult
    func keep(_ rows: Rows, store: some ProjectionStore, fresh: Bool) throws -> Kept {
        try store.replaceEntitlements(of: rows.scope, with: rows.entitlements.map(EntitlementRecord.init), fresh: fresh)
        try store.markEvaluated(rows.scope, reviewBy: rows.reviewBy, position: limit)
        var kept = Kept()
        if case .person(let worker) = rows.scope, let parts = rows.contributions {
            kept.employers = try store.replaceContributions(of: worker, with: parts, fresh: fresh)
        }
        if let draws = rows.draws {
            kept.clauses = try SharedLimits(policies: engine.catalog).keep(rows.scope, draws, store: store, fresh: fresh)
        }
        return kept
    }

    // MARK: Facts

    /// The events an organisation's own evaluation reads, of those that name it: what the
    /// rules an organisation can be owed read (its registration, ratings and catalogue
    /// listings, its funds and their targets, its awards and applications, the classes it
    /// files). Every other event naming it (an insured month, a certificate, a trainee's
    /// training, a payment) is a worker's fact, owned by the worker's scope; the organisation's
    /// yearly counts read those only as the parts its workers' evaluations keep.
    static let organisationFacts: Set<String> = [
        "enterprise.registered", "institution.registered", "institution.catalog-listed", "institution.catalog-delisted",
        "organisation.rated", "organisation.rating-withdrawn", "award.granted", "application.submitted", "application.approved",
        "application.rejected", "amount.decided", "target.set", "fund.allocated", "class.filed",
    ]

    func gather(_ scope: Scope, store: some ProjectionStore) throws -> [Fact] {
        try gather(scope, lookups: lookups(scope, store: store), store: store)
    }

    /// The facts of `scope`: the log read from `store`, and of its tables only the class filings.
    func gather(_ scope: Scope, lookups: Lookups, store: some ProjectionStore) throws -> [Fact] {
        let events = store.events
        var found: [Int64: Fact] = [:]
        var context = Context()
        func take(_ event: RecordedEvent) throws {
            guard found[event.position] == nil else { return }
            found[event.position] = try fact(event)
            context.add(try EventReferences(event, catalog: catalog))
        }
        switch scope {
        case .person(let id):
            if let read = lookups.events {
                for event in read where found[event.fact.position] == nil {
                    found[event.fact.position] = event.fact
                    context.add(event.references)
                }
            } else {
                try events.forEachEvent(EventQuery(to: limit, party: id)) { try take($0); return true }
            }
            // Applications that cite the person's events as evidence without naming them.
            for application in lookups.applications { context.streams.insert("application:" + application) }
        case .organisation:
            // Its own facts (`organisationFacts`), noted as they were applied: not the thousands of
            // its workers' facts that name it too.
            for position in lookups.organisationFacts {
                if let event = try events.event(at: position) { try take(event) }
            }
            for fund in lookups.funds {
                context.streams.insert("fund:" + fund.fund)
                if let target = fund.target { context.streams.insert("target:" + target) }
            }
            // Not the events of the people it employed: their parts in its yearly counts are
            // kept when they are evaluated (`EmployerContribution`), and read from there.
        }
        // A class's filing, and its organiser's events (its ratings and listings, which rules
        // about trainees test), before the other streams.
        for stream in context.classes.sorted() {
            let filing = try shared.filing(stream) {
                var filing = ContextFacts.Filing()
                func filed(_ event: RecordedEvent) throws {
                    filing.facts.append(try fact(event))
                    filing.organisations += try EventReferences(event, catalog: catalog).organisations
                }
                if scannedStreams.contains(stream) {
                    try events.forEachEvent(EventQuery(to: limit, streamID: stream, type: "class.filed")) { try filed($0); return true }
                } else {
                    // The filings kept as they were applied: the same events, without reading the
                    // class's stream, which holds every enrolment, completion and assessment too.
                    for position in try store.classFilings(stream: stream, through: limit) {
                        if let event = try events.event(at: position) { try filed(event) }
                    }
                }
                return filing
            }
            for filed in filing.facts where found[filed.position] == nil { found[filed.position] = filed }
            for organisation in filing.organisations { context.streams.insert("organisation:" + organisation) }
        }
        for stream in context.streams.sorted() {
            let facts = try shared.stream(stream) {
                if let read = lookups.streams[stream] { return read }
                var facts: [Fact] = []
                try events.forEachEvent(EventQuery(to: limit, streamID: stream)) { facts.append(try fact($0)); return true }
                return facts
            }
            for streamFact in facts where found[streamFact.position] == nil { found[streamFact.position] = streamFact }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// The streams whose events give a scope's own events their context.
    private struct Context {
        var streams: Set<String> = []
        var classes: Set<String> = []

        mutating func add(_ references: EventReferences) {
            for organisation in references.organisations { streams.insert("organisation:" + organisation) }
            for application in references.applications { streams.insert("application:" + application) }
            for certificate in references.certificates { streams.insert("certificate:" + certificate) }
            for target in references.targets { streams.insert("target:" + target) }
            for id in references.classes { classes.insert("class:" + id) }
        }
    }
}

/// How disbursements find the entitlements they pay: the clause, the payee, and the worker.
enum MatchKey {
    static func of(clause: String, payee: String, subject: String?) -> String { "\(clause)|\(payee)|\(subject ?? "")" }
}

/// Target figures from the performance projection, counted over the whole log. The engine's
/// question cannot fail; a store's error is kept and thrown once the evaluation returns.
final class TargetFigures<Store: ProjectionStore>: TargetProgress {
    let store: Store
    /// False when `store` may lag the writer's transaction: a figure is then not read, and `refused` set.
    let readable: Bool
    private(set) var error: (any Error)?
    private(set) var refused = false

    init(store: Store, readable: Bool = true) {
        self.store = store
        self.readable = readable
    }

    func achieved(_ target: TargetSet, through date: LocalDate) -> Int64? {
        guard TargetSet.countedMetrics.contains(target.metric) else { return nil }
        guard readable else {
            refused = true
            return nil
        }
        do {
            return try store.countedFacts(target: target.targetId, through: date)
        } catch {
            self.error = error
            return nil
        }
    }
}

/// The parts of an organisation's yearly counts kept by its workers' evaluations.
struct KeptCounts: EmployerCounts {
    let byClause: [String: [EmployerContribution]]

    init(_ parts: [EmployerContribution]) { byClause = Dictionary(grouping: parts, by: \.clause) }

    func contributions(employer: String, clause: String) -> [EmployerContribution] {
        (byClause[clause] ?? []).filter { $0.employer == employer }
    }
}

/// The facts of the streams many scopes read for their context (an organisation's
/// registration and ratings, an application's decisions, a target, a class's filing), read
/// and decoded once per evaluation pass rather than once per scope that reads them: thousands
/// of workers read their employer's stream. The log up to the evaluator's limit does not
/// change, so neither do they. A certificate's stream is read by its holder alone, and not kept.
final class ContextFacts: @unchecked Sendable {
    struct Filing: Sendable {
        var facts: [Fact] = []
        /// The organisations the filings name: their streams are read too.
        var organisations: [String] = []
    }

    /// Facts kept at most, so that a pass over a province's log stays within its memory.
    static let capacity = 500_000

    private let lock = NSLock()
    private var streams: [String: [Fact]] = [:]
    private var filings: [String: Filing] = [:]
    private var count = 0

    func stream(_ key: String, read: () throws -> [Fact]) throws -> [Fact] {
        try remembered(\.streams, key, size: \.count, keep: !key.hasPrefix("certificate:"), read: read)
    }

    /// Whether the facts of this stream are kept.
    func holds(stream key: String) -> Bool { lock.withLock { streams[key] != nil } }

    /// Holds the facts of a stream read ahead for this pass's scopes (``ReadAhead``), a
    /// certificate's too, within ``capacity``.
    func hold(stream key: String, _ facts: [Fact]) {
        lock.withLock {
            guard count + facts.count <= Self.capacity, streams[key] == nil else { return }
            streams[key] = facts
            count += facts.count
        }
    }

    func filing(_ key: String, read: () throws -> Filing) throws -> Filing {
        try remembered(\.filings, key, size: \.facts.count, keep: true, read: read)
    }

    /// What `table` holds for `key`, or else what `read` gives, kept for the next scope while
    /// the facts kept stay within ``capacity``.
    private func remembered<Value>(
        _ table: ReferenceWritableKeyPath<ContextFacts, [String: Value]>, _ key: String, size: (Value) -> Int, keep: Bool,
        read: () throws -> Value
    ) throws -> Value {
        if let value = lock.withLock({ self[keyPath: table][key] }) { return value }
        let value = try read()
        guard keep else { return value }
        lock.withLock {
            guard count + size(value) <= Self.capacity, self[keyPath: table][key] == nil else { return }
            self[keyPath: table][key] = value
            count += size(value)
        }
        return value
    }
}
