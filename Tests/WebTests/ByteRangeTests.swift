import Testing
@testable import Web

/// Range headers as browsers send them when a player seeks (RFC 9110 §14.1.2), against a 1,000-byte file.
@Suite struct ByteRangeTests {
    @Test func singleRangesAreServedAndClamped() {
        #expect(ByteRange(header: "bytes=0-99", size: 1000) == .part(0...99))
        #expect(ByteRange(header: "bytes=100-", size: 1000) == .part(100...999))
        #expect(ByteRange(header: "bytes=-50", size: 1000) == .part(950...999))
        #expect(ByteRange(header: "bytes=-5000", size: 1000) == .part(0...999))
        #expect(ByteRange(header: "bytes=990-2000", size: 1000) == .part(990...999))
        #expect(ByteRange(header: "bytes=999-999", size: 1000) == .part(999...999))
    }

    @Test func rangesPastTheEndAreUnsatisfiable() {
        #expect(ByteRange(header: "bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=5000-6000", size: 1000) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=-0", size: 1000) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=0-", size: 0) == .unsatisfiable)
    }

    /// What the server may ignore (RFC 9110 allows answering 200 with the whole file): no header, other units,
    /// several ranges, reversed or malformed ones.
    @Test func anythingElseGetsTheWholeFile() {
        for header in [nil, "items=0-5", "bytes=0-5,10-20", "bytes=50-10", "bytes=a-b", "bytes=", "bytes=-"] {
            #expect(ByteRange(header: header, size: 1000) == .whole, "\(header ?? "nil")")
        }
    }
}
