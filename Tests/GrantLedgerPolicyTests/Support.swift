import GrantLedgerEvents
@testable import GrantLedgerPolicy
import Testing

/// The bundled catalog, loaded once.
let bundledCatalog: PolicyCatalog = {
    do { return try PolicyCatalog.bundled() } catch { fatalError("the bundled catalog does not load:\n\(error)") }
}()

func date(_ text: String) -> LocalDate { LocalDate(text)! }

/// Yuan as fen, for expectations written as the documents print them.
func yuan(_ amount: Int64) -> Fen { Fen.yuan(amount) }

/// A log written fact by fact, as "given" steps. Person fields hold plain names here (the
/// engine only compares them); organisations are credit-code-like strings.
struct Given {
    private(set) var facts: [Fact] = []

    @discardableResult
    mutating func event(_ type: String, on day: String, _ data: [String: JSONValue]) -> String {
        let object = JSONObject(unsortedMembers: data.map { ($0.key, $0.value) })!
        let payload: any EventPayload
        do {
            payload = try EventCatalog.standard.decode(type: type, version: EventCatalog.standard.currentVersion(of: type)!, data: object)
        } catch {
            fatalError("test event \(type) does not decode: \(error)")
        }
        let id = "e\(facts.count + 1)"
        facts.append(Fact(eventID: id, position: Int64(facts.count + 1), occurredAt: date(day), payload: payload))
        return id
    }

    // MARK: People

    mutating func person(_ person: String, registeredIn: String, on day: String = "2019-01-01", hukou: String? = nil) {
        var data: [String: JSONValue] = ["person": .string(person), "registeredIn": .string(registeredIn)]
        if let hukou { data["hukouDivision"] = .string(hukou) }
        event("person.registered", on: day, data)
    }

    mutating func group(_ person: String, _ group: KeyGroup, since day: String = "2019-01-01") {
        event("person.group-joined", on: day, ["person": .string(person), "group": .string(group.rawValue), "since": .string(day)])
    }

    // MARK: Organisations

    mutating func enterprise(_ code: String, division: String, keyIndustry: String? = nil, on day: String = "2019-01-01") {
        var data: [String: JSONValue] = ["enterprise": .string(code), "name": "企业", "division": .string(division)]
        if let keyIndustry { data["keyIndustry"] = .string(keyIndustry) }
        event("enterprise.registered", on: day, data)
    }

    mutating func institution(_ code: String, division: String, on day: String = "2019-01-01") {
        event("institution.registered", on: day, ["institution": .string(code), "name": "机构", "division": .string(division), "kind": "training-institution"])
    }

    @discardableResult
    mutating func rating(_ organisation: String, _ rating: String, on day: String, level: String? = nil, stars: Int64? = nil,
                         tier: Int64? = nil, upgradedFrom: String? = nil) -> String {
        var data: [String: JSONValue] = ["organisation": .string(organisation), "rating": .string(rating), "ratedBy": "人社局"]
        if let level { data["level"] = .string(level) }
        if let stars { data["stars"] = .integer(stars) }
        if let tier { data["tier"] = .integer(tier) }
        if let upgradedFrom { data["upgradedFrom"] = .string(upgradedFrom) }
        return event("organisation.rated", on: day, data)
    }

    // MARK: Training

    mutating func classFiled(_ id: String, by organiser: String, kind: String, occupation: String = "电工", level: String? = nil,
                             hours: Int64 = 60, offline: Int64 = 60, practical: Int64? = nil, projectBased: Bool = true,
                             jurisdiction: String, division: String, start: String, end: String, cost: Int64? = nil,
                             department: String? = nil) {
        var data: [String: JSONValue] = [
            "classId": .string(id), "organiser": .string(organiser), "kind": .string(kind), "occupation": .string(occupation),
            "classHours": .integer(hours), "offlineHours": .integer(offline), "projectBased": .bool(projectBased),
            "jurisdiction": .string(jurisdiction), "division": .string(division), "startDate": .string(start), "endDate": .string(end),
        ]
        if let level { data["level"] = .string(level) }
        if let practical { data["practicalHours"] = .integer(practical) }
        if let cost { data["costPerTrainee"] = .integer(cost * 100) }
        if let department { data["department"] = .string(department) }
        event("class.filed", on: start, data)
    }

    mutating func enrol(_ trainee: String, in classId: String, on day: String, employer: String? = nil) {
        var data: [String: JSONValue] = ["classId": .string(classId), "trainee": .string(trainee)]
        if let employer { data["employer"] = .string(employer) }
        event("training.enrolled", on: day, data)
    }

    mutating func complete(_ trainee: String, in classId: String, on day: String, hours: Int64 = 60) {
        event("training.completed", on: day, ["classId": .string(classId), "trainee": .string(trainee), "attendedHours": .integer(hours)])
    }

    mutating func assess(_ trainee: String, in classId: String, on day: String, passed: Bool = true) {
        event("training.assessed", on: day, ["classId": .string(classId), "trainee": .string(trainee),
                                              "result": .string(passed ? "passed" : "failed"), "assessor": "评价机构"])
    }

    @discardableResult
    mutating func certificate(_ number: String, to holder: String, kind: CertificateKind, occupation: String = "电工",
                              level: String? = nil, classId: String? = nil, employer: String? = nil, on day: String) -> String {
        var data: [String: JSONValue] = [
            "certificateNumber": .string(number), "holder": .string(holder), "kind": .string(kind.rawValue),
            "occupation": .string(occupation), "issuer": "鉴定中心",
        ]
        if let level { data["level"] = .string(level) }
        if let classId { data["classId"] = .string(classId) }
        if let employer { data["employer"] = .string(employer) }
        return event("certificate.issued", on: day, data)
    }

