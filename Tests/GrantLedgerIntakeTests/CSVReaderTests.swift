import Foundation
import GrantLedgerIntake
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The streaming CSV reader: RFC 4180 quoting, line numbers, the errors it reports and reads
/// on after, GB18030 through iconv, and chunk boundaries anywhere.
@Suite("CSV reader")
struct CSVReaderTests {
    // MARK: - Helpers

    private typealias Element = Result<CSVRecord, CSVError>

    private func read(
        _ bytes: [UInt8], encoding: TextEncoding = .utf8, delimiter: Character = ",",
        chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 24
    ) throws -> [Element] {
        Array(try CSVReader(
            bytes: bytes, encoding: encoding, delimiter: delimiter.asciiValue!,
            chunkSize: chunkSize, maxRecordBytes: maxRecordBytes
        ))
    }

    private func read(_ text: String, delimiter: Character = ",", chunkSize: Int = 1 << 20) throws -> [Element] {
        try read(Array(text.utf8), delimiter: delimiter, chunkSize: chunkSize)
    }

    private func record(_ line: Int, _ fields: String...) -> Element {
        .success(CSVRecord(line: line, fields: fields))
    }

    private func failure(_ element: Element) -> CSVError? {
        if case .failure(let error) = element { error } else { nil }
    }

    // GB18030 bytes of a few characters (as `iconv -f UTF-8 -t GB18030` writes them).
    private let chenDaiZhen: [UInt8] = [0xB3, 0xC2, 0xDC, 0xA4, 0xD5, 0xF2]  // 陈埭镇
    private let jinJiangShi: [UInt8] = [0xBD, 0xFA, 0xBD, 0xAD, 0xCA, 0xD0]  // 晋江市
    private let euro: [UInt8] = [0xA2, 0xE3]  // €
    private let grinning: [UInt8] = [0x94, 0x39, 0xFC, 0x36]  // 😀, a four-byte sequence
    private let gbByteOrderMark: [UInt8] = [0x84, 0x31, 0x95, 0x33]  // U+FEFF

    // MARK: - The format

    @Test("quoted fields: delimiters and doubled quotes inside, empty quoted fields")
    func quoting() throws {
        let elements = try read("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\"\"\",x,,\n")
        #expect(elements == [record(1, "a", "b,c", "say \"hi\"", ""), record(2, "\"\"", "x", "", "")])
    }

