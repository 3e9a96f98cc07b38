/// The text encodings an intake file may arrive in.
///
/// Government exports come in UTF-8 or in GB18030. GB18030 contains GBK and GB2312 (and
/// Windows code page 936 as far as the characters go), so files labelled with any of those
/// names are read as GB18030.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// The encoding a label names, case-insensitively and ignoring surrounding spaces:
    /// `utf-8` or `utf8`; `gb18030`, `gbk`, `gb2312` or `cp936`. `nil` for anything else.
    public init?(label: String) {
        switch label.trimmingSpaces.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }

    /// The name the system's iconv knows the encoding by.
    var iconvName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        }
    }

    /// The name in messages.
    var displayName: String { iconvName }

    /// The encoding to suggest when bytes are not valid in this one.
    var alternative: TextEncoding {
        switch self {
        case .utf8: .gb18030
        case .gb18030: .utf8
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
