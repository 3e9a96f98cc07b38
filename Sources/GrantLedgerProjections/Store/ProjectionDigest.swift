import Crypto

/// A projection's digest: SHA-256 over its tables' rows in primary-key order, each value
/// written as text (NULL as `∅`), fields separated by US (0x1F) and rows by LF. The same rows
/// give the same digest on any machine.
enum ProjectionDigest {
    static let orderings: [ProjectionSchema.Table: String] = [
        .entitlements: "id", .tranches: "entitlement_id, seq", .disbursements: "disbursement_id", .clawbacks: "clawback_id",
        .targets: "target_id", .targetEvents: "target_id, position", .funds: "fund_id",
        .service131: "person, position",
    ]

    static func digests(_ db: any ProjectionConnection, schema: ProjectionSchema) throws -> [(name: String, digest: String)] {
        try ProjectionSchema.projections.map { projection in
            var hash = SHA256()
            for table in projection.tables {
                hash.update(data: Array("\(table.rawValue)\n".utf8))
                var line: [UInt8] = []
                try db.forEachRow("SELECT * FROM \(schema[table]) ORDER BY \(orderings[table]!)", [], table: table.rawValue, large: true) { row in
                    line.removeAll(keepingCapacity: true)
                    for (index, value) in row.values.enumerated() {
                        if index > 0 { line.append(0x1F) }
                        switch value {
                        case .null: line += Array("∅".utf8)
                        case .integer(let int): line += Array(String(int).utf8)
                        case .real(let double): line += Array("\(double)".utf8)
                        case .text(let string): line += Array(string.utf8)
                        case .blob(let bytes): line += bytes
                        }
                    }
                    line.append(0x0A)
                    hash.update(data: line)
                }
            }
            return (projection.name, hex(Array(hash.finalize())))
        }
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
    return String(decoding: out, as: UTF8.self)
}
