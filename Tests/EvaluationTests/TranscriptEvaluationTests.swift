import DebriefModel
import Foundation
import Evaluation
import Pipeline
import TestSupport
import Testing

/// Transcript analysis measured on labelled answers: our own set (Tests/Data/star-own, 48 answers written before
/// the classifier) and the shared dev set. The floors are the figures measured when this was written, less a small
/// margin; the targets that are not yet met are stated beside them.
@Suite struct TranscriptEvaluationTests {
    func summary(_ directory: String) throws -> TranscriptEvaluation.Summary {
        let model = try ModelCatalog(directory: Fixtures.models).model("general")
        return try TranscriptEvaluation(directory: directory, model: model).run()
    }

    @Test func ownLabelledSet() throws {
        let result = try summary(Fixtures.root + "/Tests/Data/star-own")
        #expect(result.cases.count == 48)
        // Targets: F1 ≥ 0.85 for S, A, R; ≥ 0.75 for T.
        #expect(result.counts("situation").f1! >= 0.85)
        #expect(result.counts("task").f1! >= 0.80)
        #expect(result.counts("action").f1! >= 0.88)
        #expect(result.counts("result").f1! >= 0.85)
        // Target 0.90; measured 0.92.
        #expect(result.counts("resultQuantified").f1! >= 0.90)
        // Targets: caught ≥ 90 %, false flags ≤ 5 %.
        for flag in ["hypothetical", "keywordStuffed"] {
            #expect(result.counts(flag).recall! >= 0.9)
            #expect(result.counts(flag).falseFlagRate! <= 0.05)
        }
        // Targets precision ≥ 0.80, recall ≥ 0.60 (measured 0.84 / 0.65).
        #expect(result.competencyCounts().precision! >= 0.80)
        #expect(result.competencyCounts().recall! >= 0.60)
        #expect(result.deniedButCounted() == 0)
        #expect(result.fillerCounts().f1! >= 0.9)
    }

    static let sharedDevSetPresent = FileManager.default.fileExists(atPath: Fixtures.sharedData + "/star-dev/labels.jsonl")

    @Test(.enabled(if: sharedDevSetPresent, "needs ../shared/data/star-dev beside the repository"))
    func sharedDevSet() throws {
        let directory = Fixtures.sharedData + "/star-dev"
        let result = try summary(directory)
        #expect(result.cases.count == 16)
        #expect(result.counts("situation").f1! >= 0.85)
        #expect(result.counts("action").f1! >= 0.85)
        #expect(result.counts("result").f1! >= 0.85)
        #expect(result.counts("task").f1! >= 0.75)
        // Measured 0.89 (one of five missed in a run-on answer); target 0.90.
        #expect(result.counts("resultQuantified").f1! >= 0.85)
        // Measured P 0.69, R 0.79: these labels name the competency the question asked about, and the analysis
        // also finds the others a story shows (a write-up to the manager is communication there too).
        #expect(result.competencyCounts().recall! >= 0.60)
        #expect(result.deniedButCounted() == 0)
        #expect(result.fillerCounts().f1! >= 0.9)
    }

    static let validationSetPresent = FileManager.default.fileExists(atPath: Fixtures.sharedData + "/star-dev2/labels.jsonl")

    /// The validation set (120 answers by an author who never saw the rules; validated on, never tuned to), each
    /// language apart. The floors are today's figures less a small margin, so that nothing slips back; the issue's
    /// targets (evidence P ≥ 0.80, R ≥ 0.70 per language, no denied skill counted) are not met yet (README).
    @Test(.enabled(if: validationSetPresent, "needs ../shared/data/star-dev2 beside the repository"),
          arguments: [("en", 0.70, 0.55, 0.50, 0.10, 0), ("zh", 0.90, 0.80, 0.45, 0.20, 2)])
    func validationSet(language: String, situation: Double, task: Double, precision: Double, recall: Double,
                       denied: Int) throws {
        let result = try summary(Fixtures.sharedData + "/star-dev2")
        #expect(result.cases.filter { $0.language == language }.count == 60)
        // Measured S 0.76 / 0.94, T 0.64 / 0.85, A 0.99 / 0.96, R 0.87 / 0.92 (en / zh).
        #expect(result.counts("situation", language: language).f1! >= situation)
        #expect(result.counts("task", language: language).f1! >= task)
        #expect(result.counts("action", language: language).f1! >= 0.90)
        #expect(result.counts("result", language: language).f1! >= 0.85)
        // Measured P 0.55 / 0.51, R 0.14 / 0.24 with shown evidence only; any mention would be P 0.48 / 0.39,
        // R 0.64 / 0.63.
        let evidence = result.competencyCounts(language: language)
        #expect(evidence.precision! >= precision && evidence.recall! >= recall)
        #expect(result.deniedButCounted(language: language) <= denied)
        #expect(result.counts("keywordStuffed", language: language).recall! >= 0.9)
    }
}
