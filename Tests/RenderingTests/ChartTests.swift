import Testing
@testable import Rendering

/// The charts' text: long competency names wrap instead of being cut; the profile's legend says what it shows.
@Suite struct ChartTests {
    @Test func longNamesWrapOntoTwoLines() {
        #expect(Charts.wrap("Problem solving", columns: 27) == ["Problem solving"])
        #expect(Charts.wrap("Collaboration and communication", columns: 27) == ["Collaboration and", "communication"])
        // Chinese characters count two columns: 14 of them do not fit in 27.
        #expect(Charts.wrap("跨部门沟通协作与利益相关方管理能力", columns: 27) == ["跨部门沟通协作与利益相关方", "管理能力"])
        let long = Charts.wrap(String(repeating: "word ", count: 20), columns: 27)
        #expect(long.count == 2 && long[1].hasSuffix("…") && long.allSatisfy { $0.count <= 27 })
        let svg = Charts.profile([.init(label: "Collaboration and communication", score: 80, ideal: 70)],
                                 caption: "profile", notScored: "not scored")
        #expect(svg.contains("Collaboration and<tspan") && svg.contains(">communication</tspan>"))
    }
}
