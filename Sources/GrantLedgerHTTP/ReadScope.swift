import GrantLedgerEvents
import GrantLedgerPolicy
import GrantLedgerProjections
import GrantLedgerService

/// What a grant may read of the people in the ledger: everything, or (a case worker's scope)
/// the people registered in its place. Built per request; it remembers each person's places
/// for the request, so a long list looks each person up once.
///
/// A person outside the scope is refused by name (403, ``AccessError/outOfScope(tokenID:scope:)``),
/// and a person who does not exist is refused the same way, so that the answer says nothing of
/// who is in the ledger. In a list, a row is kept when its subject (or, with no subject, its
/// payee, when the payee is a person) lies within the scope; rows about no person, such as an
/// organisation's or a department's, are left out of a limited scope.
final class ReadScope {
    let grant: Grant
    private let ledger: Ledger
    private let places: Places?
    private var known: [String: Bool] = [:]

    init(grant: Grant, ledger: Ledger) throws {
        self.grant = grant
        self.ledger = ledger
        places = grant.limitsReads ? try ledger.policies().places : nil
    }

    /// Whether the grant reads everything its role allows.
    var isUnlimited: Bool { places == nil }

    /// Whether the person (a pseudonym) lies within the scope.
    func admits(person pseudonym: String) throws -> Bool {
        guard let places else { return true }
        if let answer = known[pseudonym] { return answer }
        let answer = grant.covers(try ledger.places(ofPerson: pseudonym), in: places)
        known[pseudonym] = answer
        return answer
    }

    /// Refuses a person (a pseudonym) outside the scope, or who does not exist.
    func require(person pseudonym: String) throws {
        guard try admits(person: pseudonym) else { throw outOfScope }
    }

    /// Refuses what a person typed (resident ID or pseudonym) unless it is a person within the
    /// scope; returns their pseudonym. Text that names no one is refused as it would be
    /// without a scope (it says nothing of who exists); an organisation is out of a limited scope.
    func requirePerson(_ text: String) throws -> String {
        let key = try ledger.eventPartyKey(for: text)
        guard Pseudonym.isPseudonym(key) else {
            if isUnlimited { throw LedgerError.notAPerson(key) }
            throw outOfScope
        }
        try require(person: key)
        return key
    }

    /// Refuses a party as typed (payee: a person, organisation or name) when it is a person
    /// outside the scope; other parties pass, their rows being filtered one by one.
    func requireParty(_ text: String) throws {
        guard !isUnlimited else { return }
        let key = try ledger.partyKey(for: text)
        if Pseudonym.isPseudonym(key) { try require(person: key) }
    }

    /// Whether a row about `subject`, paying `payeeID`, is within the scope.
    func admits(subject: String?, payeeID: String) throws -> Bool {
        guard !isUnlimited else { return true }
        if let subject { return Pseudonym.isPseudonym(subject) ? try admits(person: subject) : false }
        return Pseudonym.isPseudonym(payeeID) ? try admits(person: payeeID) : false
    }

    /// The rows within the scope.
    func filter<Row>(_ rows: [Row], subject: (Row) -> String?, payee: (Row) -> String) throws -> [Row] {
        guard !isUnlimited else { return rows }
        return try rows.filter { try admits(subject: subject($0), payeeID: payee($0)) }
    }

    /// Rows about no person: all of them for an unlimited grant, none for a limited one.
    func unlessLimited<Row>(_ rows: [Row]) -> [Row] { isUnlimited ? rows : [] }

    var outOfScope: AccessError { .outOfScope(tokenID: grant.tokenID, scope: grant.scope ?? "") }

    /// One entitlement explained, when it lies within the scope. Out of a limited scope, one
    /// that does not exist is refused as one of another place is, so the answer says nothing
    /// of it.
    func explain(_ id: String, at moment: Moment) throws -> Answer<EntitlementExplanation> {
        let answer: Answer<EntitlementExplanation>
        do {
            answer = try ledger.explain(id, at: moment)
        } catch LedgerError.unknownEntitlement where !isUnlimited {
            throw outOfScope
        }
        let record = answer.value.view.entitlement
        guard try admits(subject: record.subject, payeeID: record.payeeID) else { throw outOfScope }
        return answer
    }
}

extension ReadScope {
    func filter(_ views: [EntitlementView]) throws -> [EntitlementView] {
        try filter(views, subject: \.entitlement.subject, payee: \.entitlement.payeeID)
    }

    func filter(_ lines: [PayoutLine]) throws -> [PayoutLine] {
        try filter(lines, subject: \.subject, payee: \.payeeID)
    }

    /// The findings in scope, and the clawbacks (which name a payee, never a worker).
    func filter(_ answer: Findings) throws -> (findings: [GrantLedgerProjections.Finding], clawbacks: [ClawbackView]) {
        (try filter(answer.findings, subject: \.subject, payee: \.payeeID),
         try filter(answer.clawbacks, subject: { _ in nil }, payee: \.payeeID))
    }
}
