import Crypto

/// The Merkle tree over the log, as RFC 9162 (Certificate Transparency 2.0) defines one: leaf
/// `i` is the event at position `i + 1`, hashed as SHA-256(0x00 ‖ event hash); an interior node
/// is SHA-256(0x01 ‖ left ‖ right); a tree of n > 1 leaves splits at the largest power of two
/// below n. A checkpoint signs the root; an inclusion proof is the audit path from one leaf to
/// it, which anyone can check with the event and a few dozen hashes, without the other events
/// (`Tools/verify-proof.py`).
public enum MerkleTree {
    public static func leafHash(_ eventHash: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: [0] + eventHash))
    }

    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: [1] + left + right))
    }

    /// The largest power of two smaller than `n` (n > 1): where a tree of n leaves splits.
    static func split(_ n: Int64) -> Int64 {
        var k: Int64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// The root of leaves given one at a time, in memory logarithmic in their number: a stack
    /// of the roots of complete subtrees, merged as they fill, folded from the right at the end.
    public struct Accumulator: Sendable {
        private var stack: [(size: Int64, hash: [UInt8])] = []
        public private(set) var count: Int64 = 0

        public init() {}

        public mutating func append(leaf: [UInt8]) {
            var node = (size: Int64(1), hash: leaf)
            while let last = stack.last, last.size == node.size {
                stack.removeLast()
                node = (last.size * 2, MerkleTree.nodeHash(last.hash, node.hash))
            }
            stack.append(node)
            count += 1
        }

        /// The root of the leaves so far; nil for none.
        public var root: [UInt8]? {
            guard var hash = stack.last?.hash else { return nil }
            for node in stack.dropLast().reversed() { hash = MerkleTree.nodeHash(node.hash, hash) }
            return hash
        }
    }

    /// The root an audit path leads to from `leaf` at `index` in a tree of `size` leaves
    /// (RFC 9162 §2.1.3.2), or nil when the path does not fit the index and size.
    public static func root(fromLeaf leaf: [UInt8], index: Int64, size: Int64, path: [[UInt8]]) -> [UInt8]? {
        guard index >= 0, index < size else { return nil }
        var fn = index, sn = size - 1, r = leaf
        for p in path {
            guard sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? r : nil
    }
}

extension EventLog {
    /// The root of the tree over positions 1...`size`.
    public func merkleRoot(size: Int64) async throws -> [UInt8]? {
        try await subtreeRoot(from: 0, count: size)
    }

    /// The audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). Each
    /// sibling subtree's root is computed from its leaves, read once: the whole tree is read,
    /// a page at a time, and nothing of it is held but a stack of hashes.
    public func auditPath(index: Int64, size: Int64) async throws -> [[UInt8]] {
        var path: [[UInt8]] = []
        var (m, low, n) = (index, Int64(0), size)
        var siblings: [(from: Int64, count: Int64)] = []
        while n > 1 {
            let k = MerkleTree.split(n)
            if m < k {
                siblings.append((low + k, n - k))
                n = k
            } else {
                siblings.append((low, k))
                (m, low, n) = (m - k, low + k, n - k)
            }
        }
        // The path runs from the leaf up: the deepest sibling first.
        for sibling in siblings.reversed() {
            guard let root = try await subtreeRoot(from: sibling.from, count: sibling.count) else { break }
            path.append(root)
        }
        return path
    }

    /// The root of leaves `from..<from+count` (0-based), read from the log.
    private func subtreeRoot(from: Int64, count: Int64) async throws -> [UInt8]? {
        guard count > 0 else { return nil }
        var accumulator = MerkleTree.Accumulator()
        for try await event in events(EventQuery(from: from + 1, to: from + count), pageSize: 4096) {
            accumulator.append(leaf: MerkleTree.leafHash(event.hash))
        }
        guard accumulator.count == count else {
            throw LogError.corruptEvent(position: from + accumulator.count + 1, reason: "it is missing from the log")
        }
        return accumulator.root
    }
}
