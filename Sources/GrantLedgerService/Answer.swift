import GrantLedgerEvents
import GrantLedgerProjections

/// What a question to the ledger found, and the state of the world it was answered in:
/// the projections' business date and log position, and the moment asked for.
public struct Answer<Value: Sendable>: Sendable {
    public let value: Value
    /// The business date the rules judged on; nil while the log is empty.
    public let asOf: LocalDate?
    /// The last log position the answer rests on.
    public let position: Int64
    public let moment: Moment

    public init(value: Value, asOf: LocalDate?, position: Int64, moment: Moment) {
        self.value = value
        self.asOf = asOf
        self.position = position
        self.moment = moment
    }
}

extension Ledger {
    /// Runs `body` on a reader for `moment`: the live projections for now (caught up, unless
    /// this ledger reads them as they stand), else a snapshot built in memory, of one person's
    /// scope only when `scope` names a person (a pseudonym), which is fast; of everything otherwise.
    ///
    /// `scope` runs once the projections are open, so that a catalog that fails to load is
    /// reported before anything about the party asked for.
    func answer<Value>(at moment: Moment, scope: () throws -> String? = { nil },
                       _ body: (ProjectionReader) throws -> Value) throws -> Answer<Value> {
        let projections = try projections()
        let party = try scope()
        let reader: ProjectionReader
        do {
            if moment.isNow, !catchesUpOnRead {
                guard let live = try projections.liveReader() else { throw LedgerError.projectionsNotReady }
                reader = live
            } else if moment.isNow, log.storage.isReadOnly {
                reader = try readOnlyReader(projections)
            } else {
                reader = try projections.reader(at: moment, party: moment.isNow ? nil : party)
            }
        } catch ProjectionError.positionBeyondHead(let position, let head) {
            throw LedgerError.positionBeyondHead(position, head: head)
        }
        return Answer(value: try body(reader), asOf: reader.asOf, position: reader.position, moment: moment)
    }

    /// The live projections for a lookup that only narrows a question (whose scope a snapshot
    /// needs): caught up, or as they stand (nil while never built) when this ledger does not
    /// catch up on reading.
    func liveReaderForLookup() throws -> ProjectionReader? {
        if log.storage.isReadOnly { return try readOnlyReader(try projections()) }
        return catchesUpOnRead ? try projections().reader() : try projections().liveReader()
    }

    /// Now, on a ledger that cannot be written: the live projections if they reach the log's
    /// head, else projections built in memory up to it, as a rebuild would build them.
    private func readOnlyReader(_ projections: Projections) throws -> ProjectionReader {
        let status = try projections.status()
        if status.exists, status.checkpoints.allSatisfy({ $0.position == status.head }), let live = try projections.liveReader() {
            return live
        }
        return try projections.reader(at: Moment(position: status.head))
    }
}
