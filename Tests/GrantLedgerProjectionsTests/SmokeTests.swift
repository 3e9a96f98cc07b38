import Testing
import GRDB
@testable import GrantLedgerProjections

@Suite struct SmokeTests {
    @Test func examplesProject() throws {
        let ledger = try TestLedger()
        try ledger.append(Examples.lines)
        let report = try ledger.projections.catchUp()
        print(report)
        let rows = try ledger.projections.database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, status, amount, scope FROM proj_entitlements ORDER BY id")
        }
        for row in rows { print(row) }
        print(try ledger.projections.digests())
        let again = try ledger.projections.rebuild()
        print(again.digests)
    }
}
