import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// Applies one event to the projections' own tables (payments, classes, targets and their
/// counted facts, funds, and the links that say whose entitlements an event can change), and
/// reports the scopes whose entitlements it makes stale.
struct EventApplier {
    let catalog: EventCatalog
    /// The policy catalog's places: a class counts toward every target whose unit contains its division.
    let places: Places
    let schema: ProjectionSchema
    /// The business date the entitlements are evaluated on: a late target count matters to a
    /// fund only once the target's period has ended by then.
    var asOf: LocalDate
    private var targets: [TargetSet]?

    init(catalog: EventCatalog, places: Places, schema: ProjectionSchema, asOf: LocalDate) {
        self.catalog = catalog
        self.places = places
        self.schema = schema
        self.asOf = asOf
    }

    /// Event types whose facts are context for other scopes' entitlements: when one arrives,
    /// every scope linked to what it describes is re-evaluated.
    static let contextTypes: Set<String> = [
        "enterprise.registered", "institution.registered", "institution.catalog-listed", "institution.catalog-delisted",
        "organisation.rated", "organisation.rating-withdrawn", "class.filed", "application.submitted",
        "application.approved", "application.rejected", "amount.decided", "certificate.revoked", "target.set",
        // A person's key groups and registration count in their employers' yearly figures.
        "person.registered", "person.group-joined", "person.group-left",
    ]

    mutating func apply(_ event: RecordedEvent, store: Database, events: SQLiteEventReader) throws -> Set<Scope> {
        try apply(DecodedEvent(event, catalog: catalog), store: store, events: events)
    }

