import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// Which state of the world a question asks about.
///
/// Audits ask two kinds of "as of": the business date (`asOf`: what the world was on that
/// day, judged on the facts dated up to it) and what the log knew (`position`, or `knownAt`,
/// a recording time: later-recorded events, such as a late correction, are ignored). Both may
/// be given; with neither, the live projections answer.
public struct Moment: Sendable, Hashable {
    public var asOf: LocalDate?
    public var knownAt: Timestamp?
    public var position: Int64?

    public init(asOf: LocalDate? = nil, knownAt: Timestamp? = nil, position: Int64? = nil) {
        self.asOf = asOf
        self.knownAt = knownAt
        self.position = position
    }

    public static let now = Moment()
    public var isNow: Bool { asOf == nil && knownAt == nil && position == nil }
}

extension Projections {
    /// A reader for `moment`: the live projections (caught up) for now, else projections built
    /// afresh in memory from the events the moment allows, on its date. With `party`, only that
    /// person's scope is built (fast: a timeline, or one person's entitlements).
    public func reader(at moment: Moment, party: String? = nil) throws -> ProjectionReader {
        guard !moment.isNow else { return try reader() }
        // Scratch tables (for SQLite, in memory) hold the snapshot; the log is read from the ledger.
        let snapshot = try backend.scratch()
        let engine = self.engine
        let catalog = log.catalog
        try snapshot.write(.live) { tables in
            let events = tables.events
            let head = try events.lastEvent()?.position ?? 0
            var limit = head
            if let position = moment.position {
                guard position >= 0, position <= head else { throw ProjectionError.positionBeyondHead(position, head: head) }
                limit = position
            }
            if let knownAt = moment.knownAt { limit = min(limit, try events.lastPosition(knownAt: knownAt)) }
            let recordedAt = try events.event(at: limit)?.recordedAt
            let asOf = moment.asOf ?? recordedAt.map(Projections.businessDate(of:)) ?? moment.knownAt.map(Projections.businessDate(of:))
            let batch = ProjectionBatch(store: tables, engine: engine, catalog: catalog)
            func evaluate() throws {
                try tables.createEvaluationIndexes()
                for kind in ScopeKind.allCases {
                    var after: NotedScope?
                    while case let (_, last?) = try batch.evaluateScopes(kind, after: after, limit: 1_000) { after = last }
                }
                try batch.applySharedLimits()
            }
            try tables.createTables()
            if let party, Pseudonym.isPseudonym(party) {
                // One person: only their events can change their entitlements and payments.
                var applier = EventApplier(catalog: catalog, places: engine.catalog.places, asOf: asOf ?? LocalDate(year: 1970, month: 1, day: 1)!)
                var classes: Set<String> = []
                var first: Int64?
                try events.forEachEvent(EventQuery(to: limit, party: party)) { event in
                    first = first ?? event.position
                    let decoded = try DecodedEvent(event, catalog: catalog)
                    classes.formUnion(decoded.references.classes)
                    guard moment.asOf.map({ event.occurredAt <= $0 }) ?? true else { return true }
                    _ = try applier.apply(decoded, store: tables)
                    return true
                }
                // The filings of their classes, which their evaluation reads from the tables.
                for classId in classes.sorted() {
                    let stream = "class:" + classId
                    try events.forEachEvent(EventQuery(to: limit, streamID: stream, type: "class.filed")) { event in
                        try tables.noteClassFiling(stream: stream, position: event.position)
                        return true
                    }
                }
                try tables.noteScope(.person(party), at: first ?? 0)
                try batch.markApplied(position: limit, asOf: asOf)
                try evaluate()
                // Unless one of their entitlements draws on a limit shared with others (a
                // pooled fund): what is left of it depends on everyone's, so build the whole.
                guard try !SharedLimits(policies: policies).clauses(store: tables).isEmpty else { return }
                try tables.dropTables()
                try tables.createTables()
            }
            while try batch.checkpoint() < limit {
                _ = try batch.applyEvents(upTo: limit, limit: 20_000, asOf: moment.asOf)
            }
            try batch.markApplied(position: limit, asOf: asOf)
            try evaluate()
        }
        return try ProjectionReader(backend: snapshot, log: log, policies: policies)
    }
}
