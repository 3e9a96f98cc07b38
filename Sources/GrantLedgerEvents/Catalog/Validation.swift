/// One thing wrong with a submitted event: where (a JSON path such as `$.data.level`) and what.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// The problems that make a submitted event unacceptable.
public struct InvalidEvent: Error, Sendable, Hashable, CustomStringConvertible {
    public let issues: [ValidationIssue]
    public init(issues: [ValidationIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

extension EventDefinition {
    /// Checks `data` against this definition and returns every problem found (empty if valid).
    public func validate(_ data: JSONValue, path: String = "$.data") -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        FieldValidator.validateObject(data, fields: fields, path: { path }, owner: key.description, into: &issues)
        return issues
    }
}

enum FieldValidator {
    static let maxReportedIssues = 20

    static func validateObject(
        _ value: JSONValue, fields: [FieldDefinition], path: () -> String, owner: @autoclosure () -> String,
        into issues: inout [ValidationIssue]
    ) {
        // Paths and the owner's name are closures, rendered only when an issue is recorded:
        // valid events, the common case, build no strings here.
        guard case .object(let object) = value else {
            issues.append(.init(path: path(), message: "expected an object, found \(describe(value))"))
            return
        }
        var seen = 0
        for field in fields {
            func fieldPath() -> String { path() + "." + field.name }
            guard let member = object[field.name] else {
                if field.isRequired {
                    issues.append(.init(path: fieldPath(), message: "missing required field (\(field.summary))"))
                }
                continue
            }
            seen += 1
            if member == .null {
                issues.append(.init(path: fieldPath(),
                    message: field.isRequired ? "must not be null (\(field.summary))" : "must not be null; leave the field out instead"))
                continue
            }
            validate(member, as: field.type, path: fieldPath, into: &issues)
            if issues.count >= maxReportedIssues { return }
        }
        if seen < object.count {
            let known = Set(fields.map(\.name))
            for key in object.keys where !known.contains(key) {
                issues.append(.init(path: path() + "." + key,
                    message: "unknown field; \(owner()) has \(fields.map(\.name).joined(separator: ", "))"))
            }
        }
    }

    static func validate(_ value: JSONValue, as type: FieldType, path: () -> String, into issues: inout [ValidationIssue]) {
        func fail(_ message: String) { issues.append(.init(path: path(), message: message)) }
        switch type {
        case .text(let maxLength):
            guard case .string(let s) = value else { return fail("expected text, found \(describe(value))") }
            // Byte tests first: at most 4 UTF-8 bytes a character, and text that starts with
            // a non-space byte is not blank. Characters are counted only when it matters.
            let bytes = s.utf8.count
            if bytes == 0 { return fail("must not be empty") }
            if let first = s.utf8.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D || first >= 0x80,
                s.unicodeScalars.allSatisfy({ $0.properties.isWhitespace || Self.invisible.contains($0.value) })
            {
                return fail("must not be empty")
            }
            if let problem = controlCharacterProblem(s) { return fail(problem) }
            if bytes > maxLength {
                let count = s.unicodeScalars.count
                if count > maxLength { return fail("is \(count) characters long; at most \(maxLength) are allowed") }
            }
            if let range = Pseudonym.embeddedResidentID(in: s) {
                fail("characters \(range.lowerBound)-\(range.upperBound) look like a resident ID; the log stores resident IDs only in person fields, so remove it from this text")
            }
        case .identifier:
            guard case .string(let s) = value else { return fail("expected an identifier, found \(describe(value))") }
            if let message = identifierProblem(s) { return fail(message) }
        case .integer(let minimum, let maximum):
            guard case .integer(let i) = value else { return fail("expected a whole number, found \(describe(value))") }
            if let minimum, i < minimum { fail("\(i) is below the minimum of \(minimum)") }
            if let maximum, i > maximum { fail("\(i) is above the maximum of \(maximum)") }
        case .fen:
            guard case .integer(let i) = value else {
                return fail("expected an amount in fen (a whole number; 1 yuan = 100 fen), found \(describe(value))")
            }
            if i < 0 { fail("amounts are never negative; record a reversal or clawback event instead") }
            if i > FieldType.maximumFen { fail("\(i) fen is implausibly large (more than 10 billion yuan)") }
        case .boolean:
            guard case .bool = value else { return fail("expected true or false, found \(describe(value))") }
        case .date:
            guard case .string(let s) = value, LocalDate(s) != nil else {
                // Only a refused date is looked at again, to say why.
                let missing = if case .string(let s) = value { LocalDate.missingDay(s) } else { String?.none }
                return fail(missing.map { "the date \($0)" } ?? "expected a date as YYYY-MM-DD, found \(describe(value))")
            }
        case .month:
            guard case .string(let s) = value, YearMonth(s) != nil else {
                return fail("expected a month as YYYY-MM, found \(describe(value))")
            }
        case .uuid:
            guard case .string(let s) = value, UUIDText.isValid(s) else {
                return fail("expected a UUID (8-4-4-4-12 hex digits), found \(describe(value))")
            }
        case .person:
            guard case .string(let s) = value else {
                return fail("expected a resident ID (18 characters), found \(describe(value))")
            }
            if Pseudonym.isPseudonym(s) { return }
            do {
                _ = try ResidentID(validating: s)
            } catch {
                fail("\(error) (value \(ResidentID.mask(s)))")
            }
        case .personName:
            guard case .string(let s) = value else { return fail("expected a name, found \(describe(value))") }
            if s.isEmpty || s.unicodeScalars.count > 50 || s.allSatisfy(\.isWhitespace) { return fail("a name has 1 to 50 characters, not all of them spaces") }
            if let problem = controlCharacterProblem(s) { fail(problem) }
        case .organisation:
            guard case .string(let s) = value else {
                return fail("expected a unified social credit code (18 characters), found \(describe(value))")
            }
            do {
                _ = try CreditCode(validating: s)
            } catch {
                fail("\(error) (value \(quoted(s)))")
            }
        case .clause:
            guard case .string(let s) = value else { return fail("expected a clause id, found \(describe(value))") }
            if !ClauseID.isWellFormed(s) {
                fail("\(quoted(s)) is not a clause id; write the document id, a slash and the clause label, e.g. JJ-2019-79/6.7 or XM-2023-187/(九)-b")
            }
        case .choice(let values):
            guard case .string(let s) = value, values.contains(s) else {
                return fail("\(describe(value)) is not allowed; use one of \(values.joined(separator: ", "))")
            }
        case .array(let element, let minItems):
            guard case .array(let elements) = value else { return fail("expected an array, found \(describe(value))") }
            if elements.count < minItems { fail("needs at least \(minItems) item\(minItems == 1 ? "" : "s")") }
            for (i, element_) in elements.enumerated() {
                validate(element_, as: element, path: { "\(path())[\(i)]" }, into: &issues)
                if issues.count >= maxReportedIssues { return }
            }
        case .object(let fields):
            validateObject(value, fields: fields, path: path, owner: "this object", into: &issues)
        case .payee:
            let before = issues.count
            validateObject(value, fields: Payee.fields, path: path, owner: "a payee", into: &issues)
            guard issues.count == before, case .object(let o) = value else { return }
            let isWorker = o["kind"] == "worker"
            if isWorker, o["person"] == nil || o["organisation"] != nil {
                fail("a worker payee gives \"person\" (a resident ID) and no \"organisation\"")
            } else if !isWorker, o["organisation"] == nil || o["person"] != nil {
                fail("an organisation payee (\(o["kind"]?.stringValue ?? "")) gives \"organisation\" (a credit code) and no \"person\"")
            }
        }
    }

    /// Text holds no control character but tab, line feed and carriage return: a NUL or an
    /// escape code is an export's fault, not anything a person wrote.
    static func controlCharacterProblem(_ s: String) -> String? {
        // Printable ASCII alone, the common case, has none of these characters.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        for (offset, scalar) in s.unicodeScalars.enumerated() {
            let v = scalar.value
            var code: String { "U+" + String(v, radix: 16, uppercase: true).leftPadding(to: 4) }
            if v < 0x20 && ![0x09, 0x0A, 0x0D].contains(v) || (0x7F...0x9F).contains(v) {
                return "character \(offset + 1) is the control character \(code)\(v == 0 ? " (NUL)" : ""), which text may not hold; remove it (an export may have padded the field)"
            }
            // Characters that reorder or hide what a reader sees, and the ones Unicode never assigns.
            if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                return "character \(offset + 1) is \(code), which reverses or isolates the direction of the text around it so that it reads otherwise than it is stored; remove it"
            }
            if (0xFDD0...0xFDEF).contains(v) || v & 0xFFFE == 0xFFFE {
                return "character \(offset + 1) is \(code), which Unicode never assigns to a character; the text was damaged or mis-decoded"
            }
        }
        return nil
    }

