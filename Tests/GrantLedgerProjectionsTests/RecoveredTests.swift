import Foundation
import GRDB
import GrantLedgerEvents
import GrantLedgerLog
import SyntheticCity
import Testing
@testable import GrantLedgerProjections

/// What was recovered under a payment key, as the store answers it through its indexes,
/// against the rule worked out here from every clawback: each counts under its payment's key,
/// or, when its payment is not kept, under its own clause and payee (a key without subject).
@Suite struct RecoveredTests {
    @Test("the amount recovered under each key equals the rule applied to every clawback, kept payments and unknown ones alike")
    func recoveredByKey() async throws {
        let ledger = try await TestLedger()
        try await ledger.append(RunnerTests.everything() + Array(SyntheticCity(seed: 11, people: 300, months: 30).lines))
        try ledger.projections.catchUp()
        try ledger.projections.backend.read(.live) { store in
            let db = ((store as! SQLProjectionStore).db as! SQLiteProjectionConnection).db
            let keys = Dictionary(try Row.fetchAll(db, sql: "SELECT disbursement_id, match_key FROM proj_disbursements")
                .map { (row: Row) -> (String, String) in (row[0], row[1]) }, uniquingKeysWith: { first, _ in first })
            var expected: [String: Int64] = [:]
            var unknown = 0
            for clawback in try store.clawbacks() {
                let kept = clawback.disbursementID.flatMap { keys[$0] }
                if kept == nil { unknown += 1 }
                expected[kept ?? "\(clawback.clause)|\(clawback.payeeID)|", default: 0] += clawback.recovered
            }
            #expect(unknown > 0 && unknown < expected.count, "clawbacks of kept payments and of unknown ones")
            #expect(expected.values.contains { $0 > 0 })
            for key in Set(expected.keys).union(keys.values).union(["no|such|key", "XM-2023-187/(一)-a|nobody|"]) {
                #expect(try store.recovered(matchKey: key) == expected[key, default: 0], "\(key)")
            }
        }
    }
}
