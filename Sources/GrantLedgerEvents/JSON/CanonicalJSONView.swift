/// Chosen values read straight from canonical JSON bytes, without building a ``JSONValue`` tree.
///
/// For code that wants a few members of a stored event's data (the people and organisations it
/// names) rather than its typed payload. Like ``CanonicalJSONDecoder`` it is meant for data the
/// log wrote: input it does not expect (an escaped key, a truncated value) makes it throw, and
/// the caller then reads the data the exact way, through ``JSONParser``.
public struct CanonicalJSONView {
    private let source: ByteSource
    private let start: Int

    public init(canonical bytes: [UInt8]) {
        let source = ByteSource(bytes)
        var start = 0
        source.skipWhitespace(&start)
        self.init(source: source, start: start)
    }

    private init(source: ByteSource, start: Int) {
        self.source = source
        self.start = start
    }

    /// The string this value is; nil when it is another kind of value.
    public func string() throws -> String? {
        guard try source.byte(at: start) == UInt8(ascii: "\"") else { return nil }
        return try source.string(at: start)
    }

    /// The boolean this value is; nil when it is another kind of value. (In the valid JSON the
    /// log stores, a value that begins with `t` or `f` is `true` or `false`.)
    public func bool() throws -> Bool? {
        switch try source.byte(at: start) {
        case UInt8(ascii: "t"): true
        case UInt8(ascii: "f"): false
        default: nil
        }
    }

    /// The members of the object this value is; nil when it is another kind of value.
    public func object() throws -> Object? {
        guard try source.byte(at: start) == UInt8(ascii: "{") else { return nil }
        return Object(source: source, members: try source.members(ofObjectAt: start))
    }

    /// The elements of the array this value is; nil when it is another kind of value.
    public func elements() throws -> [CanonicalJSONView]? {
        guard try source.byte(at: start) == UInt8(ascii: "[") else { return nil }
        return try source.elements(ofArrayAt: start).map { CanonicalJSONView(source: source, start: $0) }
    }

    public struct Object {
        fileprivate let source: ByteSource
        fileprivate let members: [ByteSource.Member]

        /// The member named `name`, or nil when there is none.
        public subscript(name: String) -> CanonicalJSONView? {
            source.find(name, in: members).map { CanonicalJSONView(source: source, start: $0) }
        }
    }
}
