import DebriefModel
import Foundation
import Scoring
import TestSupport
import Testing

/// Every SIMD kernel against its scalar reference on random inputs (seeded: the same cases every run).
/// Tolerances: dimension and overall scores ±0.001 point (FMA vs separate multiply-add, and a polynomial exp vs
/// libm's, on a 0–100 scale), match ±1e-5, everything integer or selection-based exact.
@Suite struct ScoringKernelTests {
    static func workload(_ candidates: Int, features: Int = 64, jobs: Int = 5, dimensions: Int = 8,
                         seed: UInt64 = 7) -> ScoringWorkload {
        try! ScoringWorkload(candidates: candidates, features: features, jobs: jobs, dimensions: dimensions, seed: seed)
    }

    @Test(arguments: [(1, 8, 1, 1), (3, 13, 2, 3), (37, 64, 5, 8), (130, 40, 3, 11), (257, 72, 4, 16)])
    func batchMatchesTheScalarReference(_ shape: (Int, Int, Int, Int)) throws {
        let (n, f, j, d) = shape
        let work = Self.workload(n, features: f, jobs: j, dimensions: d)
        let set = try JobSet(work.jobs)
        let simd = work.values.withUnsafeBufferPointer {
            BatchScorer.run(features: $0, candidates: n, jobs: set, top: 10, threads: 2, keepDimensionScores: true)
        }
        let scalar = work.values.withUnsafeBufferPointer {
            ScalarScoring.run(features: $0, candidates: n, jobs: work.jobs, top: 10)
        }
        for job in 0..<j {
            for i in 0..<n {
                let index = job * n + i
                let reference = work.values.withUnsafeBufferPointer {
                    ScalarScoring.dimensionScores($0.baseAddress! + i * work.features, job: work.jobs[job])
                }
                for dim in 0..<d {
                    let got = simd.dimensionScores![(i * j + job) * simd.paddedDimensions + dim]
                    #expect(abs(got - reference[dim]) <= 1e-3, "job \(job) candidate \(i) dimension \(dim)")
                }
                #expect(abs(simd.overall[index] - scalar.overall[index]) <= 1e-3)
                #expect(abs(simd.match[index] - scalar.match[index]) <= 1e-5)
                #expect(simd.overall[index].isFinite && simd.match[index].isFinite)
            }
            // Percentiles and levels are exact functions of the overall scores: check them on the SIMD scores.
            let overall = Array(simd.overall[(job * n)..<((job + 1) * n)])
            #expect(Array(simd.percentile[(job * n)..<((job + 1) * n)]) == ScalarScoring.percentiles(overall))
            #expect(Array(simd.level[(job * n)..<((job + 1) * n)])
                    == overall.map { UInt8(work.jobs[job].levelIndex($0)) })
            #expect(simd.top[job] == ScalarScoring.topK(overall, k: 10))
        }
    }

    @Test func resultsAreBitIdenticalWhateverTheThreadCount() throws {
        let work = Self.workload(1_001, jobs: 6)
        let set = try JobSet(work.jobs)
        let runs = [1, 2, 3, 7, 64].map { threads in
            work.values.withUnsafeBufferPointer {
                BatchScorer.run(features: $0, candidates: 1_001, jobs: set, top: 25, threads: threads,
                                keepDimensionScores: true)
            }
        }
        for run in runs.dropFirst() { #expect(run == runs[0]) }
    }

    @Test func normaliseMatchesTheReferenceIncludingMissingValues() {
        var random = SystemRandomNumberGenerator()
        let count = 24
        var x = (0..<(3 * count)).map { _ in Float.random(in: -50...50, using: &random) }
        x[2] = .nan
        x[9] = .infinity
        x[30] = -.infinity
        x[31] = 1e30
        let median = (0..<count).map { _ in Float.random(in: -5...5, using: &random) }
        let mad = (0..<count).map { _ in Float.random(in: 0.1...4, using: &random) }
        let inverse = mad.map { 1 / $0 }
        var z = [Float](repeating: 0, count: x.count)
        ScoringKernels.normalise(x, rows: 3, count: count, median: median, inverseMAD: inverse, into: &z)
        for i in x.indices {
            let reference = ScalarScoring.normalise(x[i], median: median[i % count], mad: mad[i % count])
            #expect(abs(z[i] - reference) <= 1e-5 * max(1, abs(reference)), "index \(i)")
        }
        #expect(z[2] == 0 && z[9] == 0 && z[30] == 0)
        #expect(z[31] == FeatureLayout.zLimit)
    }

    @Test func squashMatchesLibmOverTheWholeRange() {
        var x: [Float] = [-10, -1, 0, 1e-6, 0.5, 1, 2, 5, 10, 30, 86, 87, 88, 1e6]
        x += (0..<200).map { Float($0) * 0.05 }
        for chunk in stride(from: 0, to: x.count - 7, by: 8) {
            let values = ScoringKernels.Vector(x[chunk..<(chunk + 8)])
            let squashed = ScoringKernels.squash(values)
            for lane in 0..<8 {
                #expect(abs(squashed[lane] - ScalarScoring.squash(values[lane])) <= 1e-4, "x = \(values[lane])")
            }
        }
    }

    @Test func countBelowTopKAndBlendMatchTheReference() {
        var random = SystemRandomNumberGenerator()
        for count in [0, 1, 7, 8, 9, 100, 1_003] {
            var scores = (0..<count).map { _ in Float(Int.random(in: 0...40, using: &random)) } // many ties
            if count > 5 { scores[3] = .nan }
            let probe = Float(20)
            let simdBelow = scores.withUnsafeBufferPointer { ScoringKernels.countBelow(probe, in: $0) }
            #expect(simdBelow == ScalarScoring.countBelow(probe, in: scores))
            for k in [0, 1, 5, 50, 2_000] {
                let simdTop = scores.withUnsafeBufferPointer { ScoringKernels.topK($0, k: k) }
                #expect(simdTop == ScalarScoring.topK(scores, k: k), "count \(count) k \(k)")
            }
            let hr = (0..<count).map { i in i % 4 == 0 ? Float.nan : Float.random(in: 0...100, using: &random) }
            var blended = [Float](repeating: 0, count: count)
            var flagged = [Bool](repeating: false, count: count)
            scores.withUnsafeBufferPointer { ai in
                hr.withUnsafeBufferPointer { hr in
                    ScoringKernels.blend(ai: ai, hr: hr, aiWeight: 0.4, flagPoints: 20, blended: &blended,
                                         flagged: &flagged)
                }
            }
            for i in 0..<count {
                let (mix, flag) = ScalarScoring.blend(ai: scores[i], hr: hr[i], aiWeight: 0.4, flagPoints: 20)
                #expect(flag == flagged[i])
                #expect(mix.isNaN ? blended[i].isNaN : abs(mix - blended[i]) <= 1e-4)
            }
        }
    }

    @Test func degenerateBatches() throws {
        let work = Self.workload(10)
        let empty = try JobSet([])
        let none = work.values.withUnsafeBufferPointer { BatchScorer.run(features: $0, candidates: 10, jobs: empty) }
        #expect(none.overall.isEmpty && none.top.isEmpty)
        let set = try JobSet(work.jobs)
        let zero = work.values.withUnsafeBufferPointer { BatchScorer.run(features: $0, candidates: 0, jobs: set) }
        #expect(zero.overall.isEmpty && zero.top.count == work.jobs.count && zero.top.allSatisfy(\.isEmpty))
        let one = work.values.withUnsafeBufferPointer { BatchScorer.run(features: $0, candidates: 1, jobs: set) }
        #expect(one.percentile.allSatisfy { $0 == 0 }) // nobody to be better than
        #expect(one.top.allSatisfy { $0.map(\.index) == [0] })
    }

    @Test func invalidJobsAreRefusedWithAReason() {
        func spec(weights: [Float] = [1, 0, 0, 0, 0, 0, 0, 0], mad: Float = 1, dimensionWeights: [Float] = [1],
                  ideal: [Float] = [1]) throws(ScoringError) -> JobSpec {
            try JobSpec(id: "j", dimensions: 1, featureCount: 8, weights: weights,
                        median: Array(repeating: 0, count: 8), mad: Array(repeating: mad, count: 8),
                        dimensionWeights: dimensionWeights, ideal: ideal)
        }
        #expect(throws: ScoringError.self) { try spec(dimensionWeights: [0.7]) }
        #expect(throws: ScoringError.self) { try spec(ideal: [0]) }
        #expect(throws: ScoringError.self) { try spec(mad: 0) }
        #expect(throws: ScoringError.self) { try spec(weights: [.nan, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: ScoringError.self) { try spec(weights: [1]) }
        #expect((try? spec()) != nil)
    }
}

