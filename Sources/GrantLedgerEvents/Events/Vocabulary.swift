/// Key groups (重点群体) named by the policy documents.
public enum KeyGroup: String, CaseIterable, Sendable, Codable {
    case migrantWorker = "migrant-worker"                      // 农民工
    case registeredUnemployed = "registered-unemployed"        // 登记失业人员
    case employmentDifficulty = "employment-difficulty"        // 就业困难人员
    case disabled = "disabled"                                 // 残疾人
    case graduateWithinTwoYears = "graduate-within-two-years"  // 离校两年内未就业高校毕业生
    case veteran = "veteran"                                   // 退役军人
    case povertyHousehold = "poverty-household"                // 建档立卡贫困户
    case povertyRelieved = "poverty-relieved"                  // 脱贫人口
    case zeroEmploymentFamily = "zero-employment-family"       // 零就业家庭成员
    case twoAfterYouth = "two-after-youth"                     // 两后生
    case pairedRegionOrigin = "paired-region-origin"           // 结对帮扶地区劳动力
    case prisonerOrDetox = "prisoner-or-detox"                 // 服刑人员 / 强制隔离戒毒人员
    case localHukou = "local-hukou"                            // 本地户籍
    case localHukouStudent = "local-hukou-student"             // 本区户籍大学生
    case flexibleWorker = "flexible-worker"                    // 灵活就业人员
    case taiwanCompatriot = "taiwan-compatriot"                // 台胞
}

/// Kinds of certificate (证书类别).
public enum CertificateKind: String, CaseIterable, Sendable, Codable {
    case vocationalQualification = "vocational-qualification"  // 职业资格证书
    case skillLevel = "skill-level"                            // 职业技能等级证书
    case specialAbility = "special-ability"                    // 专项职业能力证书
    case specialOperation = "special-operation"                // 特种作业操作证书
    case trainingPass = "training-pass"                        // 培训合格证书
    case enterpriseAssessment = "enterprise-assessment"        // 企业内部考核证书
}

/// Skill levels: L5 junior (五级/初级工) up to L1 senior technician (一级/高级技师).
public enum CertificateLevel: String, CaseIterable, Sendable, Codable, Comparable {
    case l1 = "L1", l2 = "L2", l3 = "L3", l4 = "L4", l5 = "L5"

    /// L3 and above are high-skill talents (高技能人才).
    public var isHighSkill: Bool { self <= .l3 }

    /// Higher skill sorts first: L1 < L2 < … < L5.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The three jurisdictions whose documents are in the catalog, by division code.
public enum Jurisdiction: String, CaseIterable, Sendable, Codable {
    case xiamen = "350200"    // 厦门市
    case jinjiang = "350582"  // 晋江市
    case binjiang = "330108"  // 杭州市滨江区
}

/// Levels at which an organisation is rated or a target is set.
public enum RatingLevel: String, CaseIterable, Sendable, Codable {
    case street, district, city, quanzhou, provincial, national
}

/// Whom a payment goes to.
public enum PayeeKind: String, CaseIterable, Sendable, Codable {
    case worker, enterprise, institution, agency, organisation, department
}

/// A payee is a person or an organisation; exactly one of the two is given.
public struct Payee: Sendable, Hashable, Codable {
    public let kind: PayeeKind
    public let person: String?
    public let organisation: String?

    static let fields: [FieldDefinition] = [
        .required("kind", .choice(PayeeKind.self), "What kind of payee this is", zh: "收款方类别"),
        .optional("person", .person, "The payee if a person (a worker)", zh: "收款个人"),
        .optional("organisation", .organisation, "The payee if an organisation", zh: "收款单位"),
    ]
}

extension FieldType {
    static let jurisdiction = FieldType.choice(Jurisdiction.self)
    static let area = FieldType.text(maxLength: 40)
    static let shortText = FieldType.text(maxLength: 200)
    static let longText = FieldType.text(maxLength: 2000)
    static let hours = FieldType.integer(minimum: 0, maximum: 10_000)
    static let count = FieldType.integer(minimum: 0, maximum: nil)
}
