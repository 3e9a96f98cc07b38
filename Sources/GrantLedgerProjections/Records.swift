import Foundation
import GrantLedgerEvents
import GrantLedgerPolicy

/// An entitlement as the projection stores and reports it. Amounts are fen.
public struct EntitlementRecord: Codable, Sendable, Hashable {
    public var id: String
    public var clause: String
    public var title: String
    public var payeeKind: String
    public var payeeID: String
    public var subject: String?
    public var date: String
    public var status: String
    /// The amount granted (nil while awaiting evidence or a decision, or when refused).
    public var amount: Int64?
    public var rangeLow: Int64?
    public var rangeHigh: Int64?
    public var tranches: [TrancheRecord]
    public var explanation: ExplanationRecord

    public struct TrancheRecord: Codable, Sendable, Hashable {
        public var label: String
        public var amount: Int64
        public var releasedBy: String
        public var dueDate: String?
        /// due, waiting or forfeited, as the engine says; payouts add paid.
        public var state: String
    }

    public struct ExplanationRecord: Codable, Sendable, Hashable {
        public var facts: [CitationRecord]
        public var parameters: [String]
        public var arithmetic: [String]
        public var readings: [String]
        public var refusal: RefusalRecord?
    }

    public struct CitationRecord: Codable, Sendable, Hashable {
        public var eventID: String
        public var type: String
        public var date: String
        public var role: String
    }

    public struct RefusalRecord: Codable, Sendable, Hashable {
        public var clause: String
        public var reason: String
    }

    /// What the row keeps beside its columns: tranches and explanation, as sorted-key JSON
    /// (no floating point anywhere, so the bytes are the same on every machine).
    struct Detail: Codable {
        var tranches: [TrancheRecord]
        var explanation: ExplanationRecord
    }

    ///
    /// Written by hand, member by member in key order: the bytes are those of Foundation's
    /// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` (nil members left out,
    /// strings escaped as ``CanonicalJSON`` does), which the stored rows and their digests were
    /// made with, at a fraction of its cost: an enterprise's entitlements cite every hire and
    /// certificate of its years, 100 KB of JSON. `RecordsTests` holds the two to the same bytes.
    func detailJSON() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256 + explanation.facts.count * 120)
        func key(_ name: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            CanonicalJSON.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func member(_ name: String, _ value: String, first: Bool = false) {
            key(name, first: first)
            CanonicalJSON.appendString(value, to: &out)
        }
        func strings(_ values: [String]) {
            out.append(UInt8(ascii: "["))
            for (i, value) in values.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "{"))
        key("explanation", first: true)
        out.append(UInt8(ascii: "{"))
        key("arithmetic", first: true)
        strings(explanation.arithmetic)
        key("facts")
        out.append(UInt8(ascii: "["))
        for (i, fact) in explanation.facts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            member("date", fact.date, first: true)
            member("eventID", fact.eventID)
            member("role", fact.role)
            member("type", fact.type)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        key("parameters")
        strings(explanation.parameters)
        key("readings")
        strings(explanation.readings)
        if let refusal = explanation.refusal {
            key("refusal")
            out.append(UInt8(ascii: "{"))
            member("clause", refusal.clause, first: true)
            member("reason", refusal.reason)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        key("tranches")
        out.append(UInt8(ascii: "["))
        for (i, tranche) in tranches.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            key("amount", first: true)
            CanonicalJSON.appendInteger(tranche.amount, to: &out)
            if let dueDate = tranche.dueDate { member("dueDate", dueDate) }
            member("label", tranche.label)
            member("releasedBy", tranche.releasedBy)
            member("state", tranche.state)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

extension EntitlementRecord {
    init(_ entitlement: Entitlement) {
        id = entitlement.id
        clause = entitlement.clause
        title = entitlement.title
        payeeKind = entitlement.payee.kind.rawValue
        payeeID = entitlement.payee.id
        subject = entitlement.subject
        date = entitlement.date.description
        status = entitlement.status.rawValue
        amount = entitlement.amount?.value
        rangeLow = entitlement.range?.lowerBound.value
        rangeHigh = entitlement.range?.upperBound.value
        tranches = entitlement.tranches.map {
            TrancheRecord(label: $0.label, amount: $0.amount.value, releasedBy: $0.releasedBy, dueDate: $0.dueDate?.description,
                          state: $0.state.rawValue)
        }
        let explanation = entitlement.explanation
        self.explanation = ExplanationRecord(
            facts: explanation.facts.map { CitationRecord(eventID: $0.eventID, type: $0.type, date: $0.date.description, role: $0.role) },
            parameters: explanation.parameters, arithmetic: explanation.arithmetic, readings: explanation.readings,
            refusal: explanation.refusal.map { RefusalRecord(clause: $0.clause, reason: $0.reason) })
    }
}
