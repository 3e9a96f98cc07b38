import Foundation
import SyntheticCity
import Testing

@testable import GrantLedgerEvents

@Suite struct PersonalDataTests {
    /// A stand-in for the log's keyed pseudonym: FNV-1a of the ID in hex, padded with letters,
    /// so that it has the pseudonym's shape but can never contain a resident ID.
    static func pseudonym(_ id: ResidentID) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.digits.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "P" + String(repeating: "0", count: 16 - hex.count) + hex + "abcdefab"
    }

    @Test func replacesTheResidentIDAndTakesTheNameOut() throws {
        let data = object([
            "person": "35020319900101123X", "name": "陈建华", "hukouDivision": "同安区汀溪镇", "registeredIn": "思明区",
        ])
        let (stored, people, parties) = PersonRegistered.definition.separatingPersonalData(data, pseudonym: Self.pseudonym)
        let expectedPseudonym = Self.pseudonym(try ResidentID(validating: "35020319900101123X"))
        #expect(Pseudonym.isPseudonym(expectedPseudonym))
        #expect(stored == object([
            "person": .string(expectedPseudonym), "hukouDivision": "同安区汀溪镇", "registeredIn": "思明区",
        ]))
        #expect(people == [PersonReference(
            residentID: try ResidentID(validating: "35020319900101123X"), pseudonym: expectedPseudonym, name: "陈建华")])
        #expect(parties == [PartyReference(kind: .person, id: expectedPseudonym)])
    }

    @Test func keepsAPseudonymThatWasSentAsIs() {
        let sent = "P0123456789abcdef01234567"
        let data = object(["person": .string(sent), "group": "veteran", "since": "2024-01-01"])
        let (stored, people, parties) = PersonGroupJoined.definition.separatingPersonalData(data, pseudonym: Self.pseudonym)
        #expect(stored == data)
        #expect(people == [PersonReference(residentID: nil, pseudonym: sent, name: nil)])
        #expect(parties == [PartyReference(kind: .person, id: sent)])
    }

    @Test func collectsPayeeSubjectAndOrganisations() throws {
        let data = object([
            "disbursementId": "XMCZ-2024-001234", "clause": "XM-2023-187/(一)-c", "amount": 150_000,
            "payee": ["kind": "worker", "person": "35020319900101123X"], "subject": "620102199507071233",
        ])
        let (stored, people, parties) = DisbursementMade.definition.separatingPersonalData(data, pseudonym: Self.pseudonym)
        let a = Self.pseudonym(try ResidentID(validating: "35020319900101123X"))
        let e = Self.pseudonym(try ResidentID(validating: "620102199507071233"))
        #expect(stored["payee"] == ["kind": "worker", "person": .string(a)])
        #expect(stored["subject"] == .string(e))
        #expect(Set(people.map(\.pseudonym)) == [a, e])
        #expect(people.allSatisfy { $0.name == nil })
        #expect(parties == [PartyReference(kind: .person, id: a), PartyReference(kind: .person, id: e)].sorted())

        let clawback = object([
            "clawbackId": "XM-ZH-2025-0007", "clause": "XM-2023-187/(一)-a", "amount": 3_200_000, "reason": "fraud",
            "orderedBy": "厦门市人力资源和社会保障局", "payee": ["kind": "institution", "organisation": "51350200MJ1000002T"],
        ])
        let separated = ClawbackOrdered.definition.separatingPersonalData(clawback, pseudonym: Self.pseudonym)
        #expect(separated.data == clawback)
        #expect(separated.people.isEmpty)
        #expect(separated.parties == [PartyReference(kind: .organisation, id: "51350200MJ1000002T")])
    }

    @Test func attachesEachNameToThePersonInItsOwnObject() throws {
        let definition = EventDefinition(
            type: "test.nested", title: "Nested", chinese: "嵌套", summary: "Test only.", stream: "test:<id>",
            fields: [
                .required("organiser", .organisation, "Organiser", zh: "组织单位"),
                .required("lead", .person, "Lead", zh: "负责人"),
                .required("leadName", .personName, "Lead's name", zh: "负责人姓名"),
                .required("members", .array(.object([
                    .required("member", .person, "Member", zh: "成员"),
                    .optional("memberName", .personName, "Member's name", zh: "成员姓名"),
                    .optional("employer", .organisation, "Employer", zh: "单位"),
                ]), minItems: 1), "Members", zh: "成员"),
                .optional("observers", .array(.person, minItems: 1), "Observers", zh: "观察员"),
                .optional("partners", .array(.organisation, minItems: 1), "Partners", zh: "合作单位"),
            ])
        let data = object([
            "organiser": "52350203MJ0000001R", "lead": "350205198805122013", "leadName": "林志明",
            "members": [
                ["member": "35020319900101123X", "memberName": "陈建华", "employer": "91350200MA31XM001A"],
                ["member": "P0123456789abcdef01234567"],
            ],
            "observers": ["330108199803040019"], "partners": ["91330108MA2BJ00017"],
        ])
        #expect(definition.validate(.object(data)).isEmpty)
        let (stored, people, parties) = definition.separatingPersonalData(data, pseudonym: Self.pseudonym)
        func p(_ id: String) throws -> String { Self.pseudonym(try ResidentID(validating: id)) }

        let names = Dictionary(uniqueKeysWithValues: people.map { ($0.pseudonym, $0.name) })
        #expect(names == [
            try p("350205198805122013"): "林志明", try p("35020319900101123X"): "陈建华",
            "P0123456789abcdef01234567": nil, try p("330108199803040019"): nil,
        ])
        #expect(stored["leadName"] == nil)
        #expect(stored["members"]?.arrayValue?.first?.objectValue?["memberName"] == nil)
        #expect(stored["members"]?.arrayValue?.first?.objectValue?["member"] == .string(try p("35020319900101123X")))
        #expect(stored["observers"] == [.string(try p("330108199803040019"))])
        #expect(Set(parties.filter { $0.kind == .organisation }.map(\.id))
            == ["52350203MJ0000001R", "91350200MA31XM001A", "91330108MA2BJ00017"])
        #expect(parties.filter { $0.kind == .person }.count == 4)
        // Nothing that looks like a resident ID is left in what the log stores.
        #expect(Pseudonym.embeddedResidentID(in: CanonicalJSON.string(.object(stored))) == nil)
    }

    /// Every valid example, separated, keeps no resident ID and no name.
    @Test func storesNoResidentIDOrNameForAnyExample() throws {
        for (key, value) in try loadValidExamples() {
            let data = try #require(value.objectValue?["data"]?.objectValue)
            let definition = try #require(catalog.definitions[key])
            let (stored, _, _) = definition.separatingPersonalData(data, pseudonym: Self.pseudonym)
            let text = CanonicalJSON.string(.object(stored))
            #expect(Pseudonym.embeddedResidentID(in: text) == nil, "\(key)")
            #expect(!text.contains("陈建华"), "\(key)")
        }
    }
}

/// `verify` reads the parties of stored data with `parties(inStored:)`, without rebuilding it:
/// they are the ones the append indexed, for every event of the examples and of a city.
@Suite struct StoredPartiesTests {
    @Test func theStoredDataNamesThePartiesTheAppendIndexed() throws {
        let catalog = EventCatalog.standard
        let examples = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("EventSchemas/examples/valid.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { Array($0.utf8) }
        var checked = 0
        for line in examples + Array(SyntheticCity(seed: 5, people: 80, months: 14)) {
            guard case .object(let envelope) = try JSONParser.parse(line), case .object(let data)? = envelope["data"],
                  let type = envelope["type"]?.stringValue, case .integer(let version)? = envelope["schemaVersion"],
                  let definition = catalog.definition(type: type, version: Int(version))
            else { Issue.record("not an event: \(String(decoding: line, as: UTF8.self))"); continue }
            let separated = definition.separatingPersonalData(data, pseudonym: PersonalDataTests.pseudonym)
            #expect(definition.parties(inStored: separated.data) == separated.parties, "\(type)")
            checked += 1
        }
        #expect(checked > 1_000)
    }
}
