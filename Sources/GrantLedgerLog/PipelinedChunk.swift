import Dispatch

/// One chunk of a two-stage pipeline: its work runs on a background queue (or inline, for a
/// chunk too small to be worth a thread hop) while the caller handles the previous chunk.
/// Appending uses it to prepare lines while inserting; reading, to decode while scanning.
final class PipelinedChunk<Output: Sendable>: @unchecked Sendable {
    // Written once by the work closure before `group.leave()`, read only after `group.wait()`:
    // the group orders the two.
    private var results: [Output] = []
    private let group = DispatchGroup()

    init(inBackground: Bool, _ work: @escaping @Sendable () -> [Output]) {
        if inBackground {
            group.enter()
            pipelineQueue.async {
                self.results = work()
                self.group.leave()
            }
        } else {
            results = work()
        }
    }

    func wait() -> [Output] {
        group.wait()
        return results
    }
}

/// One serial queue: the pipeline's second stage needs one core, and the caller keeps the other.
private let pipelineQueue = DispatchQueue(label: "grantledger.pipeline", qos: .userInitiated)
