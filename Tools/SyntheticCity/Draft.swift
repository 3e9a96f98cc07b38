import GrantLedgerEvents

/// An event before it has an id: its business date, and its submission line already written
/// (canonical JSON: members in key order, as ``CanonicalJSON`` writes them) but for the 36
/// characters of its `eventId`, which are filled in when it is sent.
///
/// Writing the line when the story is told, not when it is sent, keeps the stories small
/// (one array an event) and lets the commonest event, a month of social insurance, be
/// written from a template (see ``MonthTemplate``).
struct Draft {
    let date: LocalDate
    private(set) var line: [UInt8]
    /// Where the event id goes.
    private let idOffset: Int

    init(stream: String, type: String, version: Int64 = 1, date: LocalDate, source: String, actor: String, data: JSONObject) {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: #"{"actor":"#.utf8)
        CanonicalJSON.append(.string(actor), to: &out)
        out.append(contentsOf: #","data":"#.utf8)
        CanonicalJSON.append(.object(data), to: &out)
        out.append(contentsOf: #","eventId":""#.utf8)
        let idOffset = out.count
        out.append(contentsOf: Self.placeholder)
        out.append(contentsOf: #"","occurredAt":""#.utf8)
        appendDate(date, to: &out)
        out.append(contentsOf: #"","schemaVersion":"#.utf8)
        CanonicalJSON.append(.integer(version), to: &out)
        out.append(contentsOf: #","source":"#.utf8)
        CanonicalJSON.append(.string(source), to: &out)
        out.append(contentsOf: #","streamId":"#.utf8)
        CanonicalJSON.append(.string(stream), to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        CanonicalJSON.append(.string(type), to: &out)
        out.append(UInt8(ascii: "}"))
        self.init(date: date, line: out, idOffset: idOffset)
    }

    fileprivate init(date: LocalDate, line: [UInt8], idOffset: Int) {
        self.date = date
        self.line = line
        self.idOffset = idOffset
    }

    static let placeholder = [UInt8](repeating: UInt8(ascii: "0"), count: 36)

    /// Writes the event id: the 16 bytes of a UUID, as canonical text. The line is then complete.
    mutating func setID(_ id: [UInt8]) {
        let offset = idOffset
        line.withUnsafeMutableBufferPointer { out in
            var o = offset
            for (i, byte) in id.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[o] = UInt8(ascii: "-")
                    o += 1
                }
                out[o] = hexDigits[Int(byte >> 4)]
                out[o + 1] = hexDigits[Int(byte & 0x0F)]
                o += 2
            }
        }
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// `YYYY-MM-DD`.
func appendDate(_ date: LocalDate, to out: inout [UInt8]) {
    appendDigits(date.year, 4, to: &out)
    out.append(UInt8(ascii: "-"))
    appendDigits(date.month, 2, to: &out)
    out.append(UInt8(ascii: "-"))
    appendDigits(date.day, 2, to: &out)
}

func appendDigits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    var value = value
    while divisor > 0 {
        out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
        value %= divisor
        divisor /= 10
    }
}

/// The months of social insurance of one spell of employment, written from a template: the
/// commonest event by far (two in three), so it skips the general encoder. The same bytes as
/// ``Draft/init(stream:type:version:date:source:actor:data:)`` would write.
struct MonthTemplate {
    private let head: [UInt8]
    private let tail: [UInt8]

    /// Employee, employer and place must need no escaping in JSON (IDs, credit codes, division codes).
    init(stream: String, employee: String, employer: String, insuredIn: String, source: String, actor: String) {
        head = Array(#"{"actor":"\#(actor)","data":{"employee":"\#(employee)","employer":"\#(employer)","insuredIn":"\#(insuredIn)","month":""#.utf8)
        tail = Array(#"","schemaVersion":1,"source":"\#(source)","streamId":"\#(stream)","type":"employment.month-recorded"}"#.utf8)
    }

    /// The month recorded on its last day.
    func draft(month: YearMonth, socialInsurancePaid: Bool, pensionPaid: Bool) -> Draft {
        var out: [UInt8] = []
        out.reserveCapacity(head.count + tail.count + 120)
        out.append(contentsOf: head)
        appendDigits(month.year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(month.month, 2, to: &out)
        out.append(contentsOf: pensionPaid ? #"","pensionPaid":true"#.utf8 : #"","pensionPaid":false"#.utf8)
        out.append(contentsOf: socialInsurancePaid ? #","socialInsurancePaid":true},"eventId":""#.utf8 : #","socialInsurancePaid":false},"eventId":""#.utf8)
        let idOffset = out.count
        out.append(contentsOf: Draft.placeholder)
        out.append(contentsOf: #"","occurredAt":""#.utf8)
        let date = month.lastDay
        appendDate(date, to: &out)
        out.append(contentsOf: tail)
        return Draft(date: date, line: out, idOffset: idOffset)
    }
}

/// An object of the members whose value is not nil.
func object(_ members: [(String, JSONValue?)]) -> JSONObject {
    var present: [JSONObject.Member] = []
    present.reserveCapacity(members.count)
    for (key, value) in members { if let value { present.append((key, value)) } }
    return JSONObject(unsortedMembers: present)!
}