    /// `linking` false leaves out the scopes already linked to what a context event describes:
    /// a rebuild, which evaluates every scope once at the end, has noted them when it linked them.
    mutating func apply(_ decoded: DecodedEvent, store: Database, events: SQLiteEventReader, linking: Bool = true) throws -> Set<Scope> {
        let (event, payload, references) = (decoded.event, decoded.payload, decoded.references)
        var stale = Set(references.persons.map(Scope.person) + references.organisations.map(Scope.organisation))
        var keys = references.organisations.map { "org:" + $0 } + references.classes.map { "class:" + $0 }
            + references.applications.map { "app:" + $0 } + references.certificates.map { "cert:" + $0 }
            + references.targets.map { "target:" + $0 }

        switch payload {
        case let filed as ClassFiled:
            try store.cachedStatement(sql: """
                INSERT OR REPLACE INTO \(schema[.classes]) (class_id, division, department, jurisdiction, position, organiser)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [filed.classId, filed.division, filed.department, filed.jurisdiction.rawValue, event.position, filed.organiser])
            let counted = try Row.fetchAll(store.cachedStatement(sql: "SELECT position, kind, level, occurred_at FROM \(schema[.trainingFacts]) WHERE class_id = ?"),
                arguments: [filed.classId])
            for row in counted {
                stale.formUnion(try count(position: row[0], kind: row[1], level: row[2], occurredAt: row[3], filed: filed, store: store, events: events))
            }
        case let completed as TrainingCompleted:
            stale.formUnion(try addTrainingFact(event, classId: completed.classId, kind: .completion, level: nil, store: store, events: events))
        case let certificate as CertificateIssued:
            if let classId = certificate.classId, certificate.level != nil {
                stale.formUnion(try addTrainingFact(event, classId: classId, kind: .certificate, level: certificate.level, store: store, events: events))
            }
        case let target as TargetSet:
            try store.cachedStatement(sql: """
                INSERT OR REPLACE INTO \(schema[.targets]) (target_id, clause, metric, scope, unit, period_start, period_end, value, fund,
                    note, position, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [target.targetId, target.clause, target.metric, target.scope, target.unit, target.periodStart.description,
                                 target.periodEnd.description, target.value, target.fund?.value, target.note, event.position, event.eventID])
            try store.cachedStatement(sql: "DELETE FROM \(schema[.targetEvents]) WHERE target_id = ?").execute(arguments: [target.targetId])
            targets = try loadTargets(store: store, events: events)
            if TargetSet.countedMetrics.contains(target.metric) {
                let rows = try Row.fetchAll(store.cachedStatement(sql: """
                    SELECT t.position, t.kind, t.level, t.occurred_at, c.position FROM \(schema[.trainingFacts]) t
                    JOIN \(schema[.classes]) c ON c.class_id = t.class_id
                    WHERE t.occurred_at BETWEEN ? AND ? ORDER BY t.position
                    """), arguments: [target.periodStart.description, target.periodEnd.description])
                var filedAt: [Int64: ClassFiled] = [:]
                for row in rows {
                    let classPosition: Int64 = row[4]
                    if filedAt[classPosition] == nil { filedAt[classPosition] = try self.payload(at: classPosition, events: events) }
                    guard let filed = filedAt[classPosition] else { continue }
                    try record(row[0], kind: row[1], level: row[2], occurredAt: row[3], filed: filed, toward: target, store: store)
                }
            }
            stale.formUnion(try fundRecipients(of: [target.targetId], store: store))
        case let fund as FundAllocated:
            try store.cachedStatement(sql: """
                INSERT OR REPLACE INTO \(schema[.funds]) (fund_id, clause, recipient, amount, tranche, period_start, period_end, target_id,
                    date, position, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [fund.fundId, fund.clause, fund.recipient, fund.amount.value, fund.tranche, fund.periodStart?.description,
                                 fund.periodEnd?.description, fund.targetId, event.occurredAt.description, event.position, event.eventID])
            stale.insert(.organisation(fund.recipient))
            keys.append("fund:" + fund.fundId)
        case let paid as DisbursementMade:
            let payee = paid.payee.organisation ?? paid.payee.person ?? ""
            try store.cachedStatement(sql: """
                INSERT OR REPLACE INTO \(schema[.disbursements]) (disbursement_id, clause, payee_kind, payee_id, subject, application_id,
                    fund_id, amount, reversed, date, position, match_key, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                """).execute(arguments: [paid.disbursementId, paid.clause, paid.payee.kind.rawValue, payee, paid.subject, paid.applicationId,
                                 paid.fundId, paid.amount.value, event.occurredAt.description, event.position,
                                 MatchKey.of(clause: paid.clause, payee: payee, subject: paid.subject), event.eventID])
        case let reversed as DisbursementReversed:
            try store.cachedStatement(sql: "UPDATE \(schema[.disbursements]) SET reversed = reversed + ? WHERE disbursement_id = ?").execute(arguments: [reversed.amount.value, reversed.disbursementId])
        case let ordered as ClawbackOrdered:
            try store.cachedStatement(sql: """
                INSERT OR REPLACE INTO \(schema[.clawbacks]) (clawback_id, clause, payee_kind, payee_id, amount, reason, disbursement_id,
                    date, position, recovered, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                """).execute(arguments: [ordered.clawbackId, ordered.clause, ordered.payee.kind.rawValue,
                                 ordered.payee.organisation ?? ordered.payee.person ?? "", ordered.amount.value, ordered.reason,
                                 ordered.disbursementId, event.occurredAt.description, event.position, event.eventID])
        case let recovered as ClawbackRecovered:
            try store.cachedStatement(sql: "UPDATE \(schema[.clawbacks]) SET recovered = recovered + ? WHERE clawback_id = ?").execute(arguments: [recovered.amount.value, recovered.clawbackId])
        // The "131" service's facts (XM-2023-188/4): where people are registered, their
        // membership of the groups it serves, and the services they receive.
        case let registered as PersonRegistered:
            try recordService131(event, person: registered.person, kind: .registered, value: registered.registeredIn, store: store)
        case let joined as PersonGroupJoined where Service131.groups.contains(joined.group):
            try recordService131(event, person: joined.person, kind: .joined, value: joined.group.rawValue, since: joined.since,
                                 until: joined.until, store: store)
        case let left as PersonGroupLeft where Service131.groups.contains(left.group):
            try recordService131(event, person: left.person, kind: .left, value: left.group.rawValue, since: event.occurredAt, store: store)
        case let contacted as JobServiceContacted:
            try recordService131(event, person: contacted.person, kind: .contact, value: contacted.service, store: store)
        default:
            break
        }

        // Link what the event describes to the scopes it concerns, so that a later change to
        // it (a rating withdrawn, an application approved) reaches them.
        let link = try store.cachedStatement(sql: "INSERT OR IGNORE INTO \(schema[.links]) (key, scope) VALUES (?, ?)")
        for key in keys {
            for scope in stale where scope.key != key { try link.execute(arguments: [key, scope.key]) }
        }
        // And each person to the organisations their events name (employers, above all).
        for person in references.persons {
            for organisation in references.organisations { try link.execute(arguments: ["person:" + person, "org:" + organisation]) }
        }
        try linkOrganisers(of: references.classes, filed: payload as? ClassFiled, to: stale, store: store)
        stale.formUnion(try linkEvidence(event, payload: payload, references: references, store: store, events: events))
        if linking, Self.contextTypes.contains(event.type) {
            let linked = try store.cachedStatement(sql: "SELECT scope FROM \(schema[.links]) WHERE key = ?")
            for key in keys + references.persons.map({ "person:" + $0 }) {
                for scope in try String.fetchAll(linked, arguments: [key]) { if let scope = Scope(key: scope) { stale.insert(scope) } }
            }
        }
        return stale
    }

    // MARK: Context reached through other events

    /// A class's trainees read its organiser's events (its ratings, which rules about trainees
    /// test; see `ScopeEvaluator.gather`), though none of their own events names it: link the
    /// scopes an event about the class concerns to the organiser, and, when the filing comes
    /// after its trainees' events, every scope already linked to the class. Then a rating
    /// recorded later reaches them, whichever was recorded first.
    private func linkOrganisers(of classes: [String], filed: ClassFiled?, to stale: Set<Scope>, store: Database) throws {
        let link = try store.cachedStatement(sql: "INSERT OR IGNORE INTO \(schema[.links]) (key, scope) VALUES (?, ?)")
        for classId in classes {
            guard let organiser = try String.fetchOne(store.cachedStatement(sql: "SELECT organiser FROM \(schema[.classes]) WHERE class_id = ?"),
                                                      arguments: [classId]) else { continue }
            let key = Scope.organisation(organiser).key
            for scope in stale where scope.key != key { try link.execute(arguments: [key, scope.key]) }
            if filed?.classId == classId {
                try store.cachedStatement(sql: """
                    INSERT OR IGNORE INTO \(schema[.links]) (key, scope) SELECT ?, scope FROM \(schema[.links]) WHERE key = ? AND scope != ?
                    """).execute(arguments: [key, "class:" + classId, key])
            }
        }
    }

    /// An application that cites a worker's events as its evidence concerns that worker though
    /// it may not name them (an enterprise's application for its trainees): link the
    /// application to the people its evidence names, so their scopes read it and its decisions
    /// (`ScopeEvaluator.gather` follows the links) and are re-evaluated when they arrive. Evidence
    /// recorded after the application is linked when it arrives. Returns the scopes to re-evaluate.
    private func linkEvidence(
        _ event: RecordedEvent, payload: any EventPayload, references: EventReferences, store: Database, events: SQLiteEventReader
    ) throws -> Set<Scope> {
        let link = try store.cachedStatement(sql: "INSERT OR IGNORE INTO \(schema[.links]) (key, scope) VALUES (?, ?)")
        var reached: Set<Scope> = []
        func reach(_ application: String, through cited: RecordedEvent) throws {
            for person in try EventReferences(cited, catalog: catalog).persons {
                try link.execute(arguments: ["app:" + application, Scope.person(person).key])
                reached.insert(.person(person))
            }
        }
        if let submitted = payload as? ApplicationSubmitted {
            for id in submitted.evidence ?? [] {
                // Kept by event id, for evidence recorded later (the scope column holds the application here).
                try link.execute(arguments: ["evidence:" + id, "app:" + submitted.applicationId])
                if let cited = try events.event(withID: id), cited.position <= event.position { try reach(submitted.applicationId, through: cited) }
            }
        }
        let citing = try String.fetchAll(store.cachedStatement(sql: "SELECT scope FROM \(schema[.links]) WHERE key = ?"), arguments: ["evidence:" + event.eventID])
        for application in citing where application.hasPrefix("app:") { try reach(String(application.dropFirst(4)), through: event) }
        return reached
    }

    // MARK: Targets

    private mutating func addTrainingFact(
        _ event: RecordedEvent, classId: String, kind: TargetSet.CountedFact, level: CertificateLevel?, store: Database,
        events: SQLiteEventReader
    ) throws -> Set<Scope> {
        try store.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(schema[.trainingFacts]) (class_id, position, kind, level, occurred_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [classId, event.position, kind.rawValue, level?.rawValue, event.occurredAt.description])
        guard let classPosition = try Int64.fetchOne(store.cachedStatement(sql: "SELECT position FROM \(schema[.classes]) WHERE class_id = ?"),
                                                     arguments: [classId]),
              let filed: ClassFiled = try payload(at: classPosition, events: events)
        else { return [] }
        return try count(position: event.position, kind: kind.rawValue, level: level?.rawValue, occurredAt: event.occurredAt.description,
                         filed: filed, store: store, events: events)
    }

    /// Records a training fact toward every target it counts for; returns the fund scopes to
    /// re-evaluate (those whose target period has ended by the evaluation date).
    private mutating func count(
        position: Int64, kind: String, level: String?, occurredAt: String, filed: ClassFiled, store: Database,
        events: SQLiteEventReader
    ) throws -> Set<Scope> {
        if targets == nil { targets = try loadTargets(store: store, events: events) }
        var touched: [String] = []
        for target in targets! {
            if try record(position, kind: kind, level: level, occurredAt: occurredAt, filed: filed, toward: target, store: store),
               target.periodEnd <= asOf {
                touched.append(target.targetId)
            }
        }
        return try fundRecipients(of: touched, store: store)
    }

    @discardableResult
    private func record(
        _ position: Int64, kind: String, level: String?, occurredAt: String, filed: ClassFiled, toward target: TargetSet, store: Database
    ) throws -> Bool {
        guard let kind = TargetSet.CountedFact(rawValue: kind), let date = LocalDate(occurredAt),
              target.counts(kind, level: level.flatMap(CertificateLevel.init(rawValue:)), class: filed, on: date, places: places)
        else { return false }
        try store.cachedStatement(sql: "INSERT OR IGNORE INTO \(schema[.targetEvents]) (target_id, position, occurred_at) VALUES (?, ?, ?)").execute(arguments: [target.targetId, position, occurredAt])
        return true
    }

    private func loadTargets(store: Database, events: SQLiteEventReader) throws -> [TargetSet] {
        try Int64.fetchAll(store.cachedStatement(sql: "SELECT position FROM \(schema[.targets]) ORDER BY target_id")).compactMap { position in
            try payload(at: position, events: events)
        }
    }

    private func fundRecipients(of targets: [String], store: Database) throws -> Set<Scope> {
        guard !targets.isEmpty else { return [] }
        let marks = targets.map { _ in "?" }.joined(separator: ", ")
        return Set(try String.fetchAll(store, sql: "SELECT DISTINCT recipient FROM \(schema[.funds]) WHERE target_id IN (\(marks))",
            arguments: StatementArguments(targets)).map(Scope.organisation))
    }

    // MARK: The "131" service

    private func recordService131(
        _ event: RecordedEvent, person: String, kind: Service131.FactKind, value: String, since: LocalDate? = nil, until: LocalDate? = nil,
        store: Database
    ) throws {
        try store.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(schema[.service131]) (person, position, kind, occurred_at, value, since, until) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [person, event.position, kind.rawValue, event.occurredAt.description, value, since?.description, until?.description])
    }

    // MARK: Decoding

    private func payload<P: EventPayload>(at position: Int64, events: SQLiteEventReader) throws -> P? {
        try events.event(at: position).map { try $0.payload(in: catalog) } as? P
    }
}
