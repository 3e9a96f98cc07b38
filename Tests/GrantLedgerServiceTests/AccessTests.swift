import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
@testable import GrantLedgerService
import Testing

/// API tokens and what each role may do where.
@Suite("access: tokens, roles and scopes")
struct AccessTests {
    static let catalog = try! PolicyCatalog.bundled()

    func ledger() async throws -> (EventLog, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("ledger.sqlite").path
        return (try await EventLog.create(at: path, clauses: .shapeOnly), path)
    }

    @Test("a token is shown once, stored as a digest, authenticates to its grant, and stops when revoked")
    func lifecycle() async throws {
        let (log, path) = try await ledger()
        let store = try TokenStore(log: log)
        let issued = try store.create(role: .caseworker, scope: "晋江市", label: "Jinjiang case workers", catalog: Self.catalog.places)
        #expect(issued.bearer.wholeMatch(of: /glt_[0-9a-f]{12}_[0-9a-f]{64}/) != nil)
        let grant = try store.authenticate(issued.bearer)
        #expect(grant == Grant(tokenID: issued.record.id, role: .caseworker, scope: "晋江市"))
        #expect(try store.list().map(\.id) == [issued.record.id])

        // Neither the secret nor the whole bearer string is anywhere in the file.
        try await log.storage.write { _ in }
        let secret = String(issued.bearer.split(separator: "_")[2])
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
        }

        let revoked = try store.revoke(id: issued.record.id)
        #expect(revoked.revokedAt != nil)
        #expect(throws: AccessError.revoked(tokenID: issued.record.id)) { try store.authenticate(issued.bearer) }
        #expect(try store.revoke(id: issued.record.id).revokedAt == revoked.revokedAt, "revoking again changes nothing")
        #expect(throws: TokenStoreError.notFound("000000000000")) { try store.revoke(id: "000000000000") }
    }

    @Test("missing, malformed, unknown and wrong-secret tokens are refused as unauthenticated")
    func refusals() async throws {
        let (log, _) = try await ledger()
        let store = try TokenStore(log: log)
        #expect(throws: AccessError.missingToken) { try store.authenticate(nil) }
        #expect(throws: AccessError.missingToken) { try store.authenticate("") }
        #expect(throws: AccessError.malformedToken) { try store.authenticate("secret") }
        #expect(throws: AccessError.malformedToken) { try store.authenticate("glt_XYZ_abc") }
        let unknown = "glt_" + String(repeating: "a", count: 12) + "_" + String(repeating: "b", count: 64)
        #expect(throws: AccessError.unknownToken(tokenID: String(repeating: "a", count: 12))) { try store.authenticate(unknown) }
        let issued = try store.create(role: .auditor, scope: nil, label: nil, catalog: Self.catalog.places)
        let wrong = "glt_\(issued.record.id)_" + String(repeating: "0", count: 64)
        #expect(throws: AccessError.unknownToken(tokenID: issued.record.id)) { try store.authenticate(wrong) }
        for error in [AccessError.missingToken, .malformedToken, .unknownToken(tokenID: nil), .revoked(tokenID: "x")] {
            #expect(error.isUnauthenticated)
        }
    }

    @Test("a scope must be a place of the catalog, stored as the catalog names it")
    func scopes() async throws {
        let (log, _) = try await ledger()
        let store = try TokenStore(log: log)
        #expect(try store.create(role: .caseworker, scope: "青阳街道办事处", label: nil, catalog: Self.catalog.places).record.scope == "青阳街道")
        #expect(try store.create(role: .caseworker, scope: "350203", label: nil, catalog: Self.catalog.places).record.scope == "思明区")
        #expect(throws: TokenStoreError.unknownScope("晋江县", suggestions: ["晋江市"])) {
            try store.create(role: .caseworker, scope: "晋江县", label: nil, catalog: Self.catalog.places)
        }
        #expect(throws: TokenStoreError.badLabel("has control characters")) {
            try store.create(role: .intake, scope: nil, label: "a\u{7}b", catalog: Self.catalog.places)
        }
    }

    /// Every role against every operation: what the issue grants each party, and nothing else.
    static let expected: [Role: Set<Permission>] = [
        .intake: [.append, .importFeed],
        .caseworker: [.readPeople, .readEntitlements, .readPayouts, .timeline, .explain, .whyNot],
        .auditor: [.readEvents, .readPeople, .readEntitlements, .readPayouts, .timeline, .explain, .whyNot, .performance, .funds,
                   .findings, .verify, .rebuild],
        .manager: [.performance, .funds, .dashboard],
        .admin: [.manageTokens],
    ]

    @Test("the role matrix: every role against every operation", arguments: Role.allCases)
    func matrix(_ role: Role) throws {
        let grant = Grant(tokenID: "t", role: role, scope: nil)
        for permission in Permission.allCases {
            let allowed = Self.expected[role]!.contains(permission)
            #expect(grant.allows(permission) == allowed, "\(role) \(permission)")
            if allowed {
                try grant.authorize(permission, in: Self.catalog.places)
            } else {
                #expect(throws: AccessError.roleLacks(tokenID: "t", role: role, permission: permission)) {
                    try grant.authorize(permission, in: Self.catalog.places)
                }
            }
        }
    }

    @Test("a Jinjiang case worker covers Jinjiang's towns, streets and codes, never a Xiamen or unplaced person")
    func scopeCoverage() throws {
        let places = Self.catalog.places
        let jinjiang = Grant(tokenID: "t", role: .caseworker, scope: "晋江市")
        #expect(jinjiang.covers(["陈埭镇"], in: places))
        #expect(jinjiang.covers(["青阳街道办事处"], in: places))
        #expect(jinjiang.covers(["350582"], in: places))
        #expect(jinjiang.covers(["思明区", "陈埭镇"], in: places), "registered in both")
        #expect(!jinjiang.covers(["思明区"], in: places))
        #expect(!jinjiang.covers(["350203"], in: places))
        #expect(!jinjiang.covers([String](), in: places), "no known place: outside every limited scope")
        #expect(throws: AccessError.outOfScope(tokenID: "t", scope: "晋江市")) {
            try jinjiang.authorize(.timeline, on: ["思明区"], in: places)
        }
        let town = Grant(tokenID: "t", role: .caseworker, scope: "陈埭镇")
        #expect(town.covers(["陈埭镇人民政府"], in: places))
        #expect(!town.covers(["安海镇"], in: places))
        #expect(!town.covers(["晋江市"], in: places), "a person registered only at the city level is not a town's")
        #expect(Grant(tokenID: "t", role: .auditor, scope: nil).covers([String](), in: places))
    }
}
