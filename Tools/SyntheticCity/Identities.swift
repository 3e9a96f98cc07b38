import GrantLedgerEvents

extension SyntheticCity {
    /// Who person `index` is: enough for a tour or a test to name them.
    public struct Resident: Sendable, Hashable {
        /// The person's number in the city, from 0.
        public let index: Int
        /// An 18-character resident ID with a valid GB 11643 check character.
        public let residentID: String
        public let name: String
        public let place: Place
        /// The block of a thousand people of the place the person belongs to (see ``SyntheticCity``).
        public let block: Int
    }

    /// Where person `index` lives, and their rank among that place's people.
    static func locate(_ index: Int) -> (place: Place, rank: Int) {
        let place = Place.pattern[index % 10]
        return (place, index / 10 * place.perTen + Place.rankInPattern[index % 10])
    }

    /// Person `index`'s resident ID, issued in `region`: a birth date from 1964 to 2003 and a
    /// sequence number, so that the first 14.6 million people have distinct IDs whatever
    /// their regions.
    static func residentID(_ index: Int, region: String) -> String {
        let first17 = region + birthDigits(index) + pad((index / 14_600) % 1000, 3)
        return ResidentID.withCheckCharacter(first17)!
    }

    static func birthDate(_ index: Int) -> LocalDate { firstBirth.adding(days: (index &* 7919) % 14_600) }
    private static let firstBirth = LocalDate(year: 1964, month: 1, day: 1)!

    private static func birthDigits(_ index: Int) -> String {
        let birth = birthDate(index)
        return pad(birth.year, 4) + pad(birth.month, 2) + pad(birth.day, 2)
    }

    /// A name: a common surname and one or two given characters.
    static func name(_ index: Int, seed: UInt64) -> String {
        var r = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
        let surname = surnames[r.int(0..<surnames.count)]
        let first = givenNames[r.int(0..<givenNames.count)]
        return r.chance(70) ? surname + first + givenNames[r.int(0..<givenNames.count)] : surname + first
    }

    private static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤洪").map(String.init)
    private static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华红玉萍飞鹏辉建国文斌宇浩婷雪琳晨欣怡轩然子涵梓睿思源佳宏志海燕春梅秀英丹波鑫凯").map(String.init)

    // MARK: Organisations

    /// Enterprise `number` (0 to 4) of a block.
    public static func enterprise(_ place: Place, block: Int, _ number: Int) -> String {
        CreditCode.withCheckCharacter("91" + place.code + "MA" + pad(block * 10 + number, 7))!
    }

    /// The block's training institution (a private non-enterprise unit).
    public static func institution(_ place: Place, block: Int) -> String {
        CreditCode.withCheckCharacter("52" + place.code + "MJ" + pad(block, 7))!
    }

    /// A Xiamen block's labour-cooperation agency.
    public static func agency(block: Int) -> String {
        CreditCode.withCheckCharacter("91" + Place.xiamen.code + "MB" + pad(block, 7))!
    }

    /// A Binjiang block's skill master studio.
    public static func studio(block: Int) -> String {
        CreditCode.withCheckCharacter("52" + Place.binjiang.code + "MK" + pad(block, 7))!
    }

    static func division(_ place: Place, block: Int) -> String { place.divisions[(block / 3) % place.divisions.count] }
}

/// Zero-padded decimal digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
