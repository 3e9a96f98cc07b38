/// The stored form of a person reference: `P` followed by 24 lower-case hex digits, a keyed
/// hash of the resident ID (computed by the log, which holds the key).
public enum Pseudonym {
    public static func isPseudonym(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 25, bytes.first == UInt8(ascii: "P") else { return false }
        return bytes.dropFirst().allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }

    /// Finds a valid resident ID hidden anywhere inside `text` (as a run of 17 digits and a
    /// check character). Returns the 1-based character range, for error messages.
    public static func embeddedResidentID(in text: String) -> ClosedRange<Int>? {
        // Most text has no run of 17 digits: decide that without allocating.
        var run = 0, longest = 0
        for byte in text.utf8 {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        guard longest >= 17 else { return nil }
        let bytes = Array(text.utf8)
        var runStart = 0
        var i = 0
        func isDigit(_ b: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
        while i < bytes.count {
            if isDigit(bytes[i]) {
                runStart = i
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                var end = i  // exclusive
                if end < bytes.count, bytes[end] == UInt8(ascii: "X") || bytes[end] == UInt8(ascii: "x") { end += 1 }
                if end - runStart >= 18 {
                    for start in runStart...(end - 18) {
                        let candidate = String(decoding: bytes[start..<start + 18], as: UTF8.self)
                        if ResidentID.isValid(candidate) {
                            let prefix = String(decoding: bytes[0..<start], as: UTF8.self).count
                            return (prefix + 1)...(prefix + 18)
                        }
                    }
                }
            } else {
                i += 1
            }
        }
        return nil
    }
}
