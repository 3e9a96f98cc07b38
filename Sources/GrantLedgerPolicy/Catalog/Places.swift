/// A division a document lists inside its jurisdiction: a district, town, street, zone or
/// department, with its six-digit code where it has one and the division it lies in.
public struct Division: Sendable, Hashable {
    public let name: String
    public let code: String?
    /// The name of the division it lies in; nil for one directly under the jurisdiction.
    public let within: String?

    public init(name: String, code: String? = nil, within: String? = nil) {
        self.name = name
        self.code = code
        self.within = within
    }
}

/// The places the catalog knows, as a tree: each document's jurisdiction, the divisions it
/// lists (at any level: district, town or street, department), and what contains what.
///
/// A place may be written by its six-digit code, by its name, or by the printed form of its
/// name: a street office's `青阳街道办事处` is `青阳街道`, a department's `市人社局` or
/// `晋江市人社局` is `人社局`, a town government's `陈埭镇人民政府` is `陈埭镇`. A six-digit code the
/// catalog does not list lies in a city if it shares the city's first four digits.
public struct Places: Sendable {
    private struct Node: Sendable {
        let name: String
        let code: String?
        let parent: String?
    }

    private var nodes: [String: Node] = [:]
    private var names: [String] = []
    private var codes: [String: String] = [:]
    /// Each known place's name and code with those of every place containing it, worked out
    /// once: the engine asks for every candidate of every rule.
    private var chains: [String: Set<String>] = [:]
    /// Jurisdiction names, which a department's printed name may start with.
    private var prefixes: [String] = ["市", "区"]

    public init(_ documents: [PolicyDocument]) {
        for document in documents {
            add(Node(name: document.jurisdictionName, code: document.jurisdiction.rawValue, parent: nil))
            prefixes.append(document.jurisdictionName)
            for division in document.places where division.name != document.jurisdictionName {
                add(Node(name: division.name, code: division.code, parent: division.within ?? document.jurisdictionName))
            }
        }
        // Longest first, so that 杭州市滨江区 is stripped before 市.
        prefixes.sort { $0.count > $1.count }
        for name in names { chains[name] = chain(from: name) }
    }

    private func chain(from name: String) -> Set<String> {
        var result: Set<String> = []
        var current: String? = name
        while let name = current, !result.contains(name), let node = nodes[name] {
            result.insert(name)
            if let code = node.code { result.insert(code) }
            current = node.parent
        }
        return result
    }

    private mutating func add(_ node: Node) {
        if let existing = nodes[node.name] {
            // The same place listed by several documents: keep what any of them says.
            nodes[node.name] = Node(name: node.name, code: existing.code ?? node.code, parent: existing.parent ?? node.parent)
        } else {
            nodes[node.name] = node
            names.append(node.name)
        }
        if let code = node.code ?? nodes[node.name]?.code { codes[code] = node.name }
    }

    /// The catalog's name for a place written by code, name or printed name; nil if unknown.
    public func name(of place: String) -> String? {
        if let name = codes[place] { return name }
        if nodes[place] != nil { return place }
        for suffix in ["办事处", "人民政府", "管理委员会"] where place.hasSuffix(suffix) {
            if let name = name(of: String(place.dropLast(suffix.count))) { return name }
        }
        for prefix in prefixes where place.hasPrefix(prefix) && place.count > prefix.count {
            if let name = name(of: String(place.dropFirst(prefix.count))) { return name }
        }
        return nil
    }

    /// The place and every place that contains it, each by its name and its code: a person
    /// registered in 陈埭镇 is registered in 陈埭镇, 晋江市 and 350582. An unknown place is
    /// itself, and a code inside a known city also that city.
    public func enclosing(_ place: String) -> Set<String> {
        var known = name(of: place)
        if known == nil, Self.isCode(place) {
            known = names.first { nodes[$0]!.parent == nil && nodes[$0]!.code.map { Self.code(place, isIn: $0) } == true }
        }
        guard let known, let chain = chains[known] else { return [place] }
        return chain.union([place])
    }

    /// Whether `inner` lies in `outer` (or is it), each given by code, name or printed name.
    public func contains(_ outer: String, _ inner: String) -> Bool {
        let forms = enclosing(inner)
        if forms.contains(outer) { return true }
        if let name = name(of: outer), forms.contains(name) { return true }
        if Self.isCode(outer), forms.contains(where: { Self.isCode($0) && Self.code($0, isIn: outer) }) { return true }
        return false
    }

    public static func isCode(_ text: String) -> Bool { text.utf8.count == 6 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// A six-digit division code lies in a city (code ending 00) if it shares its first four
    /// digits, and in a county or district if it is the same code.
    static func code(_ code: String, isIn jurisdiction: String) -> Bool {
        guard isCode(code) else { return false }
        if code == jurisdiction { return true }
        return jurisdiction.hasSuffix("00") && !jurisdiction.hasSuffix("0000") && code.prefix(4) == jurisdiction.prefix(4)
    }
}

extension Places {
    /// The catalog's names closest to `text` (by edit distance), for a suggestion.
    public func nearest(to text: String, limit: Int = 3) -> [String] {
        let scored = names.map { ($0, YAMLValue.editDistance(Array(text), Array($0))) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best = scored.first?.1, best <= max(2, text.count / 2) else { return [] }
        return scored.prefix { $0.1 == best }.prefix(limit).map(\.0)
    }
}
