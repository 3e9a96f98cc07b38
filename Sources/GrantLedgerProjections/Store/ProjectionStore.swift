import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy

/// One transaction's access to one set of projection tables, and to the log beside them.
///
/// The projection logic (`EventApplier`, `ScopeEvaluator`, `SharedLimits`, `ProjectionBatch`)
/// speaks only to this protocol: what it records of an event, what a scope's evaluation looks
/// up, the rows it replaces. A backend implements it on a connection inside a transaction it
/// holds, so that an event's rows, the checkpoint and the events read commit or vanish
/// together. `SQLProjectionStore` implements it once for SQLite and PostgreSQL, over a
/// `ProjectionConnection`; its SQL stays inside it.
///
/// Methods that change rows are called only inside a write transaction. The names below say
/// what the projections keep, not how: a link is "this key concerns this scope", a draw is
/// what an entitlement takes from a limit shared across scopes.
protocol ProjectionStore {
    /// The log, read on the same connection and in the same transaction.
    var events: any TransactionEventReader { get }

    // MARK: The tables themselves

    /// Whether every table exists (projections made before a table was added are rebuilt),
    /// as the database says now, whatever a connection may have cached.
    func tablesExist() throws -> Bool
    func createTables() throws
    func dropTables() throws
    /// Makes every index the queries and the runner read through (none made twice).
    func createIndexes() throws
    /// Makes the indexes a scope's evaluation reads through: a rebuild makes them once its
    /// events are applied, before it evaluates the scopes.
    func createEvaluationIndexes() throws
    /// Replaces the live tables by these (a rebuild's), in this transaction.
    func replaceLive() throws
    /// Each projection's checkpoint.
    func checkpoints() throws -> [(projection: String, position: Int64)]
    /// Each projection's digest: SHA-256 of its rows in key order.
    func digests() throws -> [(name: String, digest: String)]

    // MARK: Checkpoint and metadata

    /// The last position every projection has applied (0 before the first).
    func checkpoint() throws -> Int64
    /// The business date the entitlements were evaluated on.
    func asOf() throws -> LocalDate?
    /// Records that the tables reflect the log up to `position`, evaluated on `asOf` (kept as it was when nil).
    func markApplied(position: Int64, asOf: LocalDate?) throws
    func meta(_ key: String) throws -> String?
    func setMeta(_ key: String, _ value: String) throws
    func removeMeta(_ key: String) throws

    // MARK: Scopes

    /// Notes a scope to be evaluated, named first by the event at `position`, if it is not known yet.
    func noteScope(_ scope: Scope, at position: Int64) throws
    /// Up to `limit` scopes of `kind` after `after` (from the first when nil), in the order of
    /// ``NotedScope``: by the events that first named them.
    func scopes(_ kind: ScopeKind, after: NotedScope?, limit: Int) throws -> [NotedScope]
    func scopeCount() throws -> Int64
    /// The scopes whose review date `date` has reached.
    func scopesDue(by date: LocalDate) throws -> [String]
    /// Replaces a scope's entitlements (and their tranches) by `records`; `fresh` says it has none yet.
    func replaceEntitlements(of scope: Scope, with records: [EntitlementRecord], fresh: Bool) throws
    /// Records that `scope` was evaluated at `position`, to be evaluated again on `reviewBy`.
    func markEvaluated(_ scope: Scope, reviewBy: LocalDate?, position: Int64) throws

    // MARK: Links: which scopes a key (an organisation, class, application, …) concerns

    func link(_ key: String, to scope: String) throws
    func linkedScopes(_ key: String) throws -> [String]
    /// Every linked key that starts with `prefix`, which ends in a colon.
    func linkedKeys(prefix: String) throws -> Set<String>
    /// Links `key` to every scope linked to `other`, except `key` itself.
    func linkAll(_ key: String, toScopesOf other: String) throws
    /// The applications linked to each of `scopes` (those citing its events as evidence), by
    /// the scopes' keys.
    func linkedApplications(of scopes: [Scope]) throws -> [String: [String]]

    // MARK: Classes, training facts, targets