@Suite struct CompetencyScoringTests {
    let model: CompetencyModel = {
        var model = CompetencyModel(id: "m", version: 1, title: "M", dimensions: [
            .init(id: "a", name: "A", weight: 0.75, keywords: ["en": ["x"], "zh": ["甲"]]),
            .init(id: "b", name: "B", weight: 0.25, keywords: ["en": ["y"], "zh": ["乙"]]),
        ])
        model.salaryBands = [SalaryBand(id: "p6", name: "P6", min: 60), SalaryBand(id: "p5", name: "P5", min: 30)]
        return model
    }()

    func features(_ compiled: CompiledModel, strengths: [String: Double], answers: [Answer] = []) -> [Float] {
        FeatureVector.make(layout: compiled.layout, strengths: strengths, answers: answers, prosody: nil, visual: nil)
    }

    /// Strength s scores 100·(1 − e^(−s/2)) up to the ±6 MAD clamp (s = 12 → 99.8): one outlier cannot reach 100.
    @Test func ownEvidenceColumnReproducesTheSaturatingScore() throws {
        let compiled = try CompiledModel(model)
        for (strength, expected) in [(1.0, 39.3), (2.0, 63.2), (0.0, 0.0), (-1.0, 0.0), (100.0, 99.8)] {
            let scored = CompetencyScoring.score(compiled, features: features(compiled, strengths: ["a": strength]),
                                                 insufficient: nil)
            #expect(scored.scores[0] == expected, "strength \(strength)")
        }
    }