    /// Characters of no width, which a text of nothing else would show as blank.
    static let invisible: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]

    static func identifierProblem(_ s: String) -> String? {
        let bytes = s.utf8
        if bytes.isEmpty || bytes.count > 64 { return "an identifier has 1 to 64 characters" }
        for b in bytes {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":"):
                continue
            default:
                return "\(quoted(s)) has a character outside A-Z a-z 0-9 . _ - / :"
            }
        }
        if let range = Pseudonym.embeddedResidentID(in: s) {
            return "characters \(range.lowerBound)-\(range.upperBound) look like a resident ID; identifiers must not contain one"
        }
        return nil
    }

    /// A string as a message shows it: quoted, control characters written as `\u{…}`, and cut
    /// after 40 characters with its length, so that no message echoes megabytes or moves the
    /// terminal's cursor.
    static func quoted(_ s: String) -> String {
        var shown = ""
        for scalar in s.unicodeScalars.prefix(40) {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) { shown += "\\u{\(String(v, radix: 16, uppercase: true))}" } else { shown.unicodeScalars.append(scalar) }
        }
        let count = s.unicodeScalars.count
        return count > 40 ? "\"\(shown)…\" (\(count) characters)" : "\"\(shown)\""
    }

    /// A short description of a value for messages: strings quoted (and masked if they could
    /// be a resident ID), other values by kind.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let s):
            if Pseudonym.embeddedResidentID(in: s) != nil || s.utf8.count == 18 { return "\"\(ResidentID.mask(s))\"" }
            return quoted(s)
        case .integer(let i): return String(i)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Clause ids as POLICIES.md writes them: a document id, a slash and a label.
