import Foundation
import GrantLedgerEvents
import GrantLedgerLog

/// A row as the sender wrote it, for the error file.
enum OriginalRow {
    case csv([String], CSVHeader)
    case line([UInt8])
    /// Not kept (a row the CSV reader could not delimit).
    case unavailable

    func describe(_ column: String) -> String {
        if case .csv(_, let header) = self { return header.describe(column) }
        return column
    }
}

enum RowRead {
    case row(FeedRow, OriginalRow)
    case unreadable(RowProblem, OriginalRow)
}

/// The rows of a feed file, one at a time, whatever its format.
struct FeedRows {
    let header: CSVHeader?
    let encoding: TextEncoding?
    private var csv: CSVReader?
    private var jsonl: JSONLinesReader?
    private let advice: ImportAdvice

    init(_ format: FeedFormat, path: String, mapping: Mapping, encoding requested: TextEncoding?, advice: ImportAdvice = .neutral,
         name: String? = nil) throws(ImportError) {
        self.advice = advice
        let name = name ?? (path == "-" ? "standard input" : path)
        switch format {
        case .jsonl:
            if path != "-", let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
                throw ImportError("\(name) is empty: a JSON Lines feed holds one object per row")
            }
            do { jsonl = try JSONLinesReader(path: path) } catch { throw ImportError("\(error)") }
            header = nil
            encoding = nil
        case .csv:
            // A byte order mark says UTF-8, whatever the mapping expects: error files are written so.
            let encoding = Self.startsWithByteOrderMark(path) ? .utf8 : requested ?? mapping.encoding
            self.encoding = encoding
            var reader: CSVReader
            do { reader = try CSVReader(path: path, encoding: encoding, delimiter: mapping.delimiter) } catch {
                throw ImportError("\(error)")
            }
            guard let first = reader.next() else {
                throw ImportError("\(name) is empty: a CSV feed starts with a header row naming its columns")
            }
            let record: CSVRecord
            switch first {
            case .success(let read): record = read
            case .failure(let error): throw ImportError("\(name):\(error.line): the header row cannot be read: \(Self.message(error, advice))")
            }
            let header = CSVHeader(record.fields)
            let missing = mapping.columns.filter { header.index[$0] == nil }
            guard missing.isEmpty else {
                let other = TextEncoding.allCases.first { $0 != encoding }!
                throw ImportError("""
                    \(name):\(record.line): the header lacks \(missing.count == 1 ? "the column" : "the columns") \
                    \(missing.joined(separator: ", ")) that the mapping \(mapping.name) reads. The header has: \
                    \(header.names.joined(separator: ", ")). Check that this is a \(mapping.title) file; if the \
                    names look garbled, it is not \(encoding.rawValue): \(advice.otherEncoding(other)).
                    """)
            }
            // A column the mapping reads, named twice: which cell is meant cannot be told.
            if let twice = mapping.columns.first(where: { column in header.names.filter { $0 == column }.count > 1 }) {
                let places = header.names.indices.filter { header.names[$0] == twice }.map { String($0 + 1) }
                throw ImportError("""
                    \(name):\(record.line): the header names the column \(twice) \(places.count) times (columns \
                    \(places.joined(separator: ", "))), and the mapping \(mapping.name) reads it: which one is meant \
                    cannot be told. Rename or remove the others, and import the file again.
                    """)
            }
            self.header = header
            csv = reader
        }
    }

    /// A CSV error's message, with the front end's advice when another encoding would cure it.
    static func message(_ error: CSVError, _ advice: ImportAdvice) -> String {
        error.otherEncoding.map { error.message + " " + advice.otherEncoding($0) } ?? error.message
    }

    static func startsWithByteOrderMark(_ path: String) -> Bool {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 3)).map { Array($0) == [0xEF, 0xBB, 0xBF] } ?? false
    }

    mutating func next() -> RowRead? {
        if csv != nil { return nextCSV() }
        return nextJSON()
    }

    private mutating func nextCSV() -> RowRead? {
        guard let header, let result = csv?.next() else { return nil }
        switch result {
        case .failure(let error):
            let column = error.column.flatMap { $0 - 1 < header.names.count ? header.names[$0 - 1] : nil }
            return .unreadable(RowProblem(line: error.line, column: column, columnDescription: column.map(header.describe),
                                          message: Self.message(error, advice)), .unavailable)
        case .success(let record):
            var fields = record.fields
            // Trailing empty fields beyond the header (a spreadsheet's stray delimiters) are dropped.
            while fields.count > header.names.count, fields.last.map({ CellValue.trimmed($0).isEmpty }) == true { fields.removeLast() }
            let original = OriginalRow.csv(record.fields, header)
            guard fields.count == header.names.count else {
                return .unreadable(RowProblem(line: record.line, column: nil, columnDescription: nil,
                                              message: "has \(fields.count) field\(fields.count == 1 ? "" : "s"), and the header has \(header.names.count); check for a missing or extra delimiter, or a value with a comma that needs quotes"),
                                   original)
            }
            return .row(FeedRow(line: record.line, cells: .csv(fields: fields, header: header)), original)
        }
    }

    private mutating func nextJSON() -> RowRead? {
        guard let line = jsonl?.next() else { return nil }
        if let readError = line.readError {
            return .unreadable(RowProblem(line: line.number, column: nil, columnDescription: nil,
                                          message: "the file cannot be read from here on: \(readError)"), .unavailable)
        }
        do {
            guard case .object(let object) = try JSONParser.parse(line.bytes) else {
                return .unreadable(RowProblem(line: line.number, column: nil, columnDescription: nil,
                                              message: "is not a JSON object; each line of a JSON Lines feed is one {…}"), .line(line.bytes))
            }
            return .row(FeedRow(line: line.number, cells: .json(object)), .line(line.bytes))
        } catch {
            return .unreadable(RowProblem(line: line.number, column: nil, columnDescription: nil, message: "is not JSON: \(error)"),
                               .line(line.bytes))
        }
    }
}
