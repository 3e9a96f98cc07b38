/// A training class is filed before it starts (开班备案): the anchor of every training subsidy.
public struct ClassFiled: EventPayload {
    public static let kinds = [
        "employment-skills", "entrepreneurship", "key-industry", "enterprise-job-skills", "pre-job",
        "skills-upgrading", "difficult-enterprise", "apprenticeship", "safety", "brics", "department",
        "prisoner-detox", "paired-region", "student-service", "self-training",
    ]
    public static let definition = EventDefinition(
        type: "class.filed", title: "Training class filed", chinese: "开班备案",
        summary: "A training institution or enterprise files a class: occupation, level, hours, whether it is project-based, where and at what cost.",
        stream: "class:<classId>",
        feeds: ["XM-2023-187/(一)-a", "XM-2023-187/(一)-b", "XM-2023-187/(一)-d", "XM-2023-187/(三)", "XM-2023-187/(四)",
            "XM-2025-189/15", "JJ-2019-79/6.1", "JJ-2019-79/6.2-a", "JJ-2019-79/6.3", "JJ-2019-79/6.5", "JJ-2019-79/6.6",
            "JJ-2019-79/6.8", "JJ-2019-79/6.9", "JJ-2019-79/6.10", "JJ-2019-79/5.2", "BJ-2023/(七)", "BJ-2023/(九)"],
        fields: [
            .required("classId", .identifier, "The class's filing number", zh: "开班备案编号"),
            .required("organiser", .organisation, "The institution or enterprise running the class", zh: "办班单位"),
            .required("kind", .choice(kinds), "What kind of training", zh: "培训类别"),
            .required("occupation", .shortText, "Occupation (工种) trained", zh: "培训工种"),
            .optional("level", .choice(CertificateLevel.self), "Target skill level", zh: "培训等级"),
            .required("classHours", .integer(minimum: 1, maximum: 10_000), "Class hours in all", zh: "总课时"),
            .required("offlineHours", .hours, "Of which offline (in person)", zh: "线下课时"),
            .optional("practicalHours", .hours, "Of which practical hours (e.g. at the BRICS base)", zh: "实操课时"),
            .required("projectBased", .boolean, "Whether it is project-based training (项目制培训)", zh: "是否项目制"),
            .required("jurisdiction", .jurisdiction, "Whose policies it is filed under", zh: "备案地"),
            .required("division", .area, "District, town or department it counts for", zh: "所属区/镇/部门"),
            .required("startDate", .date, "First day of the class", zh: "开班日期"),
            .required("endDate", .date, "Last day of the class", zh: "结业日期"),
            .optional("costPerTrainee", .fen, "Training cost per trainee, in fen", zh: "人均培训成本（分）"),
            .optional("plannedTrainees", .integer(minimum: 1, maximum: 100_000), "Planned number of trainees", zh: "计划人数"),
            .optional("department", .shortText, "Organising department (Jinjiang department training)", zh: "组织部门"),
        ])
    public let classId: String
    public let organiser: String
    public let kind: String
    public let occupation: String
    public let level: CertificateLevel?
    public let classHours: Int
    public let offlineHours: Int
    public let practicalHours: Int?
    public let projectBased: Bool
    public let jurisdiction: Jurisdiction
    public let division: String
    public let startDate: LocalDate
    public let endDate: LocalDate
    public let costPerTrainee: Fen?
    public let plannedTrainees: Int?
    public let department: String?
}

/// A person enrols in a filed class.
public struct TrainingEnrolled: EventPayload {
    public static let definition = EventDefinition(
        type: "training.enrolled", title: "Trainee enrolled", chinese: "学员报名入班",
        summary: "A person joins a filed class; for enterprise training, the employer is named.",
        stream: "class:<classId>",
        fields: [
            .required("classId", .identifier, "The class's filing number", zh: "开班备案编号"),
            .required("trainee", .person, "The trainee's resident ID", zh: "学员身份号码"),
            .optional("employer", .organisation, "The trainee's employer, for enterprise training", zh: "所在企业"),
        ])
    public let classId: String
    public let trainee: String
    public let employer: String?
}

