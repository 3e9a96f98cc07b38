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
    /// The business date the entitlements are evaluated on: a late target count matters to a
    /// fund only once the target's period has ended by then.
    var asOf: LocalDate
    private var targets: [TargetSet]?
    /// The streams of the class filings applied so far: a read transaction begun before they
    /// were committed does not see them (`ScopeEvaluator.scannedStreams`).
    private(set) var filingStreams: Set<String> = []
    /// The ids of the events applications cited as evidence, when known (a rebuild's chunk
    /// loads them once): an event no application cited needs no lookup of its own. Nil: look
    /// each event up.
    var citedEvidence: Set<String>?
    /// Class filings read so far, by position: a filing never changes.
    private var filings: [Int64: ClassFiled] = [:]
    /// A rebuild's: the links it has already written, so that the many events repeating one
    /// (a worker's insured months, each naming the employer) cost a set lookup, not an index probe.
    var written: RebuildMemo?

    init(catalog: EventCatalog, places: Places, asOf: LocalDate) {
        self.catalog = catalog
        self.places = places
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

    /// The event types whose typed payload `apply` reads (the cases of its switch, and the
    /// application `linkEvidence` reads); `DecodedEvent` decodes only these.
    static let payloadTypes: Set<String> = Set([
        ClassFiled.self, TrainingCompleted.self, CertificateIssued.self, TargetSet.self, FundAllocated.self, DisbursementMade.self,
        DisbursementReversed.self, ClawbackOrdered.self, ClawbackRecovered.self, PersonRegistered.self, PersonGroupJoined.self,
        PersonGroupLeft.self, JobServiceContacted.self, ApplicationSubmitted.self,
    ].map { (type: any EventPayload.Type) in type.definition.type })

    /// `incremental`: a catch-up's application, which returns the scopes to evaluate again. A
    /// rebuild's (false) returns every scope the event names, to note, and leaves out the scopes
    /// already linked to what a context event describes: it noted them when it linked them, and
    /// evaluates every scope once at the end.
    mutating func apply(_ decoded: DecodedEvent, store: some ProjectionStore, incremental: Bool = true) throws -> Set<Scope> {
        let (event, payload, references) = (decoded.event, decoded.payload, decoded.references)
        var stale = Set(references.persons.map(Scope.person) + references.organisations.map(Scope.organisation))
        var keys = references.organisations.map { "org:" + $0 } + references.classes.map { "class:" + $0 }
            + references.applications.map { "app:" + $0 } + references.certificates.map { "cert:" + $0 }
            + references.targets.map { "target:" + $0 }

        switch payload {
        // Each type here is one of `payloadTypes`.
        case let filed as ClassFiled:
            try store.putClass(filed, position: event.position)
            try store.noteClassFiling(stream: event.streamID, position: event.position)
            filingStreams.insert(event.streamID)
            for fact in try store.trainingFacts(ofClass: filed.classId) {
                stale.formUnion(try count(fact, filed: filed, store: store))
            }
        case let completed as TrainingCompleted:
            stale.formUnion(try addTrainingFact(event, classId: completed.classId, kind: .completion, level: nil, store: store))
        case let certificate as CertificateIssued:
            if let classId = certificate.classId, certificate.level != nil {
                stale.formUnion(try addTrainingFact(event, classId: classId, kind: .certificate, level: certificate.level, store: store))
            }
        case let target as TargetSet:
            try store.putTarget(target, position: event.position, eventID: event.eventID)
            try store.clearCounted(target: target.targetId)
            targets = try loadTargets(store: store)
            if TargetSet.countedMetrics.contains(target.metric) {
                var filedAt: [Int64: ClassFiled] = [:]
                for (fact, classPosition) in try store.trainingFacts(from: target.periodStart, through: target.periodEnd) {
                    if filedAt[classPosition] == nil { filedAt[classPosition] = try self.payload(at: classPosition, store: store) }
                    guard let filed = filedAt[classPosition] else { continue }
                    try record(fact, filed: filed, toward: target, store: store)
                }
            }
            stale.formUnion(try fundRecipients(of: [target.targetId], store: store))
        case let fund as FundAllocated:
            try store.putFund(fund, date: event.occurredAt, position: event.position, eventID: event.eventID)
            stale.insert(.organisation(fund.recipient))
            keys.append("fund:" + fund.fundId)
        case let paid as DisbursementMade:
            let payee = paid.payee.organisation ?? paid.payee.person ?? ""
            try store.putDisbursement(paid, payee: payee, date: event.occurredAt, position: event.position,
                                      matchKey: MatchKey.of(clause: paid.clause, payee: payee, subject: paid.subject), eventID: event.eventID)
        case let reversed as DisbursementReversed:
            try store.addReversal(reversed.amount.value, toDisbursement: reversed.disbursementId)
        case let ordered as ClawbackOrdered:
            try store.putClawback(ordered, date: event.occurredAt, position: event.position, eventID: event.eventID)
        case let recovered as ClawbackRecovered:
            try store.addRecovery(recovered.amount.value, toClawback: recovered.clawbackId)
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
        for key in keys {
            for scope in stale where scope.key != key { try link(key, to: scope.key, store: store) }
        }
        // And each person to the organisations their events name (employers, above all).
        for person in references.persons {
            for organisation in references.organisations { try link("person:" + person, to: "org:" + organisation, store: store) }
        }
        try linkOrganisers(of: references.classes, filed: payload as? ClassFiled, to: stale, store: store)
        stale.formUnion(try linkEvidence(event, payload: payload, references: references, store: store))
        if incremental, Self.contextTypes.contains(event.type) {
            for key in keys + references.persons.map({ "person:" + $0 }) {
                for scope in try store.linkedScopes(key) { if let scope = Scope(key: scope) { stale.insert(scope) } }
            }
        }
        // An organisation's evaluation reads only its own facts; any other event naming it (an
        // insured month, a certificate) is a worker's, read only by the worker's evaluation. The
        // employer's yearly counts change through the parts that evaluation keeps, which then has
        // the employer evaluated again (`ScopeEvaluator.Kept.employers`).
        if ScopeEvaluator.organisationFacts.contains(event.type) {
            for organisation in references.organisations { try store.noteOrganisationFact(organisation, position: event.position) }
        } else if incremental {
            stale.subtract(references.organisations.map(Scope.organisation))
        }
        return stale
    }

    private func link(_ key: String, to scope: String, store: some ProjectionStore) throws {
        guard written?.contains(link: key, scope) != true else { return }
        try store.link(key, to: scope)
        written?.insert(link: key, scope)
    }

    // MARK: Context reached through other events

    /// A class's trainees read its organiser's events (its ratings, which rules about trainees
    /// test; see `ScopeEvaluator.gather`), though none of their own events names it: link the
    /// scopes an event about the class concerns to the organiser, and, when the filing comes
    /// after its trainees' events, every scope already linked to the class. Then a rating
    /// recorded later reaches them, whichever was recorded first.
    private func linkOrganisers(of classes: [String], filed: ClassFiled?, to stale: Set<Scope>, store: some ProjectionStore) throws {
        for classId in classes {
            guard let organiser = try store.organiser(ofClass: classId) else { continue }
            let key = Scope.organisation(organiser).key
            for scope in stale where scope.key != key { try link(key, to: scope.key, store: store) }
            if filed?.classId == classId { try store.linkAll(key, toScopesOf: "class:" + classId) }
        }
    }

    /// An application that cites a worker's events as its evidence concerns that worker though
    /// it may not name them (an enterprise's application for its trainees): link the
    /// application to the people its evidence names, so their scopes read it and its decisions
    /// (`ScopeEvaluator.gather` follows the links) and are re-evaluated when they arrive. Evidence
    /// recorded after the application is linked when it arrives. Returns the scopes to re-evaluate.
    private mutating func linkEvidence(
        _ event: RecordedEvent, payload: (any EventPayload)?, references: EventReferences, store: some ProjectionStore
    ) throws -> Set<Scope> {
        var reached: Set<Scope> = []
        func reach(_ application: String, through cited: RecordedEvent) throws {
            for person in try EventReferences(cited, catalog: catalog).persons {
                try link("app:" + application, to: Scope.person(person).key, store: store)
                reached.insert(.person(person))
            }
        }
        if let submitted = payload as? ApplicationSubmitted {
            for id in submitted.evidence ?? [] {
                // Kept by event id, for evidence recorded later (the scope column holds the application here).
                try link("evidence:" + id, to: "app:" + submitted.applicationId, store: store)
                citedEvidence?.insert(id)
                if let cited = try store.events.event(withID: id), cited.position <= event.position { try reach(submitted.applicationId, through: cited) }
            }
        }
        guard citedEvidence?.contains(event.eventID) ?? true else { return reached }
        for application in try store.linkedScopes("evidence:" + event.eventID) where application.hasPrefix("app:") {
            try reach(String(application.dropFirst(4)), through: event)
        }
        return reached
    }

    // MARK: Targets

    private mutating func addTrainingFact(
        _ event: RecordedEvent, classId: String, kind: TargetSet.CountedFact, level: CertificateLevel?, store: some ProjectionStore
    ) throws -> Set<Scope> {
        let fact = TrainingFactRow(classId: classId, position: event.position, kind: kind.rawValue, level: level?.rawValue,
                                   occurredAt: event.occurredAt.description)
        try store.putTrainingFact(fact)
        guard let classPosition = try store.filingPosition(ofClass: classId), let filed = try filing(at: classPosition, store: store)
        else { return [] }
        return try count(fact, filed: filed, store: store)
    }

    private mutating func filing(at position: Int64, store: some ProjectionStore) throws -> ClassFiled? {
        if let known = filings[position] { return known }
        let filed: ClassFiled? = try payload(at: position, store: store)
        filings[position] = filed
        return filed
    }

    /// Records a training fact toward every target it counts for; returns the fund scopes to
    /// re-evaluate (those whose target period has ended by the evaluation date).
    private mutating func count(_ fact: TrainingFactRow, filed: ClassFiled, store: some ProjectionStore) throws -> Set<Scope> {
        if targets == nil { targets = try loadTargets(store: store) }
        var touched: [String] = []
        for target in targets! {
            if try record(fact, filed: filed, toward: target, store: store), target.periodEnd <= asOf {
                touched.append(target.targetId)
            }
        }
        return try fundRecipients(of: touched, store: store)
    }

    @discardableResult
    private func record(_ fact: TrainingFactRow, filed: ClassFiled, toward target: TargetSet, store: some ProjectionStore) throws -> Bool {
        guard let kind = TargetSet.CountedFact(rawValue: fact.kind), let date = LocalDate(fact.occurredAt),
              target.counts(kind, level: fact.level.flatMap(CertificateLevel.init(rawValue:)), class: filed, on: date, places: places)
        else { return false }
        try store.count(fact, toward: target.targetId)
        return true
    }

    private func loadTargets(store: some ProjectionStore) throws -> [TargetSet] {
        try store.targetPositions().compactMap { position in try payload(at: position, store: store) }
    }

    private func fundRecipients(of targets: [String], store: some ProjectionStore) throws -> Set<Scope> {
        guard !targets.isEmpty else { return [] }
        return Set(try store.fundRecipients(ofTargets: targets).map(Scope.organisation))
    }

    // MARK: The "131" service

    private func recordService131(
        _ event: RecordedEvent, person: String, kind: Service131.FactKind, value: String, since: LocalDate? = nil, until: LocalDate? = nil,
        store: some ProjectionStore
    ) throws {
        try store.putService131(Service131Row(person: person, position: event.position, kind: kind, occurredAt: event.occurredAt,
                                              value: value, since: since, until: until))
    }

    // MARK: Decoding

    private func payload<P: EventPayload>(at position: Int64, store: some ProjectionStore) throws -> P? {
        try store.events.event(at: position).map { try $0.payload(in: catalog) } as? P
    }
}

/// The links a rebuild has written lately, so that the many events repeating one (a worker's
/// link to their employer, written again by every insured month) cost a lookup instead of an
/// `INSERT OR IGNORE` probing an index.
///
/// A fixed number of slots, each holding the last link whose hash falls in it: the memory stays
/// the same at any size of log, and a link pushed out is written again, which the `OR IGNORE`
/// makes harmless. A link is taken as written only when a slot holds exactly it. Only the
/// rebuild's writer uses the memo, across its transactions; a failed transaction ends the
/// rebuild, and the memo with it, so it never claims a row that was rolled back.
final class RebuildMemo {
    static let slots = 1 << 17
    private struct Link: Hashable {
        let key: String
        let scope: String
    }
    private var links = [Link?](repeating: nil, count: slots)

    private static func slot(_ value: some Hashable) -> Int { Int(UInt(bitPattern: value.hashValue) % UInt(slots)) }

    func contains(link key: String, _ scope: String) -> Bool {
        let link = Link(key: key, scope: scope)
        return links[Self.slot(link)] == link
    }

    func insert(link key: String, _ scope: String) {
        let link = Link(key: key, scope: scope)
        links[Self.slot(link)] = link
    }

    /// The scopes noted lately (their keys), in slots of their own: a province's log names each
    /// person in most chunks of a rebuild, and noting them again cost an `INSERT OR IGNORE` each.
    private var scopes = [String?](repeating: nil, count: slots)

    /// Whether `scope` was noted (``ProjectionStore/noteScope(_:)``) and is still remembered;
    /// if not, remembers it, for the caller notes it now.
    func noting(_ scope: Scope) -> Bool {
        let key = scope.key, slot = Self.slot(key)
        if scopes[slot] == key { return true }
        scopes[slot] = key
        return false
    }
}
