import Foundation
import Testing

@testable import GrantLedgerEvents

/// Every definition's examples, checked against the log's own validation, decoding and
/// personal-data rules. The same files are cross-checked against the JSON Schemas by
/// Tools/check-schemas.py.
@Suite struct CatalogExampleTests {
    @Test(arguments: allKeys)
    func validExampleIsAcceptedAndDecodes(key: EventTypeKey) throws {
        let value = try parsePackageFile(examplePath(key, valid: true))
        let submission = try EventSubmission.parse(value, catalog: catalog).get()
        #expect(submission.type == key.type && submission.schemaVersion == key.version)
        let definition = try #require(catalog.definitions[key])
        #expect(definition.validate(.object(submission.data)) == [])

        let payload = try catalog.decode(type: key.type, version: key.version, data: submission.data)
        let payloadType = try #require(catalog.payloadTypes[key.type])
        #expect(type(of: payload) == payloadType)
        // The Swift struct and the current definition must name the same fields (an old version
        // decodes into the current struct, so compare with the current definition).
        let labels = Set(Mirror(reflecting: payload).children.compactMap(\.label))
        #expect(labels == Set(payloadType.definition.fields.map(\.name)))
    }

    @Test(arguments: allKeys)
    func invalidExamplesFailWhereTheySay(key: EventTypeKey) throws {
        let cases = try #require(try parsePackageFile(examplePath(key, valid: false)).arrayValue)
        #expect((1...3).contains(cases.count))
        #expect(cases.contains { $0.objectValue?["schemaDetects"] == true }, "no case a JSON Schema can detect")
        for (i, value) in cases.enumerated() {
            let example = try #require(value.objectValue, "case \(i) is not an object")
            #expect(Set(example.keys) == ["why", "expect", "schemaDetects", "event"], "case \(i)")
            let why = try #require(example["why"]?.stringValue)
            let path = try #require(example["expect"]?.objectValue?["path"]?.stringValue)
            let contains = try #require(example["expect"]?.objectValue?["contains"]?.stringValue)
            #expect(example["schemaDetects"]?.boolValue != nil)
            #expect(!why.isEmpty && !contains.isEmpty)
            let event = try #require(example["event"])
            #expect(event.objectValue?["type"] == .string(key.type) || path == "$.type", "case \(i) is about another type")
            let found = issues(event)
            #expect(found.contains { $0.path == path && $0.message.contains(contains) },
                "case \(i) (\(why)): expected \(path) containing \"\(contains)\", got \(found)")
        }
    }

    @Test func everyDefinitionHasBothExamplesAndNoExampleIsOrphaned() throws {
        let directory = packageRoot.appendingPathComponent(EventSchemaFiles.directory + "/examples").path
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        var expected: Set<String> = [URL(fileURLWithPath: EventSchemaFiles.exampleLogName).lastPathComponent]
        for key in allKeys {
            for valid in [true, false] {
                let name = EventSchemaFiles.exampleName(for: key, valid: valid)
                expected.insert(name)
                #expect(names.contains(name), "missing examples/\(name)")
            }
        }
        #expect(names.subtracting(expected).isEmpty, "examples for no definition: \(names.subtracting(expected).sorted())")
    }

    /// The examples tell one story with one cast, so they read back by person.
    @Test func examplesUseTheCast() throws {
        let people: Set<String> = [
            "35020319900101123X", "350205198805122013", "350582198506150021", "330108199803040019", "620102199507071233",
        ]
        let organisations: Set<String> = [
            "91350200MA31XM001A", "52350203MJ0000001R", "91350582MA2XJJ001R", "91350200MA31XM002D",
            "12350200MB00000014", "91330108MA2BJ00017", "51350200MJ1000002T",
        ]
        var named: Set<String> = []
        for (key, value) in try loadValidExamples() {
            let data = try #require(value.objectValue?["data"]?.objectValue)
            let definition = try #require(catalog.definitions[key])
            let parts = definition.separatingPersonalData(data) { $0.digits }
            for party in parts.parties {
                let cast = party.kind == .person ? people : organisations
                #expect(cast.contains(party.id), "\(key) names \(party.kind) \(party.id), who is not in the cast")
                named.insert(party.id)
            }
            if let stream = value.objectValue?["streamId"]?.stringValue, let person = StreamID.personKey(stream) {
                #expect(people.contains(person.digits), "\(key) streams to a person outside the cast")
            }
        }
        #expect(people.subtracting(named).isEmpty, "never named: \(people.subtracting(named).sorted())")
    }

    /// Appending examples/valid.jsonl line by line into an empty log succeeds: event ids are
    /// unique and every expectedVersion holds when its line is appended.
    @Test func exampleLogAppendsCleanlyInOrder() throws {
        let text = try #require(packageFile(EventSchemaFiles.directory + "/" + EventSchemaFiles.exampleLogName))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        var versions: [String: Int64] = [:]
        var eventIDs: Set<String> = []
        var seenTypes: Set<EventTypeKey> = []
        var registrationsOver = false
        for (number, line) in lines.dropLast().enumerated() {
            let submission = try EventSubmission.parse(try JSONParser.parse(String(line)), catalog: catalog).get()
            #expect(eventIDs.insert(submission.eventID).inserted, "line \(number + 1): event id used twice")
            seenTypes.insert(EventTypeKey(type: submission.type, version: submission.schemaVersion))
            let isRegistration = submission.type.hasSuffix(".registered")
            #expect(!(isRegistration && registrationsOver), "line \(number + 1): a registration after the story began")
            registrationsOver = registrationsOver || !isRegistration
            let current = versions[submission.streamID]
            switch submission.expectedVersion {
            case .any: break
            case .noStream: #expect(current == nil, "line \(number + 1): \(submission.streamID) already exists")
            case .exactly(let expected): #expect(current == expected, "line \(number + 1): \(submission.streamID) is at \(current ?? 0)")
            }
            versions[submission.streamID] = (current ?? 0) + 1
        }
        // Every type intake tools send; the service's own (the business day) is not in the story.
        #expect(seenTypes == Set(allKeys.filter { EventCatalog.standard.definitions[$0]?.recordedBy != .service }))
    }

    @Test func definitionsAreConsistent() {
        for definition in catalog.definitions.values {
            let names = definition.fields.map(\.name)
            #expect(Set(names).count == names.count, "\(definition.key) repeats a field")
            #expect(definition.type.split(separator: ".").count == 2, "\(definition.key)")
            #expect(definition.stream.contains(":"), "\(definition.key)")
            #expect(catalog.currentVersion(of: definition.type).map { definition.version <= $0 } == true)
        }
        for (type, payload) in catalog.payloadTypes {
            #expect(payload.definition.type == type)
            #expect(catalog.versions(of: type).last == payload.definition.version)
        }
    }
}