    @Test("a line break inside quotes stays in the field; the next record's line counts it")
    func embeddedNewline() throws {
        let elements = try read("id,note\n1,\"two\nlines\",x\n2,\"three\r\nlines\n\",y\n3,z\n")
        #expect(elements == [
            record(1, "id", "note"),
            record(2, "1", "two\nlines", "x"),
            record(4, "2", "three\r\nlines\n", "y"),
            record(7, "3", "z"),
        ])
    }

    @Test("CRLF line ends, after plain and quoted fields")
    func crlf() throws {
        let elements = try read("a,b\r\n\"c\",\"d\"\r\ne,\r\n")
        #expect(elements == [record(1, "a", "b"), record(2, "c", "d"), record(3, "e", "")])
    }

    @Test("a UTF-8 byte order mark is dropped")
    func byteOrderMark() throws {
        #expect(try read("\u{FEFF}id,名字\n1,陈\n") == [record(1, "id", "名字"), record(2, "1", "陈")])
        #expect(try read("\u{FEFF}") == [])
        #expect(try read("\u{FEFF}\"q\"") == [record(1, "q")])
    }

    @Test("blank lines are skipped but counted; a line of only \"\" is a record")
    func blankLines() throws {
        let elements = try read("\n\na\n\r\n\nb\n\"\"\n\n")
        #expect(elements == [record(3, "a"), record(6, "b"), record(7, "")])
        #expect(try read("") == [])
        #expect(try read("\n\r\n") == [])
    }

    @Test("the last line needs no line break")
    func lastLine() throws {
        #expect(try read("a,b\nc,d") == [record(1, "a", "b"), record(2, "c", "d")])
        #expect(try read("a,b\nc,") == [record(1, "a", "b"), record(2, "c", "")])
        #expect(try read("a,b\n\"c\"") == [record(1, "a", "b"), record(2, "c")])
        #expect(try read("a,b\nc\r") == [record(1, "a", "b"), record(2, "c")])
    }

    @Test("a tab delimiter; commas are then plain text")
    func tabDelimiter() throws {
        let elements = try read("a\tb,c\t\"d\te\"\n1\t\t2\n", delimiter: "\t")
        #expect(elements == [record(1, "a", "b,c", "d\te"), record(2, "1", "", "2")])
    }

    @Test("a delimiter that cannot work is refused")
    func badDelimiter() {
        for delimiter: UInt8 in [UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0xE9] {
            #expect(throws: CSVInputError.self) { try CSVReader(bytes: [], delimiter: delimiter) }
        }
    }

    // MARK: - Errors, and reading on after them

    @Test("a quote in the middle of an unquoted field: its line and field, then the next line")
    func strayQuote() throws {
        let elements = try read("a,b\nc,d\"e,f\ng,h\n")
        try #require(elements.count == 3)
        #expect(elements[0] == record(1, "a", "b"))
        let error = try #require(failure(elements[1]))
        #expect(error.line == 2 && error.column == 2)
        #expect(error.message.contains("double quote in the middle of an unquoted field"))
        #expect(error.description.hasPrefix("line 2, field 2: "))
        #expect(elements[2] == record(3, "g", "h"))
    }

    @Test("text after a closing quote: its line and field, then the next line")
    func textAfterClosingQuote() throws {
        let elements = try read("x\n1,\"two\nlines\"z,3\n4,5\n6,\"q\"\r7\n8\n")
        try #require(elements.count == 5)
        #expect(elements[0] == record(1, "x"))
        let error = try #require(failure(elements[1]))
        #expect(error.line == 3 && error.column == 2)  // on the quoted field's second line
        #expect(error.message.contains("text after the closing quote"))
        #expect(elements[2] == record(4, "4", "5"))
        let carriageReturn = try #require(failure(elements[3]))  // a lone \r is text too
        #expect(carriageReturn.line == 5 && carriageReturn.column == 2)
        #expect(elements[4] == record(6, "8"))
    }

    @Test("bytes that are not UTF-8: line, field and the bytes, then the next line")
    func invalidUTF8() throws {
        let bytes = Array("ok,1\nok,".utf8) + [0xE9, 0xFF] + Array(",x\n\"multi\nline".utf8) + [0xC0] + Array("\",2\nz\n".utf8)
        let elements = try read(bytes)
        try #require(elements.count == 4)
        #expect(elements[0] == record(1, "ok", "1"))
        let error = try #require(failure(elements[1]))
        #expect(error.line == 2 && error.column == 2)
        #expect(error.message == "bytes E9 FF are not valid UTF-8; is the file GB18030?")
        #expect(error.otherEncoding == .gb18030)
        // In a quoted field the record's structure still holds: the error is on the line of
        // the byte, and reading goes on after the record.
        let inQuotes = try #require(failure(elements[2]))
        #expect(inQuotes.line == 4 && inQuotes.column == 1)
        #expect(inQuotes.message.hasPrefix("byte C0 is not valid UTF-8"))
        #expect(elements[3] == record(5, "z"))
    }

    @Test("UTF-8 edge cases: overlong, surrogate, beyond U+10FFFF, cut short at the end")
    func utf8EdgeCases() throws {
        for (bad, listed) in [([0xC1, 0xBF], "C1 BF"), ([0xE0, 0x80, 0x80], "E0 80 80"), ([0xED, 0xA0, 0x80], "ED A0 80"),
                              ([0xF4, 0x90, 0x80, 0x80], "F4 90 80 80"), ([0xF0, 0x9F, 0x98], "F0 9F 98")] as [([UInt8], String)] {
            let elements = try read(Array("a,".utf8) + bad)
            try #require(elements.count == 1)
            let error = try #require(failure(elements[0]))
            #expect(error.line == 1 && error.column == 2)
            #expect(error.message.hasPrefix("bytes \(listed) are not valid UTF-8"), "\(error.message)")
        }
        let valid = "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"
        #expect(try read(valid + "," + valid) == [record(1, valid, valid)])
    }

    @Test("a GB18030 file read as UTF-8 is refused row by row, with the hint")
    func gb18030ReadAsUTF8() throws {
        let bytes = chenDaiZhen + [0x2C] + jinJiangShi + [0x0A] + Array("1,2\n".utf8)
        let elements = try read(bytes)
        try #require(elements.count == 2)
        let error = try #require(failure(elements[0]))
        #expect(error.line == 1 && error.column == 1)
        // B3 C2 is not UTF-8 (DC A4 happens to be: U+0724).
        #expect(error.message == "bytes B3 C2 are not valid UTF-8; is the file GB18030?")
        #expect(error.otherEncoding == .gb18030)
        #expect(elements[1] == record(2, "1", "2"))
    }

    @Test("a quoted field never closed: reported where it started, reading resumes on the next line")
    func unterminatedQuote() throws {
        let elements = try read("a,b\nc,\"d\ne,f\ng,h")
        #expect(elements.count == 4)
        let error = try #require(failure(elements[1]))
        #expect(error.line == 2 && error.column == 2)
        #expect(error.message.contains("not closed before the end of the file"))
        #expect(elements[0] == record(1, "a", "b"))
        #expect(elements[2] == record(3, "e", "f"))
        #expect(elements[3] == record(4, "g", "h"))

        let lastLine = try read("a\nb,\"c")
        #expect(lastLine.count == 2)
        #expect(failure(lastLine[1]).map { [$0.line, $0.column] } == [2, 2])
    }

    @Test("a quoted field longer than maxRecordBytes is reported and reading resumes after its first line")
    func recordTooLong() throws {
        let text = "1,\"open\n" + String(repeating: "filler line\n", count: 20) + "2,ok\n"
        let elements = try read(Array(text.utf8), chunkSize: 16, maxRecordBytes: 64)
        try #require(elements.count == 22)
        let error = try #require(failure(elements[0]))
        #expect(error.line == 1 && error.column == 2)
        #expect(error.message.contains("not closed within 64 bytes"))
        #expect(elements[1] == record(2, "filler line"))
        #expect(elements[21] == record(22, "2", "ok"))

        let unquoted = try read(Array((String(repeating: "x", count: 100) + "\n3\n").utf8), chunkSize: 8, maxRecordBytes: 32)
        try #require(unquoted.count == 2)
        #expect(failure(unquoted[0])?.line == 1)
        #expect(unquoted[1] == record(2, "3"))
    }

    // MARK: - GB18030

    @Test("GB18030: two- and four-byte characters, a byte order mark, and 亅|晐 whose second bytes are '|'")
    func gb18030() throws {
        let bytes = gbByteOrderMark + chenDaiZhen + [0x2C] + jinJiangShi + [0x0D, 0x0A]
            + Array("\"".utf8) + euro + [0x0A] + grinning + Array("\",x\n".utf8)
        let elements = try read(bytes, encoding: .gb18030)
        #expect(elements == [record(1, "陈埭镇", "晋江市"), record(2, "€\n😀", "x")])

        let pipes = try read([0x81, 0x7C, 0x7C, 0x95, 0x7C, 0x0A], encoding: .gb18030, delimiter: "|")
        #expect(pipes == [record(1, "亅", "晐")])
    }

    @Test("GB18030: invalid bytes are reported with their line and field, and reading goes on")
    func invalidGB18030() throws {
        // 0xFF is never valid; 0x81 followed by ',' is a lead byte without its second byte.
        let bytes = Array("a,b\n".utf8) + chenDaiZhen + [0x2C, 0xFF, 0x0A, 0x81, 0x2C] + jinJiangShi + [0x0A]
            + Array("\"x\ny\",".utf8) + [0x80] + [0x0A] + Array("ok,".utf8) + [0x81, 0x30]
        let elements = try read(bytes, encoding: .gb18030)
        try #require(elements.count == 5)
        #expect(elements[0] == record(1, "a", "b"))
        let error = try #require(failure(elements[1]))
        #expect(error.line == 2 && error.column == 2)
        #expect(error.message == "byte FF is not valid GB18030; is the file UTF-8?")
        #expect(error.otherEncoding == .utf8)
        #expect(failure(elements[2]).map { [$0.line, $0.column] } == [3, 1])
        #expect(failure(elements[3]).map { [$0.line, $0.column] } == [5, 2])  // after a two-line field
        let cutShort = try #require(failure(elements[4]))  // the file ends inside a sequence
        #expect(cutShort.line == 6 && cutShort.column == 2)
        #expect(cutShort.message.hasPrefix("bytes 81 30 are not valid GB18030"))
    }

    @Test("UTF-8 read as GB18030 comes out as other characters, not as an error, when the bytes happen to be valid")
    func utf8ReadAsGB18030() throws {
        // Why the encoding must be given: E9 99 88 E5 9F AD (陈埭) are three valid GB18030 pairs.
        let elements = try read(Array("陈埭,1\n".utf8), encoding: .gb18030)
        try #require(elements.count == 1)
        let record = try elements[0].get()
        #expect(record.fields[0] != "陈埭" && record.fields[1] == "1")
    }

    // MARK: - Chunk boundaries

    private var mixedUTF8: [UInt8] {
        Array(
            ("\u{FEFF}id,名字,备注\r\n1,陈埭镇,\"多\n行, \"\"引号\"\"\"\r\n\n2,😀€,\"x\"\n3,bad\"quote,z\n"
                + "4,\"after\"x,q\n5,晋江市,\r\n6,\"open\nnext,line\nlast").utf8
        ) + [0xE9, 0xFF] + Array("\n7,end".utf8)
    }

    private var mixedGB18030: [UInt8] {
        gbByteOrderMark + Array("id,".utf8) + chenDaiZhen + Array("\r\n1,\"".utf8) + jinJiangShi + Array("\n".utf8)
            + grinning + euro + Array(", \"\"q\"\"\"\r\n\n2,".utf8) + euro + Array(",\"x\"\n3,bad\"quote,".utf8)
            + chenDaiZhen + Array("\n4,".utf8) + [0xFF, 0x81] + Array(",x\n5,\"open\n".utf8) + grinning
            + Array("\nlast,".utf8) + jinJiangShi
    }

    @Test("any chunk size gives the same records and errors as the whole input at once", arguments: [1, 2, 3, 7])
    func chunkBoundaries(chunkSize: Int) throws {
        for (bytes, encoding) in [(mixedUTF8, TextEncoding.utf8), (mixedGB18030, .gb18030)] {
            let whole = try read(bytes, encoding: encoding, chunkSize: bytes.count)
            #expect(try read(bytes, encoding: encoding, chunkSize: chunkSize) == whole, "\(encoding)")
        }
    }

    @Test("the mixed inputs read as expected")
    func mixedInputs() throws {
        let utf8 = try read(mixedUTF8)
        #expect(utf8.count == 10)
        #expect(utf8[0] == record(1, "id", "名字", "备注"))
        #expect(utf8[1] == record(2, "1", "陈埭镇", "多\n行, \"引号\""))
        #expect(utf8[2] == record(5, "2", "😀€", "x"))
        #expect(failure(utf8[3]).map { [$0.line, $0.column] } == [6, 2])
        #expect(failure(utf8[4]).map { [$0.line, $0.column] } == [7, 2])
        #expect(utf8[5] == record(8, "5", "晋江市", ""))
        #expect(failure(utf8[6]).map { [$0.line, $0.column] } == [9, 2])  // the unclosed quote
        #expect(utf8[7] == record(10, "next", "line"))
        #expect(failure(utf8[8]).map { [$0.line, $0.column] } == [11, 1])  // E9 FF
        #expect(utf8[9] == record(12, "7", "end"))

        let gb = try read(mixedGB18030, encoding: .gb18030)
        #expect(gb.count == 8)
        #expect(gb[0] == record(1, "id", "陈埭镇"))
        #expect(gb[1] == record(2, "1", "晋江市\n😀€, \"q\""))
        #expect(gb[2] == record(5, "2", "€", "x"))
        #expect(failure(gb[3]).map { [$0.line, $0.column] } == [6, 2])
        #expect(failure(gb[4]).map { [$0.line, $0.column, $0.message.hasPrefix("bytes FF 81 ") ? 1 : 0] } == [7, 2, 1])
        #expect(failure(gb[5]).map { [$0.line, $0.column] } == [8, 2])
        #expect(gb[6] == record(9, "😀"))
        #expect(gb[7] == record(10, "last", "晋江市"))
    }

    // MARK: - Files

    @Test("a file reads the same as its bytes, in small chunks too")
    func file() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gb.csv").path
        try Data(mixedGB18030).write(to: URL(fileURLWithPath: path))
        let expected = try read(mixedGB18030, encoding: .gb18030)
        #expect(Array(try CSVReader(path: path, encoding: .gb18030)) == expected)
        #expect(Array(try CSVReader(path: path, encoding: .gb18030, chunkSize: 5)) == expected)
    }

    @Test("a missing file, a directory and an unreadable file are refused with a reason")
    func unreadableFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.csv").path
        #expect(throws: CSVInputError(path: missing, reason: "no such file")) { try CSVReader(path: missing) }
        #expect(throws: CSVInputError(path: directory.path, reason: "it is a directory, not a file")) {
            try CSVReader(path: directory.path)
        }
        let locked = directory.appendingPathComponent("locked.csv").path
        try Data("a\n".utf8).write(to: URL(fileURLWithPath: locked))
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked)
        if geteuid() != 0 {  // root reads it anyway
            #expect(throws: CSVInputError(path: locked, reason: "permission denied")) { try CSVReader(path: locked) }
        }
        #expect(CSVInputError(path: missing, reason: "no such file").description == "cannot read \(missing): no such file")
    }

    @Test("encoding labels")
    func labels() {
        for label in ["utf-8", "UTF8", " Utf-8 "] { #expect(TextEncoding(label: label) == .utf8) }
        for label in ["gb18030", "GBK", "gb2312", "CP936"] { #expect(TextEncoding(label: label) == .gb18030) }
        for label in ["latin1", "", "utf-16", "big5"] { #expect(TextEncoding(label: label) == nil) }
    }
}
