import GrantLedgerEvents

extension SyntheticCity {
    /// The three jurisdictions of the city, each with the offices, feeds and vocabulary its
    /// events use.
    public enum Place: Int, CaseIterable, Sendable, CustomStringConvertible {
        /// Xiamen city (350200): XM-2023-187, XM-2023-188, XM-2025-189.
        case xiamen
        /// Jinjiang city (350582): JJ-2019-79.
        case jinjiang
        /// Binjiang district of Hangzhou (330108): BJ-2023.
        case binjiang

        /// Of every ten people, in this order: five in Xiamen, three in Jinjiang, two in
        /// Binjiang. Interleaved, so that even ten people cover the three places.
        static let pattern: [Place] = [.xiamen, .jinjiang, .xiamen, .binjiang, .xiamen, .jinjiang, .xiamen, .binjiang, .xiamen, .jinjiang]
        /// Each slot's rank among the slots of its place in ``pattern``.
        static let rankInPattern: [Int] = pattern.indices.map { i in pattern[..<i].filter { $0 == pattern[i] }.count }

        /// How many of every ten people live here.
        var perTen: Int { Self.pattern.filter { $0 == self }.count }

        public var jurisdiction: Jurisdiction {
            switch self {
            case .xiamen: .xiamen
            case .jinjiang: .jinjiang
            case .binjiang: .binjiang
            }
        }

        /// The division code.
        public var code: String { jurisdiction.rawValue }

        public var description: String {
            switch self {
            case .xiamen: "Xiamen"
            case .jinjiang: "Jinjiang"
            case .binjiang: "Binjiang"
            }
        }

        /// The first month of the place's stories: when its documents are in force.
        public var firstMonth: YearMonth {
            switch self {
            case .xiamen: YearMonth(year: 2023, month: 9)!
            case .jinjiang: YearMonth(year: 2020, month: 1)!
            case .binjiang: YearMonth(year: 2023, month: 3)!
            }
        }

        /// The last day of the facts its bureaus still subsidise (the end of the document in
        /// force); later facts are recorded but not applied for or paid. Nil: no end.
        var subsidisedUntil: LocalDate? {
            switch self {
            case .xiamen: LocalDate(year: 2024, month: 12, day: 31)!
            case .jinjiang: LocalDate(year: 2021, month: 12, day: 31)!
            case .binjiang: nil
            }
        }

        func subsidises(_ date: LocalDate) -> Bool { subsidisedUntil.map { date <= $0 } ?? true }

        var prefix: String {
            switch self {
            case .xiamen: "XM"
            case .jinjiang: "JJ"
            case .binjiang: "BJ"
            }
        }

        /// Districts (Xiamen), towns (Jinjiang) or streets (Binjiang) that blocks belong to.
        var divisions: [String] {
            switch self {
            case .xiamen: ["思明区", "湖里区", "集美区", "海沧区"]
            case .jinjiang: ["陈埭镇", "安海镇", "磁灶镇", "青阳街道"]
            case .binjiang: ["西兴街道", "长河街道", "浦沿街道"]
            }
        }

        /// Where a local's resident ID was issued.
        var localRegions: [String] {
            switch self {
            case .xiamen: ["350203", "350205", "350206", "350211"]
            case .jinjiang: ["350582"]
            case .binjiang: ["330108"]
            }
        }

        /// Where migrants come from: region code and name.
        var migrantOrigins: [(region: String, name: String)] {
            switch self {
            case .xiamen: [("620102", "甘肃省兰州市"), ("510722", "四川省三台县"), ("431121", "湖南省祁阳县")]
            case .jinjiang: [("522401", "贵州省毕节市"), ("513401", "四川省西昌市"), ("362131", "江西省瑞金市")]
            case .binjiang: [("341221", "安徽省临泉县"), ("511623", "四川省邻水县"), ("412726", "河南省郸城县")]
            }
        }

        /// Regions paired with the place for poverty relief: region code, the catalog's name, and its name.
        var pairedOrigins: [(region: String, key: String, name: String)] {
            switch self {
            case .xiamen: []
            case .jinjiang: [("640402", "ningxia", "宁夏回族自治区固原市"), ("640422", "ningxia", "宁夏回族自治区西吉县"), ("540102", "tibet", "西藏自治区拉萨市")]
            case .binjiang: [("652901", "xinjiang", "新疆维吾尔自治区阿克苏市"), ("540602", "tibet", "西藏自治区那曲市")]
            }
        }

        var localHukou: String {
            switch self {
            case .xiamen: "厦门市"
            case .jinjiang: "晋江市"
            case .binjiang: "滨江区"
            }
        }

        var occupations: [String] {
            switch self {
            case .xiamen: ["电工", "焊工", "育婴员", "养老护理员", "中式烹调师", "电子商务师"]
            case .jinjiang: ["制鞋工", "缝纫工", "电工", "叉车司机", "焊工"]
            case .binjiang: ["人工智能训练师", "互联网营销师", "电子商务师", "网络与信息安全管理员", "物联网安装调试员"]
            }
        }

        var industries: [String] {
            switch self {
            case .xiamen: ["制造业", "批发和零售业", "住宿和餐饮业", "建筑业", "信息技术服务业"]
            case .jinjiang: ["制造业", "纺织服装业", "制鞋业", "机械制造业", "批发和零售业"]
            case .binjiang: ["信息技术服务业", "软件和信息技术服务业", "数字内容服务业", "电子设备制造业", "人力资源服务业"]
            }
        }

        var bureau: String {
            switch self {
            case .xiamen: "厦门市人力资源和社会保障局"
            case .jinjiang: "晋江市人力资源和社会保障局"
            case .binjiang: "杭州市滨江区人力资源和社会保障局"
            }
        }

        /// Who approves applications.
        var approver: String {
            switch self {
            case .xiamen: "厦门市公共就业服务中心"
            case .jinjiang: "晋江市就业服务中心"
            case .binjiang: "滨江区就业管理服务中心"
            }
        }

        var assessor: String {
            switch self {
            case .xiamen: "厦门市职业技能鉴定指导中心"
            case .jinjiang: "晋江市职业技能鉴定中心"
            case .binjiang: "杭州市滨江区职业技能等级认定中心"
            }
        }

        var actor: String { "\(prefix.lowercased())-rsj:batch" }
        var portal: String {
            switch self {
            case .xiamen: "xm-training-portal"
            case .jinjiang: "jj-training-portal"
            case .binjiang: "bj-training-portal"
            }
        }
        var service: String {
            switch self {
            case .xiamen: "xm-employment-service"
            case .jinjiang: "jj-hrss-portal"
            case .binjiang: "bj-hrss-portal"
            }
        }
        var subsidy: String {
            switch self {
            case .xiamen: "xm-subsidy-portal"
            case .jinjiang: "jj-hrss-portal"
            case .binjiang: "bj-subsidy-portal"
            }
        }
        var insurance: String { "\(prefix.lowercased())-social-insurance-feed" }
        var treasury: String { "\(prefix.lowercased())-finance-treasury" }
    }
}
