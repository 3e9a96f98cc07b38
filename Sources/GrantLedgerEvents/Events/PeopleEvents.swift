/// A person enters the ledger (实名登记): the resident ID and name go to the erasable
/// personal-data table; the log keeps the pseudonym.
public struct PersonRegistered: EventPayload {
    public static let definition = EventDefinition(
        type: "person.registered", title: "Person registered", chinese: "人员实名登记",
        summary: "A person is registered for employment services (job-seeking, unemployment or employment real-name registration).",
        stream: "person:<resident ID>", feeds: ["JJ-2019-79/5.1"],
        fields: [
            .required("person", .person, "The person's resident ID", zh: "公民身份号码"),
            .optional("name", .personName, "The person's name (kept apart, erasable)", zh: "姓名"),
            .optional("hukouDivision", .area, "Division code or name of the household registration", zh: "户籍所在地"),
            .required("registeredIn", .area, "Division code or name of the place of registration", zh: "登记地"),
            .optional("registrationKind", .choice(["job-seeking", "unemployment", "employment"]),
                "Which real-name registration this is", zh: "登记类别（求职/失业/就业）"),
        ])
    public let person: String
    public let name: String?
    public let hukouDivision: String?
    public let registeredIn: String
    public let registrationKind: String?
}

/// A person is recognised as a member of a key group (重点群体认定).
public struct PersonGroupJoined: EventPayload {
    public static let definition = EventDefinition(
        type: "person.group-joined", title: "Key-group membership recognised", chinese: "重点群体认定",
        summary: "A person is recognised as belonging to a key group from a date, e.g. registered unemployed or poverty-relieved.",
        stream: "person:<resident ID>",
        feeds: ["JJ-2019-79/6.7", "JJ-2019-79/6.10", "JJ-2019-79/5.3", "BJ-2023/(四)-a", "BJ-2023/(九)", "XM-2023-187/(一)-a", "XM-2023-188/4"],
        fields: [
            .required("person", .person, "The person's resident ID", zh: "公民身份号码"),
            .required("group", .choice(KeyGroup.self), "The key group", zh: "重点群体类别"),
            .required("since", .date, "First day of membership", zh: "认定日期"),
            .optional("until", .date, "Last day of membership, if known", zh: "有效期至"),
            .optional("originRegion", .choice(["ningxia", "tibet", "xinjiang"]),
                "For paired-region workers: the region of origin", zh: "结对帮扶地区"),
            .optional("evidence", .identifier, "Number of the supporting document", zh: "认定凭证编号"),
            .optional("recognisedBy", .shortText, "The office that recognised it", zh: "认定单位"),
        ])
    public let person: String
    public let group: KeyGroup
    public let since: LocalDate
    public let until: LocalDate?
    public let originRegion: String?
    public let evidence: String?
    public let recognisedBy: String?
}

/// A person stops belonging to a key group (e.g. finds work, leaves unemployment registration).
public struct PersonGroupLeft: EventPayload {
    public static let definition = EventDefinition(
        type: "person.group-left", title: "Key-group membership ended", chinese: "重点群体身份终止",
        summary: "A person no longer belongs to a key group from the event's occurredAt date.",
        stream: "person:<resident ID>",
        fields: [
            .required("person", .person, "The person's resident ID", zh: "公民身份号码"),
            .required("group", .choice(KeyGroup.self), "The key group", zh: "重点群体类别"),
            .optional("reason", .shortText, "Why membership ended", zh: "终止原因"),
        ])
    public let person: String
    public let group: KeyGroup
    public let reason: String?
}

/// A person has a job-service contact: the "131" service counts these (XM-2023-188/4).
public struct JobServiceContacted: EventPayload {
    public static let definition = EventDefinition(
        type: "job-service.contacted", title: "Job-service contact", chinese: "就业服务记录",
        summary: "A registered unemployed person or graduate receives career guidance, a job referral, or a training or internship offer.",
        stream: "person:<resident ID>", feeds: ["XM-2023-188/4"],
        fields: [
            .required("person", .person, "The person served", zh: "服务对象"),
            .required("service", .choice(["career-guidance", "job-referral", "training-offer", "internship-offer"]),
                "What was provided", zh: "服务类型（职业指导/岗位推荐/培训或见习机会）"),
            .optional("provider", .organisation, "The service provider, if a third party", zh: "服务机构"),
            .optional("employer", .organisation, "For a job referral: the employer referred to", zh: "推荐用人单位"),
            .optional("division", .area, "Where the service was given", zh: "服务地"),
        ])
    public let person: String
    public let service: String
    public let provider: String?
    public let employer: String?
    public let division: String?
}
