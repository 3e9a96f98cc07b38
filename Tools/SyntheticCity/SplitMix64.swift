/// SplitMix64: small, fast and deterministic on every platform, so that a seed gives the same
/// city everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range` (the modulo bias is negligible for the small ranges used here).
    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    /// True with probability `percent` / 100.
    public mutating func chance(_ percent: Int) -> Bool { int(0..<100) < percent }
    public mutating func pick<T>(_ array: [T]) -> T { array[int(0..<array.count)] }
}
