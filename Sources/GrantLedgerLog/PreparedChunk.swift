import Dispatch
import GrantLedgerEvents

/// A chunk of lines being prepared (parsed, validated, pseudonymised, encoded) for appending,
/// on a background queue or inline.
final class PreparedChunk: @unchecked Sendable {
    // Written once by the preparing closure before `group.leave()`, read only after
    // `group.wait()`: the group orders the two.
    private var results: [AppendBatch.Prepared] = []
    private let group = DispatchGroup()
    private static let queue = DispatchQueue(label: "grantledger.append.prepare", qos: .userInitiated)

    init(_ lines: [SubmissionLine], catalog: EventCatalog, pseudonymizer: Pseudonymizer?, inBackground: Bool) {
        let work: @Sendable () -> Void = { [self] in
            results = lines.map { AppendBatch.prepare($0, catalog: catalog, pseudonymizer: pseudonymizer) }
        }
        if inBackground {
            group.enter()
            Self.queue.async {
                work()
                self.group.leave()
            }
        } else {
            work()
        }
    }

    func wait() -> [AppendBatch.Prepared] {
        group.wait()
        return results
    }
}