    func putClass(_ filed: ClassFiled, position: Int64) throws
    func organiser(ofClass classId: String) throws -> String?
    func filingPosition(ofClass classId: String) throws -> Int64?
    func putTrainingFact(_ fact: TrainingFactRow) throws
    func trainingFacts(ofClass classId: String) throws -> [TrainingFactRow]
    /// Training facts dated from `start` through `end`, each with its class's filing position, in position order.
    func trainingFacts(from start: LocalDate, through end: LocalDate) throws -> [(fact: TrainingFactRow, filedAt: Int64)]
    func putTarget(_ target: TargetSet, position: Int64, eventID: String) throws
    /// The positions of every target's setting, in target id order.
    func targetPositions() throws -> [Int64]
    func clearCounted(target: String) throws
    func count(_ fact: TrainingFactRow, toward target: String) throws
    /// The facts counted toward `target` dated on or before `date`.
    func countedFacts(target: String, through date: LocalDate) throws -> Int64

    // MARK: Funds and payments

    func putFund(_ fund: FundAllocated, date: LocalDate, position: Int64, eventID: String) throws
    /// The recipients of the funds following any of these targets.
    func fundRecipients(ofTargets targets: [String]) throws -> [String]
    /// The funds `recipient` receives, with the target each follows.
    func funds(receivedBy recipient: String) throws -> [(fund: String, target: String?)]
    /// Reads at once which of these payment and clawback ids rows already hold, for the
    /// checks ``putDisbursement(_:payee:date:position:matchKey:eventID:)`` and
    /// ``putClawback(_:date:position:eventID:)`` make of a chunk's events in this transaction.
    func readHeldIDs(disbursements: [String], clawbacks: [String]) throws
    func putDisbursement(_ paid: DisbursementMade, payee: String, date: LocalDate, position: Int64, matchKey: String, eventID: String) throws
    func addReversal(_ amount: Int64, toDisbursement id: String) throws
    func putClawback(_ ordered: ClawbackOrdered, date: LocalDate, position: Int64, eventID: String) throws
    func addRecovery(_ amount: Int64, toClawback id: String) throws

    // MARK: The "131" service's facts

    func putService131(_ fact: Service131Row) throws

    // MARK: Draws on limits shared across scopes

    /// The clauses with draws: of `scope`, or of every scope.
    func drawClauses(of scope: Scope?) throws -> Set<String>
    func removeDraws(of scope: Scope) throws
    func putDraw(_ draw: SharedLimitPlace.Draw, scope: Scope) throws
    /// A clause's draws, with the usage each was last evaluated with.
    func draws(ofClause clause: String) throws -> [KeptDraw]
    func setUsage(ofDraw id: String, fund: Int64, payee: Int64) throws

    // MARK: Organisations' own facts

    /// Notes that the event at `position` is one of `organisation`'s own facts.
    func noteOrganisationFact(_ organisation: String, position: Int64) throws
    /// The positions of `organisation`'s own facts up to `limit`, in order.
    func organisationFacts(_ organisation: String, through limit: Int64) throws -> [Int64]

    // MARK: Class filings

    /// Notes that the event at `position`, in `stream`, is a `class.filed`.
    func noteClassFiling(stream: String, position: Int64) throws
    /// The positions of the `class.filed` events in `stream` up to `limit`, in order: what a
    /// scan of the stream for that type finds.
    func classFilings(stream: String, through limit: Int64) throws -> [Int64]

    // MARK: Employers' yearly counts

    /// Replaces a worker's parts in their employers' yearly counts; returns the employers whose
    /// parts changed (before or after). `fresh` says the worker has none kept yet.
    func replaceContributions(of worker: String, with parts: [EmployerContribution], fresh: Bool) throws -> Set<String>
    /// Every part kept for `employer`.
    func contributions(employer: String) throws -> [EmployerContribution]

    // MARK: Queries

