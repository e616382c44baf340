import DebriefModel
import Foundation
import Pipeline
import TestSupport
import Testing

@Suite struct RescoringTests {
    let analyzer = Analyzer()

    /// Re-scoring with the same model gives the analysis' own scores (the same kernels, batch or single); a model
    /// with another weighting moves them; percentiles come from the re-scored population.
    @Test func rescoringReproducesThenFollowsTheModel() throws {
        let english = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("phone-screen-en.vtt"),
                                                           model: "sales-manager"))
        let chinese = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-zh.mkv"),
                                                           model: "sales-manager"))
        let model = try ModelCatalog(directory: Fixtures.models).model("sales-manager")
        let same = try Rescorer(model: model).rescore([english, chinese])
        for (before, after) in zip([english, chinese], same) {
            #expect(after.competencies.map(\.score) == before.competencies.map(\.score))
            #expect(after.overall.score == before.overall.score)
            #expect(after.overall.matchPercent == before.overall.matchPercent)
            #expect(after.revision == 2)
            // Two candidates are too few to rank by percentile.
            #expect(after.overall.percentile == nil && after.overall.percentilePopulation == nil)
        }
        // Among five, each is placed among the four others.
        let five = try Rescorer(model: model).rescore([english, chinese, english, chinese, english])
        #expect(five.map(\.overall.percentilePopulation) == [4, 4, 4, 4, 4])
        let (high, low) = english.overall.score! >= chinese.overall.score! ? (0, 1) : (1, 0)
        #expect(five[high].overall.percentile == (high == 0 ? 50 : 75) && five[low].overall.percentile == 0)

        var reweighted = model
        for index in reweighted.dimensions.indices {
            reweighted.dimensions[index].weight = index == 0 ? 0.6 : 0.4 / Double(reweighted.dimensions.count - 1)
        }
        reweighted.version += 1
        let moved = try Rescorer(model: reweighted).rescore(same)
        #expect(moved[0].model.version == model.version + 1 && moved[0].revision == 3)
        #expect(moved.map(\.overall.score) != same.map(\.overall.score))
        #expect(moved[0].competencies.map(\.score) == same[0].competencies.map(\.score)) // weights move only the overall
    }

    /// The two-way résumé check: a claim with no interview evidence, evidence with no claim, and a consistent one.
    @Test func resumeClaimsAreCheckedBothWays() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.vtt"), toPath: "\(directory)/sam.vtt")
        Fixtures.write("""
            candidate: Sam
            model: sales-manager
            resumeFile: sam-resume.md
            """, to: "\(directory)/sam.yaml")
        Fixtures.write("""
            # Sam
            - Led a sales team of six account executives
            - Negotiated multi-year enterprise contracts
            """, to: "\(directory)/sam-resume.md")
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/sam.vtt"))
        let findings = try #require(report.resumeCheck)
        let status = Dictionary(uniqueKeysWithValues: findings.map { ($0.competency, $0.status) })
        #expect(status["negotiation"] == .consistent)
        #expect(findings.first { $0.competency == "negotiation" }?.resumeLines
                == ["Negotiated multi-year enterprise contracts"])
        #expect(status["team-leadership"] == .claimedNotEvidenced)
        #expect(findings.first { $0.competency == "team-leadership" }?.interviewEvidence.isEmpty == true)
        #expect(status["customer-focus"] == .evidencedNotClaimed)
        #expect(findings.first { $0.competency == "customer-focus" }?.interviewEvidence.isEmpty == false)

        // A missing résumé file is a warning, not a failed analysis.
        Fixtures.write("candidate: Sam\nmodel: sales-manager\nresumeFile: gone.txt\n", to: "\(directory)/sam.yaml")
        let without = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/sam.vtt"))
        #expect(without.resumeCheck == nil)
        #expect(without.warnings.contains("résumé gone.txt: no such file; not checked"))
    }
}
