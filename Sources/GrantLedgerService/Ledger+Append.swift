import GrantLedgerEvents
import GrantLedgerLog
import GrantLedgerPolicy
import GrantLedgerProjections

/// Where the projections stand after an append or import has committed. Never an error:
/// the events are in the log whatever happens to the projections.
public enum CatchUpOutcome: Sendable {
    case updated(Projections.CatchUpReport)
    /// The policy catalog did not load; the next question asked once it loads catches up.
    case catalogFailed(PolicyCatalogError)
    /// Catching up failed; the next question (or a rebuild) catches up.
    case failed(any Error)
}

/// An append: its report, line by line, and where the projections stand (nil when a line
/// was rejected and nothing was written).
public struct AppendOutcome: Sendable {
    public let report: AppendReport
    public let projections: CatchUpOutcome?
}

extension Ledger {
    /// Appends every line as one transaction, all or none, then catches the projections up.
    ///
    /// `committed` runs once the events are in the log and before the projections are
    /// touched, so that a front end can acknowledge the append first: a catch-up that is slow
    /// or fails does not hold back, or undo, the answer that the events are recorded.
    ///
    /// With `catchUp` false the projections are left to whoever keeps them current (the
    /// service's background catch-up), and the outcome's `projections` is nil.
    public func append(_ lines: some Sequence<SubmissionLine>, catchUp: Bool = true, committed: (AppendReport) -> Void = { _ in }) async throws -> AppendOutcome {
        let report = try await log.append(lines)
        guard report.isComplete else { return AppendOutcome(report: report, projections: nil) }
        committed(report)
        return AppendOutcome(report: report, projections: catchUp ? self.catchUp() : nil)
    }

    /// Appends one event and catches up; a refused event is an error: a
    /// ``LedgerError/conflict(stream:expected:actual:)`` when its expected version did not
    /// hold, else ``LedgerError/rejected(_:)`` with each problem. A duplicate is no error.
    @discardableResult
    public func append(_ submission: EventSubmission) async throws -> AppendOutcome {
        let outcome = try await append([SubmissionLine(number: 1, bytes: CanonicalJSON.encode(submission.jsonValue))])
        guard outcome.report.isComplete else {
            let issues = outcome.report.issues
            if issues.contains(where: { $0.path == "$.expectedVersion" }) {
                let stream = try storedStreamID(submission.streamID)
                let actual = try await log.read { try await $0.version(ofStream: stream) }
                throw LedgerError.conflict(stream: stream, expected: submission.expectedVersion, actual: actual)
            }
            throw LedgerError.rejected(issues)
        }
        return outcome
    }

    /// A stream id as the log stores it: a person's stream under their pseudonym, never their resident ID.
    func storedStreamID(_ streamID: String) throws -> String {
        guard let person = StreamID.personKey(streamID) else { return streamID }
        return "person:" + (try eventPartyKey(for: person.digits))
    }

    /// Brings the projections up to the log's head; see ``CatchUpOutcome``. Each transaction
    /// applies at most `batchSize` events: a service catching up beside appends keeps it small,
    /// so an append waits for one short batch, not a long one.
    public func catchUp(batchSize: Int = Projections.batchSize, continuing: () -> Bool = { true }) -> CatchUpOutcome {
        let catalog: PolicyCatalog
        switch loadedPolicies {
        case .success(let loaded): catalog = loaded
        case .failure(let error): return .catalogFailed(error)
        }
        do {
            return .updated(try Projections(log: log, policies: catalog).catchUp(batchSize: batchSize, continuing: continuing))
        } catch {
            return .failed(error)
        }
    }

    /// Takes the lease of keeping this ledger's projections current, or nil when another
    /// process (another service instance on the same PostgreSQL ledger) holds it; see
    /// ``CatchUpLease``. A blocking call, for a caller's pool.
    public func takeCatchUpLease() throws -> CatchUpLease? { try Projections.takeCatchUpLease(of: log) }
}
