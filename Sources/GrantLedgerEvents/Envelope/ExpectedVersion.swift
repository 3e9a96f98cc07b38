/// What a sender expects of a stream when appending to it (optimistic concurrency).
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No expectation: append at the stream's next version.
    case any
    /// The stream must not exist yet (`"expectedVersion": "none"`).
    case noStream
    /// The stream's current version must be exactly this (`"expectedVersion": 3`).
    case exactly(Int64)

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "none (a new stream)"
        case .exactly(let v): "version \(v)"
        }
    }
}
