import DebriefModel
import Foundation
import Testing

/// YAML from outside is checked on libyaml's events before any node is built: every bomb shape is refused at once,
/// with the file and the limit named; real models and metadata pass.
@Suite struct YAMLGuardTests {
    /// `levels` anchors, each a list of `width` aliases of the one before (a billion laughs).
    static func laughs(levels: Int, width: Int = 10, asKey: Bool = false) -> String {
        var text = "a0: &a0 [" + Array(repeating: "lol", count: width).joined(separator: ", ") + "]\n"
        for level in 1..<levels {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: width).joined(separator: ", ")
                + "]\n"
        }
        return text + (asKey ? "? *a\(levels - 1)\n: boom\n" : "all: *a\(levels - 1)\n")
    }

    func refused(_ text: String, _ expected: String) throws {
        let started = ContinuousClock.now
        let error = try #require(throws: ModelError.self) {
            try RecordingMetadata.parse(text: text, file: "inbox/bomb.yaml")
        }
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(error.code == .tooLarge)
        #expect(error.description.hasPrefix("inbox/bomb.yaml:"), "\(error)")
        #expect(error.reason.contains(expected), "\(error.reason)")
        // The same limits hold for competency models.
        #expect(throws: ModelError.self) { try CompetencyModel.parse(yaml: text, file: "Models/bomb.yaml") }
    }

    @Test func aliasesOfAliasesAsValues() throws {
        // 60 alias uses expanding to a million nodes: under the alias limit, over the expansion limit.
        try refused(Self.laughs(levels: 7, width: 10), "expands to more than")
        // Many small aliases: each cheap, but more than anything Debrief reads needs.
        try refused("a: &a x\nlist: [" + Array(repeating: "*a", count: 100).joined(separator: ", ") + "]\n", "aliases")
    }

    @Test func anAliasAsAMappingKey() throws {
        // The 688-byte file that stalled Yams' duplicate-key check: a key aliasing 10¹² nodes.
        try refused(Self.laughs(levels: 4, width: 10, asKey: true), "as a mapping key")
    }

    @Test func deepFlowAndDeepBlockNesting() throws {
        try refused(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000), "nests deeper")
        var block = ""
        for depth in 0..<200 { block += String(repeating: "  ", count: depth) + "k\(depth):\n" }
        block += String(repeating: "  ", count: 200) + "leaf: 1\n"
        try refused(block, "nests deeper")
    }

    @Test func tooLargeIsRefusedUnread() {
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: YAMLLimits.metadata.bytes + 1)
        #expect(throws: ModelError.self) { try RecordingMetadata.parse(data: big, file: "m.yaml") }
    }

    @Test func ordinaryDocumentsPass() throws {
        let metadata = try RecordingMetadata.parse(text: """
            candidate: 王芳
            defaults: &d {text: Tell me about a time, start: 0, end: 10}
            questions:
              - *d
              - {id: q2, text: "*not an alias*", start: 10, end: 20}
            """, file: "ok.yaml")
        #expect(metadata.candidate == "王芳" && metadata.questions.count == 2)
        #expect(metadata.questions[1].text == "*not an alias*")
    }
}