    mutating func revoke(_ number: String, of holder: String, on day: String) {
        event("certificate.revoked", on: day, ["certificateNumber": .string(number), "holder": .string(holder), "reason": "fraud", "revokedBy": "人社局"])
    }

    /// A trainee's whole path through a class: completion, a passed assessment, a certificate.
    mutating func trained(_ trainee: String, in classId: String, certificate number: String, kind: CertificateKind = .trainingPass,
                          occupation: String = "电工", level: String? = nil, on day: String, employer: String? = nil) {
        enrol(trainee, in: classId, on: day, employer: employer)
        complete(trainee, in: classId, on: day)
        assess(trainee, in: classId, on: day)
        certificate(number, to: trainee, kind: kind, occupation: occupation, level: level, classId: classId, employer: employer, on: day)
    }

    // MARK: Employment

    mutating func employ(_ employee: String, by employer: String, on day: String, contract: String = "fixed-term", months: Int64? = 24,
                         dispatch: Bool = false, firstTimeInCity: Bool? = nil, publicWelfarePost: Bool? = nil) {
        var data: [String: JSONValue] = [
            "employee": .string(employee), "employer": .string(employer), "contract": .string(contract), "labourDispatch": .bool(dispatch),
        ]
        if contract == "fixed-term", let months { data["contractMonths"] = .integer(months) }
        if let firstTimeInCity { data["firstTimeInCity"] = .bool(firstTimeInCity) }
        if let publicWelfarePost { data["publicWelfarePost"] = .bool(publicWelfarePost) }
        event("employment.started", on: day, data)
    }

    mutating func leave(_ employee: String, from employer: String, on day: String) {
        event("employment.ended", on: day, ["employee": .string(employee), "employer": .string(employer), "reason": "resigned"])
    }

    /// Months with social insurance (and pension) paid, recorded at each month's end.
    mutating func months(_ employee: String, with employer: String, from first: String, count: Int, insuredIn: String,
                         skipping: Set<String> = []) {
        var month = YearMonth(first)!
        for _ in 0..<count {
            if !skipping.contains(month.description) {
                event("employment.month-recorded", on: month.lastDay.description, [
                    "employee": .string(employee), "employer": .string(employer), "month": .string(month.description),
                    "socialInsurancePaid": true, "pensionPaid": true, "insuredIn": .string(insuredIn),
                ])
            }
            month = month.adding(months: 1)
        }
    }

    // MARK: Money

    @discardableResult
    mutating func apply(_ id: String, clause: String, payee: PayeeKind, _ party: String, subject: String? = nil,
                        evidence: [String]? = nil, on day: String) -> String {
        var payeeObject: [String: JSONValue] = ["kind": .string(payee.rawValue)]
        payeeObject[payee == .worker ? "person" : "organisation"] = .string(party)
        var data: [String: JSONValue] = [
            "applicationId": .string(id), "clause": .string(clause),
            "payee": .object(JSONObject(unsortedMembers: payeeObject.map { ($0.key, $0.value) })!),
        ]
        if let subject { data["subject"] = .string(subject) }
        if let evidence { data["evidence"] = .array(evidence.map(JSONValue.string)) }
        return event("application.submitted", on: day, data)
    }

    mutating func approve(_ id: String, on day: String) {
        event("application.approved", on: day, ["applicationId": .string(id), "approvedBy": "人社局"])
    }

    mutating func reject(_ id: String, on day: String, reason: String = "材料不全") {
        event("application.rejected", on: day, ["applicationId": .string(id), "rejectedBy": "人社局", "reason": .string(reason)])
    }

    mutating func decide(_ id: String, clause: String, yuan amount: Int64, on day: String) {
        event("amount.decided", on: day, ["applicationId": .string(id), "clause": .string(clause), "amount": .integer(amount * 100),
                                           "decidedBy": "人社局", "basis": "按服务量核定"])
    }

    // MARK: Evaluation

    func entitlements(on day: String, catalog: PolicyCatalog = bundledCatalog) -> [Entitlement] {
        PolicyEngine(catalog: catalog).evaluate(facts, on: date(day))
    }

    func entitlements(_ clause: String, on day: String) -> [Entitlement] {
        entitlements(on: day).filter { $0.clause == clause }
    }
}

// MARK: Shared by the clause tests

/// How a decided amount stands: no decision, a decision of some yuan, or a rejected application.
enum Decision: Sendable {
    case none, decided(Int64), rejected
}

struct DecisionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let decision: Decision
    let status: Entitlement.Status
    let amount: Int64?
    let refusal: String?
    var testDescription: String { name }
}

/// Records an application (and its decision or rejection) under a clause.
func record(_ decision: Decision, in given: inout Given, id: String = "APP-1", clause: String, payee: PayeeKind, _ party: String,
            subject: String? = nil, on day: String) {
    given.apply(id, clause: clause, payee: payee, party, subject: subject, on: day)
    switch decision {
    case .none: break
    case .decided(let amount): given.decide(id, clause: clause, yuan: amount, on: day)
    case .rejected: given.reject(id, on: day)
    }
}

func check(_ entitlement: Entitlement, _ example: DecisionCase, range: ClosedRange<Fen>?) {
    #expect(entitlement.status == example.status)
    #expect(entitlement.amount == example.amount.map(yuan))
    #expect(entitlement.explanation.refusal?.reason == example.refusal)
    if example.status == .awaitingDecision { #expect(entitlement.range == range) }
    if example.status == .eligible { #expect(entitlement.range == nil) }
}

let rejected = "the application was rejected: 材料不全"

func lastID(_ given: Given) -> String { given.facts.last!.eventID }

func cites(_ entitlement: Entitlement, _ eventID: String) -> Bool {
    entitlement.explanation.facts.contains { $0.eventID == eventID }
}