public enum ClauseID {
    public static func isWellFormed(_ s: String) -> Bool {
        guard let slash = s.firstIndex(of: "/") else { return false }
        let document = s[..<slash], label = s[s.index(after: slash)...]
        guard !label.isEmpty, label.utf8.count <= 40, !label.contains(where: \.isWhitespace) else { return false }
        let parts = document.split(separator: "-", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts[0].count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
            parts.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return false }
        return true
    }

    /// The document part of a clause id: `JJ-2019-79` for `JJ-2019-79/6.7`.
    public static func document(of clause: String) -> Substring {
        clause[..<(clause.firstIndex(of: "/") ?? clause.endIndex)]
    }
}

/// UUIDs as text: `8-4-4-4-12` hex digits, either case.
public enum UUIDText {
    public static func isValid(_ s: String) -> Bool { parse(s) != nil }

    /// The 16 bytes of a UUID written as text, or nil.
    public static func parse(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count == 36, b[8] == 0x2D, b[13] == 0x2D, b[18] == 0x2D, b[23] == 0x2D else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        var high: UInt8? = nil
        for (i, c) in b.enumerated() where i != 8 && i != 13 && i != 18 && i != 23 {
            guard let v = Hex.value(c) else { return nil }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }

    /// Lower-case canonical text of 16 bytes.
    public static func format(_ bytes: UnsafeRawBufferPointer) -> String {
        // Concrete and allocation-free but for the result: this runs for every event read.
        String(unsafeUninitializedCapacity: 36) { out in
            var o = 0
            for i in 0..<min(16, bytes.count) {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[o] = 0x2D
                    o += 1
                }
                let byte = bytes[i]
                out[o] = Hex.digit(byte >> 4)
                out[o + 1] = Hex.digit(byte & 0x0F)
                o += 2
            }
            return o
        }
    }

    public static func format(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { format($0) }
    }
}

private extension String {
    func leftPadding(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