    /// The entitlements `filter` selects, in (date, clause, id) order.
    func entitlements(_ filter: EntitlementFilter) throws -> [StoredEntitlement]
    func entitlement(id: String) throws -> StoredEntitlement?
    /// The entitlements payments find by `key` (clause, payee, worker), in (date, id) order.
    func entitlements(matchKey key: String) throws -> [StoredEntitlement]
    /// The same entitlements' grants only: id, amount and status, without their explanations.
    func grants(matchKey key: String) throws -> [(id: String, amount: Int64?, status: String)]
    /// The entitlement that pays out `fund` to its recipient, if the recipient's scope holds one.
    func fundEntitlement(recipient: String, fund: String) throws -> EntitlementRecord?
    /// The payments made under `key`, net of reversals, in (date, position) order.
    func payments(matchKey key: String) throws -> [PaymentAllocation.Payment]
    /// What clawbacks recovered of the payments under `key` (or, for a clawback naming no
    /// payment, of its clause and payee).
    func recovered(matchKey key: String) throws -> Int64
    /// Every key a payment was made under, in order.
    func paymentKeys() throws -> [String]
    /// Targets of `unit` whose period overlaps `period` (nil: any), by period start, unit, metric and id.
    func targets(unit: String?, overlapping period: ClosedRange<LocalDate>?) throws -> [StoredTarget]
    /// The positions of the facts counted toward `target` dated on or before `date`, in log order.
    func countedPositions(target: String, through date: LocalDate) throws -> [Int64]
    /// The "131" service's facts dated on or before `date`, by person and position.
    func service131Facts(through date: LocalDate) throws -> [Service131Row]
    func funds() throws -> [StoredFund]
    /// What was paid out of `fund`, net of reversals.
    func disbursed(fromFund fund: String) throws -> Int64
    /// Every clawback, by date and id.
    func clawbacks() throws -> [ClawbackView]
    /// Payments and clawback orders recorded under an id another event had (kept as `<id>@<position>`).
    func reusedPaymentIDs() throws -> [(payment: String, clause: String, payee: String, amount: Int64, position: Int64)]
    /// Clawbacks naming a payment the log does not hold, by id.
    func clawbacksOfUnknownPayments() throws -> [(clawback: String, clause: String, payee: String, amount: Int64, payment: String)]
}

/// An entitlement as kept, with the key its payments are found by.
struct StoredEntitlement {
    let record: EntitlementRecord
    let matchKey: String
}

/// A target as set (`target.set`).
struct StoredTarget {
    let targetID: String
    let clause: String
    let metric: String
    let scope: String
    let unit: String
    let periodStart: String
    let periodEnd: String
    let value: Int64
    let fund: Int64?
    let note: String?
}

/// A fund as allocated (`fund.allocated`).
struct StoredFund {
    let fundID: String
    let clause: String
    let recipient: String
    let amount: Int64
    let tranche: String
    let targetID: String?
}

/// Which of the two sets of tables: the live ones, or those a rebuild fills and then swaps in.
enum ProjectionTables: Sendable {
    case live, rebuilding
}

/// Where a ledger's projections are kept: transactions on either set of tables.
protocol ProjectionBackend: Sendable {
    /// Runs `body` in one write transaction: it commits if `body` returns, and keeps nothing if it throws.
    func write<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T
    /// Runs `body` in one read transaction, on a snapshot. Reads from several threads run at
    /// once when ``concurrentReads`` says so, and one after another otherwise.
    func read<T>(_ tables: ProjectionTables, _ body: (any ProjectionStore) throws -> T) throws -> T
    var concurrentReads: Bool { get }
    /// A backend of scratch tables over the same log, for projections built afresh for one
    /// question ("as of" a date or a position) and dropped after it.
    func scratch() throws -> any ProjectionBackend
}

/// A class's completion or certificate, which targets count.
struct TrainingFactRow: Sendable, Hashable {
    let classId: String
    let position: Int64
    let kind: String
    let level: String?
    let occurredAt: String
}

/// A fact of the "131" service (`Service131`).
struct Service131Row: Sendable, Hashable {
    let person: String
    let position: Int64
    let kind: Service131.FactKind
    let occurredAt: LocalDate
    let value: String
    let since: LocalDate?
    let until: LocalDate?
}

/// A draw kept for a shared limit, and the usage before it last evaluated with.
struct KeptDraw {
    let draw: SharedLimitPlace.Draw
    let scope: String
    let fundUsed: Int64?
    let payeeUsed: Int64?
}

/// A scope as a rebuild walks them: by the position of the event that first named it, then by key.
///
/// A person's events lie near each other in a log whose feeds tell many stories at once, and
/// near those of the people first named beside them. Evaluated in this order, a run of people
/// reads its events from pages the runs before it have just read, where key order (pseudonyms,
/// at random) read each run's from all over the log.
struct NotedScope: Sendable, Hashable {
    /// The position of the first event that named the scope.
    let position: Int64
    let key: String
}
