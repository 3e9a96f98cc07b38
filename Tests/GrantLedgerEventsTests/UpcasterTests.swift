import Testing

@testable import GrantLedgerEvents

@Suite struct UpcasterTests {
    static let version1: JSONObject = object([
        "certificateNumber": "S3505822020000456", "holder": "350582198506150021", "kind": "skill-level",
        "occupation": "制鞋工", "grade": "中级工", "issuer": "晋江市职业技能鉴定中心", "classId": "JJ-2020-0031",
    ])

    @Test func movesTheChineseGradeToALevel() throws {
        let upgraded = try catalog.upcast(Self.version1, type: "certificate.issued", from: 1)
        #expect(upgraded["level"] == "L4")
        #expect(upgraded["grade"] == nil)
        #expect(upgraded["holder"] == Self.version1["holder"])
        #expect(CertificateIssued.definition.validate(.object(upgraded)).isEmpty)
    }

    @Test(arguments: [
        ("初级工", "L5"), ("五级", "L5"), ("中级工", "L4"), ("四级", "L4"), ("高级工", "L3"), ("三级", "L3"),
        ("技师", "L2"), ("二级", "L2"), ("高级技师", "L1"), ("一级", "L1"),
    ])
    func mapsEveryGradeName(grade: String, level: String) throws {
        var data = Self.version1
        data["grade"] = .string(grade)
        #expect(try catalog.upcast(data, type: "certificate.issued", from: 1)["level"] == .string(level))
    }

    @Test func keepsCertificatesWithoutAGradeWithoutALevel() throws {
        var data = Self.version1
        data["grade"] = nil
        let upgraded = try catalog.upcast(data, type: "certificate.issued", from: 1)
        #expect(upgraded["level"] == nil)
    }

    @Test(arguments: ["L4", "中级", "", "4"] as [JSONValue] + [4, .null])
    func refusesAnUnknownGrade(grade: JSONValue) {
        var data = Self.version1
        data["grade"] = grade
        #expect {
            try catalog.upcast(data, type: "certificate.issued", from: 1)
        } throws: { error in
            guard let error = error as? UpcastError else { return false }
            return error.fromVersion == 1 && error.description.hasPrefix("cannot upgrade certificate.issued v1 to v2: unknown grade")
        }
    }

    @Test func leavesCurrentDataAloneAndRefusesUnknownTypes() throws {
        let current = object(["anything": 1])
        #expect(try catalog.upcast(current, type: "certificate.issued", from: 2) == current)
        #expect(throws: UpcastError.self) { try catalog.upcast(current, type: "certificate.reissued", from: 1) }
    }

    @Test func decodesVersion1IntoTheCurrentPayload() throws {
        let payload = try #require(try catalog.decode(type: "certificate.issued", version: 1, data: Self.version1) as? CertificateIssued)
        #expect(payload.level == .l4)
        #expect(payload.holder == "350582198506150021")
        #expect(payload.employer == nil)
    }
}
