/// An application for a subsidy under a clause (申请).
public struct ApplicationSubmitted: EventPayload {
    public static let definition = EventDefinition(
        type: "application.submitted", title: "Application submitted", chinese: "补贴申请",
        summary: "A payee applies for a subsidy under a clause, for a subject person if any, with the events that support it.",
        stream: "application:<applicationId>", opensStream: true, feeds: ["XM-2025-189/15"],
        fields: [
            .required("applicationId", .identifier, "Application number", zh: "申请编号"),
            .required("clause", .clause, "The clause applied under", zh: "政策条款"),
            .required("payee", .payee, "Who is to be paid", zh: "申请人（收款方）"),
            .optional("subject", .person, "The worker the application concerns, if any", zh: "涉及人员"),
            .optional("evidence", .array(.uuid, minItems: 1), "Event ids of the supporting facts", zh: "佐证事件"),
            .optional("requestedAmount", .fen, "Amount requested, in fen", zh: "申请金额（分）"),
            .optional("period", .month, "The month or year-month it concerns, if periodic", zh: "所属期间"),
        ])
    public let applicationId: String
    public let clause: String
    public let payee: Payee
    public let subject: String?
    public let evidence: [String]?
    public let requestedAmount: Fen?
    public let period: YearMonth?
}

/// An application is approved (审核通过).
public struct ApplicationApproved: EventPayload {
    public static let definition = EventDefinition(
        type: "application.approved", title: "Application approved", chinese: "审核通过",
        summary: "The bureau approves an application.",
        stream: "application:<applicationId>",
        fields: [
            .required("applicationId", .identifier, "Application number", zh: "申请编号"),
            .required("approvedBy", .shortText, "Who approved it", zh: "审核人/部门"),
            .optional("note", .longText, "Remarks", zh: "审核意见"),
        ])
    public let applicationId: String
    public let approvedBy: String
    public let note: String?
}

/// An application is rejected (审核不通过).
public struct ApplicationRejected: EventPayload {
    public static let definition = EventDefinition(
        type: "application.rejected", title: "Application rejected", chinese: "审核不通过",
        summary: "The bureau rejects an application, saying why.",
        stream: "application:<applicationId>",
        fields: [
            .required("applicationId", .identifier, "Application number", zh: "申请编号"),
            .required("rejectedBy", .shortText, "Who rejected it", zh: "审核人/部门"),
            .required("reason", .longText, "Why", zh: "不通过原因"),
        ])
    public let applicationId: String
    public let rejectedBy: String
    public let reason: String
}

/// An administrative decision of an amount where a document gives a range or a ceiling.
public struct AmountDecided: EventPayload {
    public static let definition = EventDefinition(
        type: "amount.decided", title: "Amount decided", chinese: "补贴金额核定",
        summary: "Where a clause gives a range or a ceiling (e.g. 500-3000 yuan), the bureau decides the amount for one application; the rules check it lies in the range.",
        stream: "application:<applicationId>",
        feeds: ["XM-2023-187/(一)-c", "XM-2023-187/(二)-a", "XM-2023-187/(四)", "XM-2023-187/(七)", "XM-2023-187/(九)-a",
            "XM-2023-187/(十一)", "JJ-2019-79/2.1", "JJ-2019-79/4.1", "JJ-2019-79/5.3", "BJ-2023/(一)", "BJ-2023/(七)"],
        fields: [
            .required("applicationId", .identifier, "Application number", zh: "申请编号"),
            .required("clause", .clause, "The clause whose range applies", zh: "政策条款"),
            .required("amount", .fen, "The decided amount, in fen", zh: "核定金额（分）"),
            .required("decidedBy", .shortText, "Who decided", zh: "核定部门"),
            .required("basis", .longText, "The grounds for the amount", zh: "核定依据"),
            .optional("decisionNumber", .identifier, "Number of the decision document", zh: "核定文号"),
        ])
    public let applicationId: String
    public let clause: String
    public let amount: Fen
    public let decidedBy: String
    public let basis: String
    public let decisionNumber: String?
}

/// Money is paid out (拨付).
public struct DisbursementMade: EventPayload {
    public static let definition = EventDefinition(
        type: "disbursement.made", title: "Disbursement made", chinese: "资金拨付",
        summary: "The finance bureau pays an amount to a payee under a clause.",
        stream: "disbursement:<disbursementId>", opensStream: true,
        fields: [
            .required("disbursementId", .identifier, "Payment number", zh: "拨付编号"),
            .required("clause", .clause, "The clause paid under", zh: "政策条款"),
            .required("payee", .payee, "Who was paid", zh: "收款方"),
            .required("amount", .fen, "Amount paid, in fen", zh: "拨付金额（分）"),
            .optional("applicationId", .identifier, "The application it settles", zh: "申请编号"),
            .optional("subject", .person, "The worker it concerns, if any", zh: "涉及人员"),
            .optional("fundId", .identifier, "The fund it is paid from", zh: "资金编号"),
            .optional("voucher", .identifier, "Bank or treasury voucher number", zh: "凭证号"),
        ])
    public let disbursementId: String
    public let clause: String
    public let payee: Payee
    public let amount: Fen
    public let applicationId: String?
    public let subject: String?
    public let fundId: String?
    public let voucher: String?
}

/// A payment is reversed (e.g. bounced or made in error) before it counts.
public struct DisbursementReversed: EventPayload {
    public static let definition = EventDefinition(
        type: "disbursement.reversed", title: "Disbursement reversed", chinese: "拨付冲正",
        summary: "A payment is reversed in whole or in part.",
        stream: "disbursement:<disbursementId>",
        fields: [
            .required("disbursementId", .identifier, "Payment number", zh: "拨付编号"),
            .required("amount", .fen, "Amount reversed, in fen", zh: "冲正金额（分）"),
            .required("reason", .shortText, "Why", zh: "冲正原因"),
        ])
    public let disbursementId: String
    public let amount: Fen
    public let reason: String
}

