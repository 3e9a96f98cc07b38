import GrantLedgerEvents
import GrantLedgerProjections

extension Moment {
    /// A moment from the text a person gives: a business date (`YYYY-MM-DD`), a recording
    /// time (`YYYY-MM-DDTHH:MM:SSZ`, or a date for its midnight UTC) and a log position, each
    /// optional; none is now.
    public static func parse(asOf: String?, knownAt: String?, position: Int64?) throws(LedgerError) -> Moment {
        var moment = Moment()
        if let asOf {
            guard let date = LocalDate(asOf) else { throw .badMoment(.asOf(asOf)) }
            moment.asOf = date
        }
        if let knownAt {
            guard let time = Timestamp(knownAt) else { throw .badMoment(.knownAt(knownAt)) }
            moment.knownAt = time
        }
        if let position {
            guard position >= 0 else { throw .badMoment(.position(position)) }
            moment.position = position
        }
        return moment
    }
}
