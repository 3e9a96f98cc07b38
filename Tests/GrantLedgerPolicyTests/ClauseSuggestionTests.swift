import GrantLedgerEvents
import GrantLedgerPolicy
import Testing

/// The catalog as the registry of clause ids events may name, and what it suggests for an id
/// it does not have.
@Suite("The catalog's clause suggestions")
struct ClauseSuggestionTests {
    static let catalog = try! PolicyCatalog.bundled()

    @Test("an unknown id is answered with what was probably meant", arguments: [
        // Full-width punctuation, letters and digits, as a Chinese input method types them.
        ("XM-2023-187/（九）-b", ["XM-2023-187/(九)-b"]),
        ("ＪＪ－２０１９－７９／６．７", ["JJ-2019-79/6.7"]),
        // A clause the catalog divides: its parts, not its neighbour (八), one character away.
        ("XM-2023-187/(九)", ["XM-2023-187/(九)-a", "XM-2023-187/(九)-b", "XM-2023-187/(九)-c"]),
        ("XM-2023-187/（九）", ["XM-2023-187/(九)-a", "XM-2023-187/(九)-b", "XM-2023-187/(九)-c"]),
        // A slip: the nearest by edit distance.
        ("JJ-2019-79/6.77", ["JJ-2019-79/6.7"]),
        ("XM-2023-187/general-cup", ["XM-2023-187/general-cap"]),
        // Nothing near.
        ("ZZ-1999-1/whatever-this-is", []),
    ])
    func suggestions(typed: String, expected: [String]) {
        #expect(!Self.catalog.contains(clause: typed))
        #expect(Self.catalog.suggestions(for: typed) == expected)
    }

    @Test("every clause id of the catalog is known, once")
    func clauseIDs() {
        let ids = Self.catalog.clauseIDs
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy(Self.catalog.contains(clause:)))
        #expect(ids.contains("XM-2023-187/(九)-b"))
    }
}
