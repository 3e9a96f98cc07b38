@testable import GrantLedgerProjections
import Testing

/// The rebuild's memo of links written may forget a link, never claim one it was not given.
@Suite struct RebuildMemoTests {
    @Test func claimsOnlyWhatItWasGivenAndForgetsOnceItsSlotsAreFull() {
        let memo = RebuildMemo()
        memo.insert(link: "org:A", "person:p1")
        #expect(memo.contains(link: "org:A", "person:p1"))
        #expect(!memo.contains(link: "org:A", "person:p2"))
        #expect(!memo.contains(link: "person:p1", "org:A"))
        // Four times as many links as slots: many collide. Every claim is of a link given, and
        // of the last fifth given most are still held.
        let count = RebuildMemo.slots * 4
        for n in 0..<count { memo.insert(link: "org:\(n % 977)", "person:\(n)") }
        var held = 0
        for n in 0..<count where memo.contains(link: "org:\(n % 977)", "person:\(n)") { held += 1 }
        for n in count..<(count + 50_000) { #expect(!memo.contains(link: "org:\(n % 977)", "person:\(n)")) }
        #expect(held <= RebuildMemo.slots)
        let recent = (count - RebuildMemo.slots / 5..<count).filter { memo.contains(link: "org:\($0 % 977)", "person:\($0)") }.count
        #expect(recent * 10 >= RebuildMemo.slots / 5 * 8)
    }
}