/// Recovery of money paid is ordered (追回).
public struct ClawbackOrdered: EventPayload {
    public static let definition = EventDefinition(
        type: "clawback.ordered", title: "Clawback ordered", chinese: "责令追回",
        summary: "Money paid must be recovered from a payee, with the reason (a revoked certificate, fraud, ineligibility, a double payment).",
        stream: "clawback:<clawbackId>", opensStream: true, feeds: ["XM-2025-189/15"],
        fields: [
            .required("clawbackId", .identifier, "Recovery number", zh: "追回编号"),
            .required("clause", .clause, "The clause the money was paid under", zh: "政策条款"),
            .required("payee", .payee, "Who must repay", zh: "追回对象"),
            .required("amount", .fen, "Amount to recover, in fen", zh: "追回金额（分）"),
            .required("reason", .choice(["certificate-revoked", "fraud", "ineligible", "duplicate-payment", "error"]), "Why", zh: "追回原因"),
            .optional("disbursementId", .identifier, "The payment being recovered", zh: "原拨付编号"),
            .optional("detail", .longText, "Details", zh: "说明"),
            .required("orderedBy", .shortText, "Who ordered it", zh: "决定部门"),
        ])
    public let clawbackId: String
    public let clause: String
    public let payee: Payee
    public let amount: Fen
    public let reason: String
    public let disbursementId: String?
    public let detail: String?
    public let orderedBy: String
}

/// Money is recovered, in whole or in part.
public struct ClawbackRecovered: EventPayload {
    public static let definition = EventDefinition(
        type: "clawback.recovered", title: "Clawback recovered", chinese: "追回到账",
        summary: "An amount ordered to be recovered is received.",
        stream: "clawback:<clawbackId>",
        fields: [
            .required("clawbackId", .identifier, "Recovery number", zh: "追回编号"),
            .required("amount", .fen, "Amount received, in fen", zh: "到账金额（分）"),
            .optional("voucher", .identifier, "Voucher number", zh: "凭证号"),
        ])
    public let clawbackId: String
    public let amount: Fen
    public let voucher: String?
}

/// A target is set for a city, district, town or department over a period.
public struct TargetSet: EventPayload {
    public static let metrics = [
        "training-person-times", "new-skilled-talents", "new-high-skill-talents",
        "skilled-worker-share-percent", "service-131-completeness-percent",
    ]
    public static let definition = EventDefinition(
        type: "target.set", title: "Target set", chinese: "目标任务下达",
        summary: "A target for a metric over a period, for a city, district, town or department, as a document's table sets it.",
        stream: "target:<targetId>",
        feeds: ["XM-2025-189/goal", "JJ-2019-79/goal", "JJ-2019-79/annex1", "JJ-2019-79/annex2", "XM-2023-188/4", "XM-2023-187/tranche"],
        fields: [
            .required("targetId", .identifier, "Target number", zh: "目标编号"),
            .required("clause", .clause, "The clause or table that sets it", zh: "依据条款"),
            .required("metric", .choice(metrics), "What is counted", zh: "指标"),
            .required("scope", .choice(["city", "district", "town", "department"]), "Level of the unit", zh: "层级"),
            .required("unit", .area, "The city, district, town or department, as the document names it", zh: "责任单位"),
            .required("periodStart", .date, "First day of the period", zh: "起始日期"),
            .required("periodEnd", .date, "Last day of the period", zh: "截止日期"),
            .required("value", .count, "The target figure", zh: "目标值"),
            .optional("fund", .fen, "Funds attached to the target, in fen", zh: "配套资金（分）"),
            .optional("note", .longText, "Remarks, e.g. how it relates to other targets", zh: "备注"),
        ])
    public let targetId: String
    public let clause: String
    public let metric: String
    public let scope: String
    public let unit: String
    public let periodStart: LocalDate
    public let periodEnd: LocalDate
    public let value: Int64
    public let fund: Fen?
    public let note: String?
}

/// Money is allocated to a fund: up front, or a tranche released by results.
public struct FundAllocated: EventPayload {
    public static let definition = EventDefinition(
        type: "fund.allocated", title: "Fund allocated", chinese: "资金下达",
        summary: "A fund receives an allocation under a clause: the whole sum, a 70% pre-allocation, the 30% performance tranche, or similar.",
        stream: "fund:<fundId>", opensStream: true, feeds: ["XM-2023-187/tranche", "XM-2023-187/(三)", "JJ-2019-79/annex2"],
        fields: [
            .required("fundId", .identifier, "Fund number", zh: "资金编号"),
            .required("clause", .clause, "The clause it serves", zh: "政策条款"),
            .required("recipient", .area, "The district, department or body receiving it", zh: "资金承接单位"),
            .required("amount", .fen, "Amount allocated, in fen", zh: "下达金额（分）"),
            .required("tranche", .choice(["whole", "pre-allocation", "performance"]), "Which tranche", zh: "批次（全额/预拨/绩效清算）"),
            .optional("periodStart", .date, "First day of the period it funds", zh: "起始日期"),
            .optional("periodEnd", .date, "Last day of the period it funds", zh: "截止日期"),
            .optional("targetId", .identifier, "The target it is tied to", zh: "目标编号"),
        ])
    public let fundId: String
    public let clause: String
    public let recipient: String
    public let amount: Fen
    public let tranche: String
    public let periodStart: LocalDate?
    public let periodEnd: LocalDate?
    public let targetId: String?
}