    @Test func overallMatchLevelAndBand() throws {
        let compiled = try CompiledModel(model)
        let scored = CompetencyScoring.score(compiled, features: features(compiled, strengths: ["a": 2]),
                                             insufficient: nil)
        #expect(scored.scores == [63.2, 0])
        #expect(scored.overall.score == 47.4)
        // cos([63.2, 0], [0.75, 0.25]) = 0.75 / √(0.625) = 0.9487
        #expect(isClose(scored.overall.matchPercent ?? 0, 94.9, tolerance: 0.05))
        #expect(scored.overall.level == "Fair")
        #expect(scored.overall.salaryBand == "P5")
        #expect(scored.overall.dimensionsScored == 2)
    }

    @Test func contributionsSumToTheScore() throws {
        var model = self.model
        model.dimensions[0].uses = ["star.result": 0.5, "fluency.fillersPer100": -0.3]
        let compiled = try CompiledModel(model)
        var answer = Answer(index: 0, question: nil, start: 0, end: 60, language: .en, wordCount: 100,
                            prosody: nil, visual: nil)
        let element = StarElement(present: true, evidence: [])
        answer.star = StarSummary(situation: element, task: element, action: element, result: element, order: "STAR",
                                  sequence: "STAR", resultQuantified: true, resultQuantities: ["30%"],
                                  hypothetical: false, iShare: 0.8, iCount: 8, weCount: 2, score: 90)
        let vector = features(compiled, strengths: ["a": 1.5], answers: [answer])
        let scored = CompetencyScoring.score(compiled, features: vector, insufficient: nil)
        let parts = scored.contributions[0]
        #expect(Set(parts.map(\.feature)) == ["content.a", "star.result", "fluency.fillersPer100"])
        #expect(isClose(parts.reduce(0) { $0 + $1.points }, scored.scores[0]!, tolerance: 0.05))
        // Missing fluency counts as typical: z = 0, no points.
        #expect(parts.first { $0.feature == "fluency.fillersPer100" }?.points == 0)
    }

