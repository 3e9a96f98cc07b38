import GrantLedgerEvents
import GrantLedgerLog

extension Ledger {
    /// A person (resident ID or pseudonym), organisation (credit code) or other payee (a
    /// name, e.g. a district's bureau) as the projections key it. Text that looks like a
    /// resident ID must be one: it is looked up through the pseudonym key.
    public func partyKey(for text: String) throws -> String {
        if Pseudonym.isPseudonym(text) || CreditCode.isValid(text) { return text }
        let looksLikeResidentID = (15...18).contains(text.count)
            && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }
        return looksLikeResidentID ? try eventPartyKey(for: text) : text
    }

    /// The key under which events name a party: a resident ID (through the pseudonym key),
    /// a pseudonym or a credit code, and nothing else.
    public func eventPartyKey(for text: String) throws -> String {
        let key = try translatingPartyErrors { try log.partyKey(for: text) }
        // A resident ID whose person was forgotten: it still makes their pseudonym, which the
        // erasure does not undo, so the lookup itself says so rather than answering.
        if key != text, Pseudonym.isPseudonym(key),
           let erased = try readingBesideProjections({ try $0.erasure(of: key) }) {
            throw LedgerError.erased(maskedID: ResidentID.mask(text), pseudonym: key, on: erased.date.description)
        }
        return key
    }

    /// A person's pseudonym, from their resident ID or pseudonym; ``LedgerError/notAPerson(_:)``
    /// for an organisation's credit code.
    public func personKey(for text: String) throws -> String {
        let key = try eventPartyKey(for: text)
        guard Pseudonym.isPseudonym(key) else { throw LedgerError.notAPerson(key) }
        return key
    }

    /// The log's party errors as ledger errors, with the same words.
    func translatingPartyErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EventLog.PartyError {
            throw LedgerError(error)
        }
    }
}

extension LedgerError {
    /// The log's party error as a ledger error, with the same words.
    init(_ error: EventLog.PartyError) {
        self = error.needsKey ? .residentIDWithoutKey(text: error.text) : .unknownParty(text: error.text, problem: error.problem)
    }
}
