/// A person starts work with an employer (the social-insurance feed or a case worker).
public struct EmploymentStarted: EventPayload {
    public static let definition = EventDefinition(
        type: "employment.started", title: "Employment started", chinese: "就业登记（入职）",
        summary: "A person starts a job: the contract's kind and length, whether it is labour dispatch, a public-welfare post, and whether this is their first job in the city.",
        stream: "employment:<employer>:<contract number>",
        feeds: ["XM-2023-187/(九)-b", "XM-2023-187/(二)-b", "JJ-2019-79/6.1", "JJ-2019-79/6.2-a", "JJ-2019-79/6.4",
            "JJ-2019-79/6.6", "JJ-2019-79/6.7", "BJ-2023/(四)-a", "BJ-2023/(八)"],
        fields: [
            .required("employee", .person, "The worker's resident ID", zh: "劳动者身份号码"),
            .required("employer", .organisation, "The employer", zh: "用人单位"),
            .required("contract", .choice(["fixed-term", "open-ended", "task-based", "none"]),
                "Kind of labour contract", zh: "合同类型（固定期限/无固定期限/以完成一定任务为期限/未签）"),
            .optional("contractMonths", .integer(minimum: 1, maximum: 1200), "Length of a fixed-term contract in months", zh: "合同期限（月）"),
            .required("labourDispatch", .boolean, "Whether the worker is employed through labour dispatch", zh: "是否劳务派遣"),
            .optional("firstTimeInCity", .boolean, "Whether this is the worker's first job in the city", zh: "是否首次来本市就业"),
            .optional("publicWelfarePost", .boolean, "Whether the job is a public-welfare post", zh: "是否公益性岗位"),
            .optional("division", .area, "Where the job is", zh: "工作地"),
        ])
    public let employee: String
    public let employer: String
    public let contract: String
    public let contractMonths: Int?
    public let labourDispatch: Bool
    public let firstTimeInCity: Bool?
    public let publicWelfarePost: Bool?
    public let division: String?
}

/// A person's job ends.
public struct EmploymentEnded: EventPayload {
    public static let definition = EventDefinition(
        type: "employment.ended", title: "Employment ended", chinese: "就业登记（离职）",
        summary: "A person's job with an employer ends on occurredAt.",
        stream: "employment:<employer>:<contract number>", feeds: ["XM-2023-187/(九)-c", "JJ-2019-79/6.7"],
        fields: [
            .required("employee", .person, "The worker's resident ID", zh: "劳动者身份号码"),
            .required("employer", .organisation, "The employer", zh: "用人单位"),
            .required("reason", .choice(["resigned", "dismissed", "contract-ended", "retired", "other"]), "Why", zh: "离职原因"),
        ])
    public let employee: String
    public let employer: String
    public let reason: String
}

/// One month of a person's employment as the social-insurance feed reports it.
public struct EmploymentMonthRecorded: EventPayload {
    public static let definition = EventDefinition(
        type: "employment.month-recorded", title: "Employment month recorded", chinese: "月度参保缴费记录",
        summary: "The social-insurance feed reports that a person worked a month for an employer, and whether contributions were paid.",
        stream: "employment:<employer>:<contract number>",
        feeds: ["XM-2023-187/(九)-b", "XM-2023-187/(九)-c", "XM-2023-187/(二)-b", "JJ-2019-79/6.2-a", "JJ-2019-79/6.7", "BJ-2023/(四)-a"],
        fields: [
            .required("employee", .person, "The worker's resident ID", zh: "劳动者身份号码"),
            .required("employer", .organisation, "The employer", zh: "用人单位"),
            .required("month", .month, "The month (YYYY-MM)", zh: "缴费月份"),
            .required("socialInsurancePaid", .boolean, "Whether social insurance was paid for the month", zh: "是否缴纳社会保险"),
            .required("pensionPaid", .boolean, "Whether pension insurance was paid for the month", zh: "是否缴纳养老保险"),
            .required("insuredIn", .area, "Division code of the city where the worker is insured", zh: "参保地"),
        ])
    public let employee: String
    public let employer: String
    public let month: YearMonth
    public let socialInsurancePaid: Bool
    public let pensionPaid: Bool
    public let insuredIn: String
}

extension EmploymentMonthRecorded: CanonicalReadable {
    public init?(canonical data: CanonicalJSONView.Object) {
        guard let employee = try? data["employee"]?.string(), let employer = try? data["employer"]?.string(),
            let month = (try? data["month"]?.string()).flatMap({ YearMonth($0) }),
            let socialInsurancePaid = try? data["socialInsurancePaid"]?.bool(), let pensionPaid = try? data["pensionPaid"]?.bool(),
            let insuredIn = try? data["insuredIn"]?.string()
        else { return nil }
        (self.employee, self.employer, self.month) = (employee, employer, month)
        (self.socialInsurancePaid, self.pensionPaid, self.insuredIn) = (socialInsurancePaid, pensionPaid, insuredIn)
    }
}

/// A labour-cooperation agency brings a worker to an employer (劳务协作输送).
public struct ReferralMade: EventPayload {
    public static let definition = EventDefinition(
        type: "referral.made", title: "Labour-cooperation referral", chinese: "劳务协作输送",
        summary: "A labour-cooperation operating institution brings a worker to an employer; rewards follow after 3 and 6 months with that employer.",
        stream: "referral:<agency>:<referral number>", opensStream: true, feeds: ["XM-2023-187/(九)-b", "XM-2023-187/(九)-c"],
        fields: [
            .required("agency", .organisation, "The labour-cooperation operating institution", zh: "劳务合作运营机构"),
            .required("worker", .person, "The worker's resident ID", zh: "劳动者身份号码"),
            .required("employer", .organisation, "The employer the worker was brought to", zh: "用工企业"),
            .required("firstTimeInCity", .boolean, "Whether the worker comes to the city to work for the first time", zh: "是否首次来厦就业"),
            .optional("originRegion", .area, "Where the worker comes from", zh: "输出地"),
        ])
    public let agency: String
    public let worker: String
    public let employer: String
    public let firstTimeInCity: Bool
    public let originRegion: String?
}
