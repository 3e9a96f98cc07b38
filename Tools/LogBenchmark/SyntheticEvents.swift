import GrantLedgerEvents

/// A deterministic stream of realistic submissions (about 300-450 bytes each): the mix a
/// city's feeds produce, dominated by monthly social-insurance records.
struct SyntheticEvents {
    struct Item {
        let line: [UInt8]
        let streamID: String
        let submission: JSONObject
    }

    private var random: SplitMix64
    private var counter: UInt64 = 0
    let people: Int
    let organisations: [String]
    /// The seed in base 36, in the ids of the streams an event opens (payments, referrals), so
    /// that two generators of different seeds appending to one log never reuse an id.
    let tag: String
    static let regions = ["350203", "350205", "350206", "350211", "350212", "350213", "350582", "330108", "620102", "640104"]
    static let occupations = ["电工", "焊工", "育婴员", "养老护理员", "中式烹调师", "电子商务师", "叉车司机", "美容师", "保安员", "缝纫工"]

    init(seed: UInt64, people: Int) {
        random = SplitMix64(seed: seed)
        tag = String(seed, radix: 36).uppercased()
        self.people = people
        organisations = (0..<500).map { i in
            let digits = String(100_000 + i)
            return CreditCode.withCheckCharacter("91350200MA3" + digits)!
        }
    }

    /// The resident ID of person `index`: a registration region, a birth date from 1960 to
    /// 2004, a sequence number, and the GB 11643 check character.
    static func residentID(_ index: Int) -> String {
        let region = regions[index % regions.count]
        let birth = LocalDate(year: 1960, month: 1, day: 1)!.adding(days: (index * 7919) % 16_000)
        let pad = { (v: Int, w: Int) -> String in String(repeating: "0", count: w - String(v).count) + String(v) }
        let first17 = region + pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2) + pad(index % 1000, 3)
        return ResidentID.withCheckCharacter(first17)!
    }

    mutating func uuid() -> String {
        counter += 1
        let a = random.next(), b = counter
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: a >> ($0 * 8)) } + (0..<8).map { UInt8(truncatingIfNeeded: b >> ($0 * 8)) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUIDText.format(bytes)
    }

    mutating func pick<T>(_ array: [T]) -> T { array[Int(random.next() % UInt64(array.count))] }
    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }

    mutating func next() -> Item {
        let personIndex = int(0..<people)
        let person = Self.residentID(personIndex)
        let employer = organisations[personIndex % organisations.count]
        let month = YearMonth(year: 2024, month: 1)!.adding(months: int(0..<24))
        let date = month.firstDay.adding(days: int(0..<28))
        let roll = int(0..<100)
        var stream: String
        var type: String
        var version: Int64 = 1
        var data: JSONObject
        switch roll {
        case 0..<55:
            type = "employment.month-recorded"
            stream = "employment:\(employer):\(personIndex)"
            data = JSONObject([
                "employee": .string(person), "employer": .string(employer), "month": .string(month.description),
                "socialInsurancePaid": .bool(int(0..<10) > 0), "pensionPaid": .bool(int(0..<10) > 0), "insuredIn": "350200",
            ])
        case 55..<63:
            type = "certificate.issued"
            version = 2
            let number = "S35020020\(int(10..<99))\(String(counter).suffix(6))"
            stream = "certificate:\(number)"
            data = JSONObject([
                "certificateNumber": .string(number), "holder": .string(person), "kind": "skill-level",
                "occupation": .string(pick(Self.occupations)), "level": .string(pick(["L5", "L4", "L4", "L3", "L2"])),
                "issuer": "厦门市职业技能鉴定指导中心", "classId": .string("XM-2024-\(personIndex % 4000)"),
            ])
        case 63..<71:
            type = "training.enrolled"
            stream = "class:XM-2024-\(personIndex % 4000)"
            data = JSONObject(["classId": .string("XM-2024-\(personIndex % 4000)"), "trainee": .string(person), "employer": .string(employer)])
        case 71..<77:
            type = "training.completed"
            stream = "class:XM-2024-\(personIndex % 4000)"
            data = JSONObject([
                "classId": .string("XM-2024-\(personIndex % 4000)"), "trainee": .string(person),
                "attendedHours": .integer(Int64(int(40..<120))), "offlineHours": .integer(Int64(int(20..<40))),
            ])
        case 77..<83:
            type = "training.assessed"
            stream = "class:XM-2024-\(personIndex % 4000)"
            data = JSONObject([
                "classId": .string("XM-2024-\(personIndex % 4000)"), "trainee": .string(person),
                "result": .string(int(0..<10) > 1 ? "passed" : "failed"), "assessor": "厦门市职业技能鉴定指导中心",
                "score": .integer(Int64(int(40..<100))),
            ])
        case 83..<87:
            type = "employment.started"
            stream = "employment:\(employer):\(personIndex)"
            data = JSONObject([
                "employee": .string(person), "employer": .string(employer), "contract": "fixed-term",
                "contractMonths": .integer(Int64(pick([12, 24, 36]))), "labourDispatch": .bool(int(0..<10) == 0),
                "firstTimeInCity": .bool(int(0..<3) == 0), "division": "350206",
            ])
        case 87..<90:
            type = "referral.made"
            // A referral opens its stream: each has a number of its own.
            stream = "referral:\(organisations[0]):R\(tag)-\(counter)"
            data = JSONObject([
                "agency": .string(organisations[0]), "worker": .string(person), "employer": .string(employer),
                "firstTimeInCity": true, "originRegion": "甘肃省兰州市",
            ])
        case 90..<94:
            type = "person.group-joined"
            stream = "person:\(person)"
            data = JSONObject([
                "person": .string(person), "group": .string(pick(["migrant-worker", "registered-unemployed", "veteran", "poverty-relieved"])),
                "since": .string(date.description), "recognisedBy": "厦门市思明区人力资源和社会保障局",
            ])
        default:
            type = "disbursement.made"
            let id = "PAY-\(tag)-\(counter)"
            stream = "disbursement:\(id)"
            data = JSONObject([
                "disbursementId": .string(id), "clause": "XM-2023-187/(九)-b",
                "payee": ["kind": "agency", "organisation": .string(organisations[0])], "amount": 100_000,
                "subject": .string(person), "voucher": .string("V\(counter)"),
            ])
        }
        let submission = JSONObject([
            "eventId": .string(uuid()), "streamId": .string(stream), "type": .string(type),
            "schemaVersion": .integer(version), "occurredAt": .string(date.description), "actor": "bench-feed",
            "source": "synthetic-city", "data": .object(data),
        ])
        return Item(line: CanonicalJSON.encode(.object(submission)), streamID: stream, submission: submission)
    }
}

/// SplitMix64: small, fast and deterministic on every platform.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