    @Test func deliveryDescriptorsNeedAnOptIn() throws {
        var model = self.model
        model.dimensions[1].uses = ["prosody.speechRate": 0.4]
        #expect(throws: ScoringError.self) { try CompiledModel(model) }
        model.deliveryOptIn = true
        #expect((try? CompiledModel(model)) != nil)
        model.dimensions[1].uses = ["prosody.noSuchThing": 0.4]
        #expect(throws: ScoringError.self) { try CompiledModel(model) }
    }

    @Test func insufficientEvidenceGivesNoScores() throws {
        let scored = CompetencyScoring.score(try CompiledModel(model), features: [], insufficient: "no transcript")
        #expect(scored.scores == [nil, nil])
        #expect(scored.overall.score == nil)
        #expect(scored.overall.matchPercent == nil)
        #expect(scored.overall.dimensionsScored == 0)
        #expect(scored.overall.recommendation.contains("no transcript"))
    }

    @Test func noEvidenceAtAllScoresZeroWithoutNaN() throws {
        let compiled = try CompiledModel(model)
        let scored = CompetencyScoring.score(compiled, features: features(compiled, strengths: [:]), insufficient: nil)
        #expect(scored.overall.score == 0)
        #expect(scored.overall.matchPercent == nil)
        #expect(scored.overall.level == "Poor")
        #expect(scored.overall.salaryBand == nil)
    }

    @Test func percentileAmongStoredCandidates() {
        #expect(CompetencyScoring.percentile(of: 50, among: []) == nil)
        #expect(CompetencyScoring.percentile(of: 50, among: [10, 20, 50, 50, 80]) == 40)
        #expect(CompetencyScoring.percentile(of: 5, among: [10]) == 0)
    }
}

/// Ranking a job's candidates: order, ties, the unscored last, and percentiles equal to the per-candidate
/// reference (`CompetencyScoring.percentile` among the others).
@Suite struct CandidateRankingTests {
    @Test func ranksAndMatchesThePercentileReference() {
        var scores: [Double?] = []
        for index in 0..<300 {
            let value = Double((index * 37) % 1000) / 10
            scores.append(index % 17 == 0 ? nil : value)
        }
        scores += [55.5, 55.5]   // a tie: the earlier one ranks first
        let entries = CandidateRanking.rank(scores)
        #expect(entries.count == scores.count)
        let ranked = entries.filter { $0.rank != nil }
        #expect(ranked.map(\.rank!) == Array(1...ranked.count))
        #expect(entries.suffix(from: ranked.count).allSatisfy { scores[$0.index] == nil && $0.percentile == nil })
        for (earlier, later) in zip(ranked, ranked.dropFirst()) {
            let a = scores[earlier.index]!, b = scores[later.index]!
            #expect(a > b || (a == b && earlier.index < later.index))
        }
        let population = scores.compactMap { $0 }
        for entry in ranked {
            var others = population
            others.remove(at: others.firstIndex(of: scores[entry.index]!)!)
            #expect(entry.percentile == CompetencyScoring.percentile(of: scores[entry.index]!, among: others))
        }
        #expect(CandidateRanking.rank([42]).first?.percentile == nil)
        #expect(CandidateRanking.rank([]).isEmpty)
    }

    /// A percentile among two says 100 and 0: none is given below five scored candidates.
    @Test func percentilesNeedFiveScoredCandidates() {
        #expect(CandidateRanking.rank([80, 40, 60, nil, nil, 20]).allSatisfy { $0.percentile == nil })
        let five = CandidateRanking.rank([80, 40, 60, nil, 20, 10])
        #expect(five.filter { $0.rank != nil }.map(\.percentile) == [100, 75, 50, 25, 0])
    }
}