/// A trainee completes a class (attendance recorded by process supervision).
public struct TrainingCompleted: EventPayload {
    public static let definition = EventDefinition(
        type: "training.completed", title: "Training completed", chinese: "结业",
        summary: "A trainee finishes the class with the hours attended.",
        stream: "class:<classId>", feeds: ["XM-2025-189/15", "JJ-2019-79/5.2"],
        fields: [
            .required("classId", .identifier, "The class's filing number", zh: "开班备案编号"),
            .required("trainee", .person, "The trainee's resident ID", zh: "学员身份号码"),
            .required("attendedHours", .hours, "Hours attended", zh: "实际参训课时"),
            .optional("offlineHours", .hours, "Of which offline", zh: "线下课时"),
        ])
    public let classId: String
    public let trainee: String
    public let attendedHours: Int
    public let offlineHours: Int?
}

/// A trainee is assessed at the end of a class (结果评估).
public struct TrainingAssessed: EventPayload {
    public static let definition = EventDefinition(
        type: "training.assessed", title: "Trainee assessed", chinese: "考核评价",
        summary: "The result of a trainee's assessment; a certificate event follows a pass.",
        stream: "class:<classId>", feeds: ["XM-2025-189/15", "XM-2023-187/(三)"],
        fields: [
            .required("classId", .identifier, "The class's filing number", zh: "开班备案编号"),
            .required("trainee", .person, "The trainee's resident ID", zh: "学员身份号码"),
            .required("result", .choice(["passed", "failed"]), "Outcome", zh: "考核结果"),
            .required("assessor", .shortText, "Who assessed", zh: "评价机构"),
            .optional("score", .integer(minimum: 0, maximum: 100), "Score out of 100", zh: "成绩"),
        ])
    public let classId: String
    public let trainee: String
    public let result: String
    public let assessor: String
    public let score: Int?
}

/// An enterprise starts an apprenticeship (企校双师 / 企校双制) for an employee or student.
public struct ApprenticeshipStarted: EventPayload {
    public static let definition = EventDefinition(
        type: "apprenticeship.started", title: "Apprenticeship started", chinese: "学徒制培训开班",
        summary: "An enterprise and a school start training an apprentice under the new apprenticeship model.",
        stream: "apprenticeship:<apprenticeshipId>", opensStream: true,
        feeds: ["XM-2023-187/(二)-a", "XM-2023-187/(二)-b", "JJ-2019-79/6.4"],
        fields: [
            .required("apprenticeshipId", .identifier, "Filing number of the apprenticeship", zh: "学徒培训备案编号"),
            .required("apprentice", .person, "The apprentice's resident ID", zh: "学徒身份号码"),
            .required("enterprise", .organisation, "The training enterprise", zh: "企业"),
            .optional("school", .organisation, "The partner school", zh: "合作院校"),
            .required("model", .choice(["dual-mentor", "dual-system", "graduation-year-student"]),
                "企校双师 (Xiamen), 企校双制 (Jinjiang), or graduation-year student apprenticeship", zh: "培养模式"),
            .required("occupation", .shortText, "Occupation", zh: "工种"),
            .optional("plannedHours", .hours, "Planned class hours", zh: "计划课时"),
            .required("endDate", .date, "Planned end", zh: "计划结束日期"),
        ])
    public let apprenticeshipId: String
    public let apprentice: String
    public let enterprise: String
    public let school: String?
    public let model: String
    public let occupation: String
    public let plannedHours: Int?
    public let endDate: LocalDate
}

/// A student receives a diploma (for graduation-year apprenticeships, XM-2023-187 (二)-b).
public struct DiplomaAwarded: EventPayload {
    public static let definition = EventDefinition(
        type: "diploma.awarded", title: "Diploma awarded", chinese: "取得毕业证书",
        summary: "A student graduates from a vocational school or college.",
        stream: "person:<resident ID>", feeds: ["XM-2023-187/(二)-b"],
        fields: [
            .required("student", .person, "The student's resident ID", zh: "学生身份号码"),
            .required("school", .organisation, "The school", zh: "院校"),
            .required("schoolLevel", .choice(["secondary-vocational", "higher-vocational", "undergraduate"]),
                "Level of the school", zh: "学历层次（中职/高职/本科）"),
            .optional("classHours", .hours, "Apprenticeship class hours completed", zh: "学徒培训课时"),
        ])
    public let student: String
    public let school: String
    public let schoolLevel: String
    public let classHours: Int?
}
