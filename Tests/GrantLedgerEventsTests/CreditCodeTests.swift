import Testing

@testable import GrantLedgerEvents

@Suite struct CreditCodeTests {
    /// Real codes (Shenzhen and Beijing enterprises) and the catalog examples' cast.
    @Test(arguments: [
        "914403001922038216", "9144030071526726XG", "91110000802100433B",
        "91350200MA31XM001A", "52350203MJ0000001R", "91350582MA2XJJ001R", "91350200MA31XM002D",
        "12350200MB00000014", "91330108MA2BJ00017", "51350200MJ1000002T",
    ])
    func acceptsValidCodes(code: String) throws {
        #expect(try CreditCode(validating: code).code == code)
    }

    @Test(arguments: [
        ("914403001922038217", CreditCode.Problem.badCheckCharacter),  // check character changed
        ("914403001922038316", .badCheckCharacter),  // a body character changed
        ("9144030071526726YG", .badCheckCharacter),
        ("91440300192203821", .wrongLength(17)),
        ("9144030019220382166", .wrongLength(19)),
        ("91440300I922038216", .badCharacter(position: 9)),
        ("91440300O922038216", .badCharacter(position: 9)),
        ("9144030071526726xg", .badCharacter(position: 17)),
    ])
    func rejectsInvalidCodes(code: String, problem: CreditCode.Problem) {
        #expect(throws: problem) { try CreditCode(validating: code) }
        #expect(!CreditCode.isValid(code))
    }

    @Test func everySingleCharacterChangeIsCaught() throws {
        let code = Array("91110000802100433B")
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        for position in code.indices {
            for replacement in alphabet where replacement != code[position] {
                var changed = code
                changed[position] = replacement
                #expect(!CreditCode.isValid(String(changed)), "\(String(changed))")
            }
        }
    }

    @Test func completesSeventeenCharactersWithTheCheckCharacter() {
        #expect(CreditCode.withCheckCharacter("91110000802100433") == "91110000802100433B")
        #expect(CreditCode.withCheckCharacter("9111000080210043") == nil)
        #expect(CreditCode.withCheckCharacter("9111000080210043I") == nil)
    }
}
