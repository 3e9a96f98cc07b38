/// A certificate is issued to a person (version 2: levels written L1-L5).
public struct CertificateIssued: EventPayload {
    public static let definition = EventDefinition(
        type: "certificate.issued", version: 2, title: "Certificate issued", chinese: "取得证书",
        summary: "A person obtains a certificate: its kind, occupation, level, issuer and number.",
        stream: "certificate:<certificateNumber>", opensStream: true,
        feeds: ["XM-2023-187/(一)-a", "XM-2023-187/(一)-c", "JJ-2019-79/6.2-b", "JJ-2019-79/6.1", "JJ-2019-79/6.5",
            "JJ-2019-79/6.10", "BJ-2023/(六)", "BJ-2023/(九)", "BJ-2023/(十)-a", "XM-2025-189/goal"],
        fields: [
            .required("certificateNumber", .identifier, "The certificate's number", zh: "证书编号"),
            .required("holder", .person, "The holder's resident ID", zh: "持证人身份号码"),
            .required("kind", .choice(CertificateKind.self), "Kind of certificate", zh: "证书类别"),
            .required("occupation", .shortText, "Occupation (工种)", zh: "职业（工种）"),
            .optional("level", .choice(CertificateLevel.self),
                "Skill level, L5 (初级工) to L1 (高级技师); absent for certificates without levels", zh: "等级"),
            .required("issuer", .shortText, "Issuing body", zh: "发证机构"),
            .optional("classId", .identifier, "The filed class it resulted from, if any", zh: "开班备案编号"),
            .optional("employer", .organisation, "The holder's employer when obtained, if relevant", zh: "所在企业"),
        ])
    public let certificateNumber: String
    public let holder: String
    public let kind: CertificateKind
    public let occupation: String
    public let level: CertificateLevel?
    public let issuer: String
    public let classId: String?
    public let employer: String?

    /// Version 1, as the training portals first exported it: the level as its Chinese grade name.
    public static let version1 = EventDefinition(
        type: "certificate.issued", version: 1, title: "Certificate issued (v1, Chinese grade names)", chinese: "取得证书（旧版）",
        summary: "Superseded by version 2. The level was written as the Chinese grade name (初级工 … 高级技师).",
        stream: "certificate:<certificateNumber>", opensStream: true,
        fields: [
            .required("certificateNumber", .identifier, "The certificate's number", zh: "证书编号"),
            .required("holder", .person, "The holder's resident ID", zh: "持证人身份号码"),
            .required("kind", .choice(CertificateKind.self), "Kind of certificate", zh: "证书类别"),
            .required("occupation", .shortText, "Occupation (工种)", zh: "职业（工种）"),
            .optional("grade", .choice(Array(gradeLevels.keys).sorted()), "Grade name", zh: "等级名称"),
            .required("issuer", .shortText, "Issuing body", zh: "发证机构"),
            .optional("classId", .identifier, "The filed class it resulted from, if any", zh: "开班备案编号"),
        ])

    /// The grade names of version 1 and the levels they mean. Both the 2019 names
    /// (五级 … 一级) and the older ones (初级工 … 高级技师) appear in exports.
    static let gradeLevels: [String: CertificateLevel] = [
        "初级工": .l5, "五级": .l5, "中级工": .l4, "四级": .l4, "高级工": .l3, "三级": .l3,
        "技师": .l2, "二级": .l2, "高级技师": .l1, "一级": .l1,
    ]

    /// v1 → v2: `grade` (Chinese grade name) becomes `level` (L1-L5).
    public static let upcastFromVersion1 = Upcaster(type: "certificate.issued", fromVersion: 1) { data throws(UpcastError) in
        var data = data
        if let grade = data["grade"] {
            guard let name = grade.stringValue, let level = gradeLevels[name] else {
                throw UpcastError(type: "certificate.issued", fromVersion: 1, reason: "unknown grade \(grade)")
            }
            data["grade"] = nil
            data["level"] = .string(level.rawValue)
        }
        return data
    }
}

/// A certificate is revoked (e.g. obtained by fraud): payments resting on it are clawed back.
public struct CertificateRevoked: EventPayload {
    public static let definition = EventDefinition(
        type: "certificate.revoked", title: "Certificate revoked", chinese: "证书撤销",
        summary: "A certificate is revoked; subsidies paid because of it become recoverable.",
        stream: "certificate:<certificateNumber>", feeds: ["XM-2025-189/15"],
        fields: [
            .required("certificateNumber", .identifier, "The certificate's number", zh: "证书编号"),
            .required("holder", .person, "The holder's resident ID", zh: "持证人身份号码"),
            .required("reason", .choice(["fraud", "error", "other"]), "Why", zh: "撤销原因"),
            .required("revokedBy", .shortText, "Who revoked it", zh: "撤销机构"),
            .optional("detail", .longText, "Details", zh: "说明"),
        ])
    public let certificateNumber: String
    public let holder: String
    public let reason: String
    public let revokedBy: String
    public let detail: String?
}
