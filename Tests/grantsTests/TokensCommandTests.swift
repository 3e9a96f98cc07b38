import Foundation
import Testing

/// `grants tokens create|list|revoke`.
@Suite("grants tokens")
struct TokensCommandTests {
    @Test("create prints the token once; list shows its role and scope but never the secret; revoke ends it")
    func lifecycle() async throws {
        let directory = try await LedgerDirectory.initialised()
        let created = try await directory.grants("tokens", "create", "--role", "caseworker", "--scope", "陈埭镇人民政府", "--label", "陈埭镇 case workers")
        #expect(created.status == 0, "\(created)")
        let bearer = try #require(created.stdoutLines.first)
        #expect(bearer.wholeMatch(of: /glt_[0-9a-f]{12}_[0-9a-f]{64}/) != nil)
        let id = String(bearer.split(separator: "_")[1])
        #expect(created.stdoutLines.last == "token \(id): caseworker, scope 陈埭镇. Keep it now: it is not shown again.")

        let list = try await directory.grants("tokens", "list")
        #expect(list.stdoutLines.count == 2)
        #expect(list.stdoutLines[1].hasPrefix("\(id)  caseworker  陈埭镇"))
        #expect(!list.stdout.contains(String(bearer.split(separator: "_")[2])))
        let json = try ProjectionCommandsTests.objects(try await directory.grants("tokens", "list", "--json"))
        #expect(json.first?["role"] as? String == "caseworker" && json.first?["revokedAt"] == nil)

        let revoked = try await directory.grants("tokens", "revoke", id)
        #expect(revoked.status == 0 && revoked.stdout.hasPrefix("token \(id) revoked at "))
        let after = try ProjectionCommandsTests.objects(try await directory.grants("tokens", "list", "--json"))
        #expect(after.first?["revokedAt"] is String)
        #expect(try await directory.grants("verify").status == 0, "the tokens table leaves the ledger intact")
    }

    @Test("an unknown scope, role or id is refused with what to do")
    func refusals() async throws {
        let directory = try await LedgerDirectory.initialised()
        let scope = try await directory.grants("tokens", "create", "--role", "caseworker", "--scope", "晋江县")
        #expect(scope.status == 1)
        #expect(scope.stderr.contains("--scope 晋江县: 晋江县 is not a place of the policy catalog; did you mean 晋江市?"))
        let role = try await directory.grants("tokens", "create", "--role", "root")
        #expect(role.status == 64)
        #expect(role.stderr.contains("root"))
        let id = try await directory.grants("tokens", "revoke", "nope")
        #expect(id.status == 1)
        #expect(id.stderr.contains("no token has the id nope: see `grants tokens list`"))
        #expect(try await directory.grants("tokens", "list").stdout.hasPrefix("No tokens."))
    }
}
