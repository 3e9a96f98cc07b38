import GrantLedgerEvents

/// A test-only event type that names people and organisations in arrays and in arrays of
/// objects, which no standard type does yet: the log must find and pseudonymise them all.
struct TeamFormed: EventPayload {
    static let definition = EventDefinition(
        type: "team.formed", title: "Team formed (test only)", chinese: "组队（测试）",
        summary: "Names people and organisations in every shape a field can take.",
        stream: "team:<teamId>",
        fields: [
            .required("teamId", .identifier, "Team number", zh: "编号"),
            .optional("members", .array(.person, minItems: 1), "Members", zh: "成员"),
            .optional("sponsors", .array(.organisation, minItems: 1), "Sponsors", zh: "赞助单位"),
            .optional("roster", .array(.object([
                .required("person", .person, "Who", zh: "人员"),
                .optional("name", .personName, "Their name", zh: "姓名"),
                .optional("employer", .organisation, "Their employer", zh: "单位"),
            ]), minItems: 1), "Roster entries", zh: "名册"),
        ])
    struct Entry: Decodable, Sendable {
        let person: String
        let name: String?
        let employer: String?
    }
    let teamId: String
    let members: [String]?
    let sponsors: [String]?
    let roster: [Entry]?

    /// The standard catalog plus this type.
    static let catalog = EventCatalog(
        payloads: Array(EventCatalog.standard.payloadTypes.values) + [TeamFormed.self],
        history: [(CertificateIssued.version1, CertificateIssued.upcastFromVersion1)])

    static func line(_ n: Int, members: [String]? = nil, sponsors: [String]? = nil, roster: [(String, String?, String?)]? = nil) -> String {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        var data = [#""teamId":"T\#(n)""#]
        if let members { data.append(#""members":\#(list(members))"#) }
        if let sponsors { data.append(#""sponsors":\#(list(sponsors))"#) }
        if let roster {
            let entries = roster.map { person, name, employer in
                var members = [#""person":"\#(person)""#]
                if let name { members.append(#""name":"\#(name)""#) }
                if let employer { members.append(#""employer":"\#(employer)""#) }
                return "{" + members.joined(separator: ",") + "}"
            }
            data.append(#""roster":[\#(entries.joined(separator: ","))]"#)
        }
        return Sample.event(n, stream: "team:T\(n)", type: "team.formed", data: "{" + data.joined(separator: ",") + "}")
    }
}
