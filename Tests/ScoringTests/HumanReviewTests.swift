import DebriefModel
import Scoring
import Testing

/// The AI/HR blend of one report and AI–human agreement, worked by hand (tolerance 1e-4: float32 kernel).
@Suite struct HumanReviewTests {
    let competencies: [(id: String, weight: Double, ai: Double?)] = [("a", 0.5, 80), ("b", 0.3, 40), ("c", 0.2, nil)]

    @Test func blendWeighsAIFortyHumanSixtyAndFlagsGapsOverTwentyPoints() throws {
        let ratings = [RaterPoints(rater: "hr", overall: 50, competencies: ["a": 70, "b": 90, "c": 60]),
                       RaterPoints(rater: "li", overall: nil, competencies: ["a": 90])]
        let (lines, overall) = HumanBlend.blend(competencies: competencies, overall: 64, ratings: ratings,
                                                settings: .standard)
        // a: HR mean of 70 and 90 = 80 → blend 80; same as the AI, no flag.
        #expect(lines[0].hr == 80 && lines[0].raters == 2)
        #expect(abs(lines[0].blended! - 80) < 1e-4 && !lines[0].flagged)
        // b: 0.4·40 + 0.6·90 = 70, and 50 points apart → flagged.
        #expect(abs(lines[1].blended! - 70) < 1e-4 && lines[1].flagged)
        // c: the AI could not score; the blend is the rating alone and nothing is flagged.
        #expect(lines[2].ai == nil && lines[2].blended == 60 && !lines[2].flagged)
        // Overall: hr gave 50; li's is the weighted mean of what li rated (a only: 90) → HR mean 70;
        // 0.4·64 + 0.6·70 = 67.6; 6 points apart, not flagged.
        #expect(overall.hr == 70 && overall.raters == 2)
        #expect(abs(overall.blended! - 67.6) < 1e-4 && !overall.flagged)
    }

    @Test func unratedItemsKeepTheAIScoreAndTheModelsWeightsApply() {
        let (lines, overall) = HumanBlend.blend(competencies: competencies, overall: 64,
                                                ratings: [RaterPoints(rater: "hr", overall: 20, competencies: [:])],
                                                settings: ScoreBlend(ai: 0.7, flagPoints: 40))
        #expect(lines.map(\.blended) == [80, 40, nil] && lines.allSatisfy { $0.hr == nil && !$0.flagged })
        #expect(abs(overall.blended! - (0.7 * 64 + 0.3 * 20)) < 1e-4)
        #expect(overall.flagged)  // 44 > 40
        let none = HumanBlend.blend(competencies: competencies, overall: nil, ratings: [], settings: .standard)
        #expect(none.overall.blended == nil && none.overall.raters == 0)
    }

    @Test func agreementIsPearsonsRAndTheMeanDifference() throws {
        let linear = Agreement(pairs: [(10, 25), (20, 45), (30, 65), (40, 85)], flagPoints: 20)
        #expect(abs(try #require(linear.correlation) - 1) < 1e-12)
        #expect(linear.meanDifference == 30 && linear.meanAbsoluteDifference == 30 && linear.flagged == 3)  // 15 is within 20
        let opposite = Agreement(pairs: [(10, 90), (50, 50), (90, 10)], flagPoints: 20)
        #expect(abs(try #require(opposite.correlation) + 1) < 1e-12)
        // Hand-worked: x = 60, 70, 80, 90; y = 55, 80, 70, 95 → r = 0.84366 (numpy.corrcoef).
        let mixed = Agreement(pairs: [(60, 55), (70, 80), (80, 70), (90, 95)], flagPoints: 20)
        #expect(abs(try #require(mixed.correlation) - 0.8436614877) < 1e-9)
        #expect(mixed.flagged == 0 && mixed.meanDifference == 0)
        // Too few pairs, or no spread: no correlation, but the differences still count.
        #expect(Agreement(pairs: [(10, 40), (20, 30)], flagPoints: 20).correlation == nil)
        #expect(Agreement(pairs: [(50, 40), (50, 30), (50, 20)], flagPoints: 20).correlation == nil)
        #expect(Agreement(pairs: [], flagPoints: 20).meanDifference == nil)
    }
}
