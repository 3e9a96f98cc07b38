import Testing

@testable import GrantLedgerEvents

@Suite struct ResidentIDTests {
    @Test(arguments: [
        "11010519491231002X", "35020319900101123X", "350205198805122013", "350582198506150021",
        "330108199803040019", "620102199507071233",
    ])
    func acceptsValidNumbers(text: String) throws {
        #expect(try ResidentID(validating: text).digits == text)
        #expect(ResidentID.isValid(text))
    }

    @Test func acceptsALowerCaseXAndNormalisesIt() throws {
        #expect(try ResidentID(validating: "11010519491231002x").digits == "11010519491231002X")
    }

    @Test(arguments: [
        ("35020319900101123", ResidentID.Problem.wrongLength(17)),
        ("35020319900101123X0", .wrongLength(19)),
        ("", .wrongLength(0)),
        ("陈建华", .wrongLength(3)),
        ("3502031990010112AX", .notDigits),
        ("35020319900101123Y", .notDigits),
        ("350203199013011235", .badBirthDate),
        ("350203199002301234", .badBirthDate),
        ("350203189901011234", .badBirthDate),
        ("350203199001011234", .badCheckDigit),
        ("350203199001011230", .badCheckDigit),
    ])
    func rejectsInvalidNumbers(text: String, problem: ResidentID.Problem) {
        #expect(throws: problem) { try ResidentID(validating: text) }
        #expect(!ResidentID.isValid(text))
    }

    @Test func masksAllButDivisionAndLastFour() throws {
        let id = try ResidentID(validating: "35020319900101123X")
        #expect(id.masked == "350203********123X")
        #expect(id.description == "350203********123X")
        #expect("\(id)" == "350203********123X")
        #expect(ResidentID.mask("350203199001011234") == "350203********1234")
        #expect(ResidentID.mask("short") == "*****")
    }

    @Test func completesSeventeenDigitsWithTheCheckCharacter() {
        #expect(ResidentID.withCheckCharacter("11010519491231002") == "11010519491231002X")
        #expect(ResidentID.withCheckCharacter("35020319900101123") == "35020319900101123X")
        #expect(ResidentID.withCheckCharacter("3502031990010112") == nil)
        #expect(ResidentID.withCheckCharacter("3502031990010112A") == nil)
    }

    @Test func problemsSayWhatIsWrongWithoutTheNumber() {
        #expect(ResidentID.Problem.badCheckDigit.description.contains("check character (GB 11643)"))
        #expect(ResidentID.Problem.wrongLength(17).description == "a resident ID has 18 characters, this one has 17")
    }

    @Test func findsAResidentIDHiddenInText() {
        #expect(Pseudonym.embeddedResidentID(in: "身份证35020319900101123X号") == 4...21)
        #expect(Pseudonym.embeddedResidentID(in: "S3502002024000123") == nil)
        #expect(Pseudonym.embeddedResidentID(in: "350203199001011234") == nil)  // wrong check digit
        #expect(Pseudonym.isPseudonym("P0123456789abcdef01234567"))
        #expect(!Pseudonym.isPseudonym("P0123456789ABCDEF01234567"))
        #expect(!Pseudonym.isPseudonym("P0123456789abcdef0123456"))
    }
}
