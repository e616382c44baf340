import DebriefModel
import Scoring
import TestSupport
import Testing

enum ScalarReference {
    static func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
    static func cosine(_ a: [Float], _ b: [Float]) -> Double? {
        let norms = dot(a, a) * dot(b, b)
        return norms > 0 ? dot(a, b) / norms.squareRoot() : nil
    }
}

@Suite struct VectorKernelTests {
    /// SIMD against the double-precision scalar reference: relative tolerance 1e-5.
    @Test(arguments: [0, 1, 5, 8, 9, 32, 64, 65, 257])
    func dotAndCosineMatchTheScalarReference(_ count: Int) {
        let a = (0..<count).map { _ in Float.random(in: -10...10) }
        let b = (0..<count).map { _ in Float.random(in: -10...10) }
        let magnitude = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0 * $1.1)) }
        #expect(isClose(Double(VectorKernels.dot(a, b)), ScalarReference.dot(a, b), tolerance: 1e-5 * max(1, magnitude)))
        if let reference = ScalarReference.cosine(a, b) {
            #expect(isClose(Double(VectorKernels.cosine(a, b) ?? 9), reference, tolerance: 1e-5))
        } else {
            #expect(VectorKernels.cosine(a, b) == nil)
        }
    }

    @Test func degenerateInputs() {
        #expect(VectorKernels.cosine([0, 0], [1, 1]) == nil)
        #expect(VectorKernels.weightedMean([1, 2], weights: [0, 0]) == nil)
        #expect(VectorKernels.weightedMean([10, 20], weights: [1, 3]) == 17.5)
    }
}

@Suite struct CompetencyScoringTests {
    let model = CompetencyModel(id: "m", version: 1, title: "M", dimensions: [
        .init(id: "a", name: "A", weight: 0.75, keywords: ["en": ["x"], "zh": ["甲"]]),
        .init(id: "b", name: "B", weight: 0.25, keywords: ["en": ["y"], "zh": ["乙"]]),
    ])

    @Test func dimensionScoresSquashStrength() {
        #expect(CompetencyScoring.dimensionScore(EvidenceCount(strength: 1)) == 39.3)
        #expect(CompetencyScoring.dimensionScore(EvidenceCount(strength: 2)) == 63.2)
        #expect(CompetencyScoring.dimensionScore(EvidenceCount(strength: 0)) == 0)
        #expect(CompetencyScoring.dimensionScore(EvidenceCount(strength: -1)) == 0)
        #expect(CompetencyScoring.dimensionScore(EvidenceCount(strength: 100)) == 100)
    }

    @Test func overallIsTheWeightedMeanAndMatchIsTheCosine() throws {
        let (scores, overall) = CompetencyScoring.score(
            model: model, counts: ["a": EvidenceCount(strength: 2)], insufficient: nil)
        #expect(scores == [63.2, 0])
        #expect(overall.score == 47.4)
        // cos([63.2, 0], [0.75, 0.25]) = 0.75 / √(0.625) = 0.9487
        #expect(isClose(overall.matchPercent ?? 0, 94.9, tolerance: 0.05))
        #expect(overall.level == "Fair")
        #expect(overall.dimensionsScored == 2)
    }

    @Test func insufficientEvidenceGivesNoScores() {
        let (scores, overall) = CompetencyScoring.score(model: model, counts: [:], insufficient: "no transcript")
        #expect(scores == [nil, nil])
        #expect(overall.score == nil)
        #expect(overall.matchPercent == nil)
        #expect(overall.dimensionsScored == 0)
        #expect(overall.recommendation.contains("no transcript"))
    }

    @Test func noEvidenceAtAllScoresZeroWithoutNaN() {
        let (_, overall) = CompetencyScoring.score(model: model, counts: [:], insufficient: nil)
        #expect(overall.score == 0)
        #expect(overall.matchPercent == nil)
        #expect(overall.level == "Poor")
    }
}
