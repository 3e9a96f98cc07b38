/// An enterprise enters the ledger.
public struct EnterpriseRegistered: EventPayload {
    public static let definition = EventDefinition(
        type: "enterprise.registered", title: "Enterprise registered", chinese: "企业登记",
        summary: "An enterprise (employer) is known to the ledger, with where it is and its industry.",
        stream: "organisation:<credit code>",
        feeds: ["JJ-2019-79/6.6", "XM-2023-187/(三)"],
        fields: [
            .required("enterprise", .organisation, "Unified social credit code", zh: "统一社会信用代码"),
            .required("name", .shortText, "Registered name", zh: "企业名称"),
            .required("division", .area, "District or town where it is registered", zh: "所在区/镇（街道）"),
            .optional("industry", .shortText, "Industry", zh: "所属行业"),
            .optional("keyIndustry", .choice(["textile-garment", "shoes", "petrochemical", "machinery"]),
                "Quanzhou key industry, if any (JJ-2019-79/6.6)", zh: "泉州重点产业"),
        ])
    public let enterprise: String
    public let name: String
    public let division: String
    public let industry: String?
    public let keyIndustry: String?
}

/// A training institution (or school) enters the ledger.
public struct InstitutionRegistered: EventPayload {
    public static let definition = EventDefinition(
        type: "institution.registered", title: "Training institution registered", chinese: "培训机构登记",
        summary: "A training institution, technical school or college is known to the ledger.",
        stream: "organisation:<credit code>",
        fields: [
            .required("institution", .organisation, "Unified social credit code", zh: "统一社会信用代码"),
            .required("name", .shortText, "Registered name", zh: "机构名称"),
            .required("division", .area, "District or town", zh: "所在地"),
            .required("kind", .choice(["training-institution", "technical-school", "vocational-school", "college", "master-studio"]),
                "What kind of institution", zh: "机构类别"),
        ])
    public let institution: String
    public let name: String
    public let division: String
    public let kind: String
}

/// An institution is listed in a jurisdiction's catalogue of subsidisable training institutions.
public struct InstitutionCatalogListed: EventPayload {
    public static let definition = EventDefinition(
        type: "institution.catalog-listed", title: "Institution listed in the training catalogue", chinese: "列入补贴性培训机构目录",
        summary: "From occurredAt, the institution's classes in the listed occupations may be subsidised.",
        stream: "organisation:<credit code>", feeds: ["XM-2025-189/2", "XM-2025-189/16"],
        fields: [
            .required("institution", .organisation, "Unified social credit code", zh: "统一社会信用代码"),
            .required("jurisdiction", .jurisdiction, "Whose catalogue", zh: "目录所属地"),
            .optional("occupations", .array(.shortText, minItems: 1), "Occupations (工种) it is approved for; absent means all", zh: "培训工种"),
            .optional("listingNumber", .identifier, "Number of the listing decision", zh: "目录文号"),
        ])
    public let institution: String
    public let jurisdiction: Jurisdiction
    public let occupations: [String]?
    public let listingNumber: String?
}

/// An institution is removed from the catalogue (动态调整).
public struct InstitutionCatalogDelisted: EventPayload {
    public static let definition = EventDefinition(
        type: "institution.catalog-delisted", title: "Institution removed from the training catalogue", chinese: "移出补贴性培训机构目录",
        summary: "From occurredAt, the institution's new classes are no longer subsidisable.",
        stream: "organisation:<credit code>", feeds: ["XM-2025-189/2"],
        fields: [
            .required("institution", .organisation, "Unified social credit code", zh: "统一社会信用代码"),
            .required("jurisdiction", .jurisdiction, "Whose catalogue", zh: "目录所属地"),
            .required("reason", .shortText, "Why it was removed", zh: "移出原因"),
        ])
    public let institution: String
    public let jurisdiction: Jurisdiction
    public let reason: String
}

/// Ratings, recognitions and designations of organisations: bases, parks, studios, gig
/// markets, communities, star ratings, labour-cooperation agencies, difficult enterprises.
public struct OrganisationRated: EventPayload {
    public static let ratings = [
        "employment-guidance-base", "taiwan-youth-base", "hr-service-park", "labour-cooperation-agency",
        "gig-market", "gig-station", "incubation-base", "expert-team", "high-skill-base",
        "industrial-training-base", "master-studio", "employment-community", "street-platform",
        "community-centre", "industry-platform", "brand-pilot-enterprise", "poverty-relief-caring-enterprise",
        "demonstration-enterprise", "self-training-certified-enterprise", "enterprise-in-difficulty",
        "filed-training-institution", "brics-training-base",
    ]
    public static let definition = EventDefinition(
        type: "organisation.rated", title: "Organisation rated or recognised", chinese: "单位认定/评级",
        summary: "An organisation receives a rating, recognition or designation at a level, possibly with stars or a tier.",
        stream: "organisation:<credit code>",
        feeds: ["XM-2023-187/(五)-a", "XM-2023-187/(五)-b", "XM-2023-187/(六)-a", "XM-2023-187/(六)-b", "XM-2023-187/(六)-c",
            "XM-2023-187/(六)-d", "XM-2023-187/(七)", "XM-2023-187/(八)", "JJ-2019-79/2.1", "JJ-2019-79/6.3",
            "BJ-2023/(二)", "BJ-2023/(四)-b", "BJ-2023/(十)-a", "BJ-2023/(十)-b", "BJ-2023/(十一)"],
        fields: [
            .required("organisation", .organisation, "Unified social credit code", zh: "统一社会信用代码"),
            .required("rating", .choice(ratings), "What it was rated or recognised as", zh: "认定类别"),
            .optional("level", .choice(RatingLevel.self), "Level of the rating", zh: "级别"),
            .optional("stars", .integer(minimum: 1, maximum: 5), "Star rating", zh: "星级"),
            .optional("tier", .integer(minimum: 1, maximum: 3), "Tier (一/二/三类)", zh: "类别等级"),
            .required("ratedBy", .shortText, "The rating authority", zh: "认定部门"),
            .optional("validUntil", .date, "Last day the rating is valid", zh: "有效期至"),
            .optional("upgradedFrom", .choice(RatingLevel.self), "For an upgrade: the previous level", zh: "原级别"),
            .optional("decisionNumber", .identifier, "Number of the rating decision", zh: "认定文号"),
        ])
    public let organisation: String
    public let rating: String
    public let level: RatingLevel?
    public let stars: Int?
    public let tier: Int?
    public let ratedBy: String
    public let validUntil: LocalDate?
    public let upgradedFrom: RatingLevel?
    public let decisionNumber: String?
}

/// A rating or recognition is withdrawn.
public struct OrganisationRatingWithdrawn: EventPayload {
    public static let definition = EventDefinition(
        type: "organisation.rating-withdrawn", title: "Organisation rating withdrawn", chinese: "撤销认定",
        summary: "A rating or recognition ends from occurredAt.",
        stream: "organisation:<credit code>",
        fields: [
            .required("organisation", .organisation, "Unified social credit code", zh: "统一社会信用代码"),
            .required("rating", .choice(OrganisationRated.ratings), "Which rating is withdrawn", zh: "认定类别"),
            .required("reason", .shortText, "Why", zh: "撤销原因"),
        ])
    public let organisation: String
    public let rating: String
    public let reason: String
}
