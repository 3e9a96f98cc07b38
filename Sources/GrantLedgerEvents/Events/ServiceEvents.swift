/// A mentor gives one service session (BJ-2023 (五)-b).
public struct MentorSessionHeld: EventPayload {
    public static let definition = EventDefinition(
        type: "mentor.session-held", title: "Mentor service session", chinese: "导师服务",
        summary: "An employment or entrepreneurship mentor gives one service session, online or offline.",
        stream: "person:<mentor resident ID>", feeds: ["BJ-2023/(五)-b"],
        fields: [
            .required("sessionId", .identifier, "Number of the session record", zh: "服务记录编号"),
            .required("mentor", .person, "The mentor's resident ID", zh: "导师身份号码"),
            .required("mode", .choice(["online", "offline"]), "Online or offline", zh: "服务方式（线上/线下）"),
            .optional("organiser", .organisation, "The organising body", zh: "组织单位"),
        ])
    public let sessionId: String
    public let mentor: String
    public let mode: String
    public let organiser: String?
}

/// An organiser gives training or service days to a local-hukou student (BJ-2023 (七)).
public struct StudentServiceDelivered: EventPayload {
    public static let definition = EventDefinition(
        type: "student-service.delivered", title: "Student training or service delivered", chinese: "本区户籍大学生培训服务",
        summary: "An enterprise or non-profit organiser gives a local-hukou student days of training or service, filed with the HR bureau.",
        stream: "class:<classId>", feeds: ["BJ-2023/(七)"],
        fields: [
            .required("classId", .identifier, "The filed activity", zh: "备案编号"),
            .required("organiser", .organisation, "The organiser", zh: "组织单位"),
            .required("student", .person, "The student's resident ID", zh: "学生身份号码"),
            .required("days", .integer(minimum: 1, maximum: 365), "Days of training or service", zh: "天数"),
        ])
    public let classId: String
    public let organiser: String
    public let student: String
    public let days: Int
}

/// An award to a person or organisation: mentor awards, craftsmen, contest places.
public struct AwardGranted: EventPayload {
    public static let definition = EventDefinition(
        type: "award.granted", title: "Award granted", chinese: "获奖",
        summary: "A person or organisation wins an award (mentor award, Zhejiang craftsman, skills contest place).",
        stream: "award:<awardId>", opensStream: true, feeds: ["BJ-2023/(五)-a", "BJ-2023/(十二)"],
        fields: [
            .required("awardId", .identifier, "Number of the award", zh: "奖项编号"),
            .required("award", .choice(["mentor-award", "zhejiang-craftsman", "skills-contest"]), "Which award", zh: "奖项"),
            .optional("person", .person, "The winner, if a person", zh: "获奖人"),
            .optional("organisation", .organisation, "The winner's organisation or employer", zh: "获奖单位"),
            .optional("level", .choice(RatingLevel.self), "Level of the award", zh: "级别"),
            .optional("place", .integer(minimum: 1, maximum: 3), "Contest place (1st, 2nd, 3rd)", zh: "名次"),
        ])
    public let awardId: String
    public let award: String
    public let person: String?
    public let organisation: String?
    public let level: RatingLevel?
    public let place: Int?
}

/// A flexible worker's day-based accident insurance premium is paid (益鹭保, XM-2023-187 (十四)).
public struct InsurancePremiumPaid: EventPayload {
    public static let definition = EventDefinition(
        type: "insurance.premium-paid", title: "Flexible-worker insurance premium paid", chinese: "益鹭保保费缴纳",
        summary: "A flexible worker is insured for a number of days; the government pays half of the premium.",
        stream: "person:<resident ID>", feeds: ["XM-2023-187/(十四)"],
        fields: [
            .required("policyNumber", .identifier, "Insurance policy number", zh: "保单号"),
            .required("insured", .person, "The insured worker's resident ID", zh: "被保险人身份号码"),
            .required("days", .integer(minimum: 1, maximum: 366), "Days covered", zh: "保障天数"),
            .required("premium", .fen, "Full premium in fen", zh: "保费（分）"),
        ])
    public let policyNumber: String
    public let insured: String
    public let days: Int
    public let premium: Fen
}
