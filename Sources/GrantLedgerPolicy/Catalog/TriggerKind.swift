/// The kinds of fact a rule can be triggered by. Each kind gathers its events from the log
/// (see `Engine/Triggers`) and offers named attributes that a rule's `match` and `conditions`
/// test. The list below is the vocabulary a policy file may use; `grants policies check`
/// rejects any other name.
public enum TriggerKind: String, CaseIterable, Sendable, Hashable {
    /// A trainee of a filed class: completed, assessed, certified. Payee: the class's organiser.
    case trainee
    /// A certificate issued to a person. Payee: the holder.
    case certificate
    /// An apprenticeship started by an enterprise. Payee: the enterprise.
    case apprenticeship
    /// An organisation rated or recognised. Payee: the organisation.
    case rating
    /// A labour-cooperation referral and the months the worker then stays. Payee: the agency.
    case referral
    /// A worker's employment and its recorded months. Payee: the employer.
    case employment
    /// One enterprise's calendar year: its stable hires and its new skilled talents. Payee: the enterprise.
    case enterpriseYear = "enterprise-year"
    /// A mentor's service session. Payee: the mentor.
    case mentorSession = "mentor-session"
    /// An award to a person or organisation. Payee: the winner (the person if named).
    case award
    /// Days of training or service given to a student. Payee: the organiser.
    case studentService = "student-service"
    /// A flexible worker's insurance premium. Payee: the insured worker.
    case insurancePremium = "insurance-premium"
    /// An application under the clause itself, for clauses no other fact triggers. Payee: the applicant.
    case application
    /// A fund allocated to a district against a target. Payee: the recipient.
    case fund

    /// Whether every fact of this kind is about a worker (the trainee, the holder, the referred
    /// or hired worker, …), whose entitlement it then is whoever is paid. Ratings, enterprise
    /// years, funds, awards to organisations and some applications name none.
    public var alwaysNamesWorker: Bool {
        switch self {
        case .trainee, .certificate, .apprenticeship, .referral, .employment, .mentorSession, .studentService, .insurancePremium: true
        case .rating, .enterpriseYear, .award, .application, .fund: false
        }
    }

    /// Attributes holding places, tested by containment: a person registered in 陈埭镇 passes a
    /// test for 晋江市 or 350582.
    public static let placeAttributes: Set<String> = ["person.registeredIn"]

    static let person: [String: AttributeType] = [
        "person.groups": .set, "person.registeredIn": .set, "person.hukouDivision": .text,
    ]
    /// Every kind of fact offers these.
    static let common: [String: AttributeType] = ["application.approved": .flag]
    static let employmentAttributes: [String: AttributeType] = [
        "employment.contract": .text, "employment.contractMonths": .integer, "employment.labourDispatch": .flag,
        "employment.monthsSinceHire": .integer, "employment.pensionPaid": .flag, "employment.firstTimeInCity": .flag,
        "employment.publicWelfarePost": .flag, "employer.keyIndustry": .text, "employer.ratings": .set,
    ]
    static let trainingClass: [String: AttributeType] = [
        "class.kind": .text, "class.projectBased": .flag, "class.hours": .integer, "class.offlineSharePercent": .integer,
        "class.practicalHours": .integer, "class.costPerTrainee": .fen, "class.occupation": .text, "class.level": .text,
        "class.department": .text, "organiser.ratings": .set, "organiser.catalogued": .flag,
    ]
    static let certificateAttributes: [String: AttributeType] = [
        "certificate.kind": .text, "certificate.level": .text, "certificate.occupation": .text,
        "certificate.firstOfKind": .flag, "certificate.tier": .text,
    ]

    /// The attributes this kind of fact offers, with their types.
    public var attributes: [String: AttributeType] {
        ownAttributes.merging(Self.common) { a, _ in a }
    }

    private var ownAttributes: [String: AttributeType] {
        switch self {
        case .trainee:
            Self.person.merging(Self.employmentAttributes) { a, _ in a }.merging(Self.trainingClass) { a, _ in a }
                .merging(Self.certificateAttributes) { a, _ in a }
                .merging(["training.completed": .flag, "training.attendedHours": .integer, "assessment.result": .text,
                          "employment.employerIsOrganiser": .flag]) { a, _ in a }
        case .certificate:
            Self.person.merging(Self.employmentAttributes) { a, _ in a }.merging(Self.trainingClass) { a, _ in a }
                .merging(Self.certificateAttributes) { a, _ in a }
        case .apprenticeship:
            Self.person.merging([
                "apprenticeship.model": .text, "apprenticeship.plannedHours": .integer, "diploma.schoolLevel": .text,
                "diploma.classHours": .integer, "employment.joinedEnterprise": .flag, "employment.insuredMonths": .integer,
                "employment.contractMonths": .integer,
            ]) { a, _ in a }
        case .rating:
            ["rating.kind": .text, "rating.level": .text, "rating.kindAndLevel": .text, "rating.stars": .integer,
             "rating.tier": .integer, "rating.upgradedFrom": .text]
        case .referral:
            Self.person.merging(Self.employmentAttributes) { a, _ in a }.merging(["referral.firstTimeInCity": .flag, "agency.ratings": .set]) { a, _ in a }
        case .employment:
            Self.person.merging(Self.employmentAttributes) { a, _ in a }
        case .enterpriseYear:
            ["count.stableHires": .integer, "count.newSkilled": .integer, "count.newHighSkill": .integer,
             "employer.ratings": .set, "employer.keyIndustry": .text]
        case .mentorSession:
            ["session.mode": .text]
        case .award:
            ["award.kind": .text, "award.level": .text, "award.place": .integer, "award.tier": .text]
        case .studentService:
            Self.person.merging(["service.days": .integer, "organiser.ratings": .set]) { a, _ in a }
        case .insurancePremium:
            Self.person.merging(["insurance.days": .integer, "insurance.premium": .fen]) { a, _ in a }
        case .application:
            ["application.requestedAmount": .fen]
        case .fund:
            ["fund.tranche": .text, "fund.clause": .text, "fund.recipient": .text, "fund.amount": .fen]
        }
    }

    /// Parameters a rule may give this kind of fact (under `trigger.parameters`), with their types.
    public var parameters: [String: AttributeType] {
        switch self {
        case .enterpriseYear: ["stableMonths": .integer, "hireGroups": .set]
        case .fund: ["targetClause": .text, "funds": .set]
        default: [:]
        }
    }
}
