import DebriefModel
import Foundation

/// One candidate's scores against one compiled model, computed by the same kernels as the batch core.
public struct CandidateScore: Sendable, Equatable {
    /// 0–100 per dimension, in model order.
    public var dimensionScores: [Float]
    public var overall: Float
    /// Cosine to the ideal profile (0–1); 0 when every score is 0.
    public var match: Float

    public init(dimensionScores: [Float], overall: Float, match: Float) {
        self.dimensionScores = dimensionScores
        self.overall = overall
        self.match = match
    }
}

extension CompiledModel {
    /// Scores one candidate (a batch of one through `BatchScorer`, so that single and batch scores are identical).
    public func score(_ features: [Float]) -> CandidateScore {
        precondition(features.count == layout.paddedCount, "score: the vector does not have the layout's width")
        let result = features.withUnsafeBufferPointer {
            BatchScorer.run(features: $0, candidates: 1, jobs: jobSet, top: 0, threads: 1, keepDimensionScores: true)
        }
        return CandidateScore(dimensionScores: Array(result.dimensionScores!.prefix(model.dimensions.count)),
                              overall: result.overall[0], match: result.match[0])
    }

    /// Per feature, its points in dimension `dimension`'s score: the weighted normalised values `c_f = W[d,f]·z_f`
    /// share the score in proportion, `points_f = score · c_f / Σ c`, so that they sum to the score. Features with
    /// no weight are left out; largest |points| first.
    public func explain(_ features: [Float], dimension: Int, score: Float) -> [Contribution] {
        let width = layout.paddedCount
        var parts: [(index: Int, z: Float, weight: Float, part: Float)] = []
        for f in layout.features.indices {
            let weight = spec.weights[dimension * width + f]
            guard weight != 0 else { continue }
            let z = ScalarScoring.normalise(features[f], median: spec.median[f], mad: spec.mad[f])
            parts.append((f, z, weight, weight * z))
        }
        let total = parts.reduce(Float(0)) { $0 + $1.part }
        return parts.map { part in
            let feature = layout.features[part.index]
            let value = features[part.index]
            let points = total > 0 ? Double(score) * Double(part.part) / Double(total) : 0
            return Contribution(feature: feature.id, label: feature.label, labelZh: feature.labelZh,
                                value: value.isFinite ? Double(value) : nil, z: Double(part.z),
                                weight: Double(part.weight), points: points)
        }.sorted { abs($0.points) > abs($1.points) || (abs($0.points) == abs($1.points) && $0.feature < $1.feature) }
    }
}

/// Scores a candidate against a competency model and says what the scores rest on.
///
/// Dimension scores, overall, match and level come from the SIMD core (`BatchScorer`, a batch of one); levels and
/// salary bands from the model's thresholds. Voice and picture descriptors weigh only in a model that opts in.
public enum CompetencyScoring {
    /// Minimum words of transcript before content is scored at all: about 20–25 seconds of speech. A Chinese
    /// character counts as 2/3 of a word (Chinese is spoken at about 1.5 characters per English word's time).
    public static let minimumWords = 50

    /// Words of a transcript for `minimumWords`.
    public static func scorableWords(englishWords: Int, hanCharacters: Int) -> Int {
        englishWords + hanCharacters * 2 / 3
    }

    public struct Scored: Sendable {
        /// Per dimension (model order): the score rounded to 0.1, or nil when content could not be scored.
        public var scores: [Double?]
        public var contributions: [[Contribution]]
        public var overall: Overall
    }

    /// - Parameters:
    ///   - features: the candidate's feature vector in `compiled.layout`.
    ///   - insufficient: when set, content cannot be scored (no transcript, too short): every score is nil with
    ///     this reason and the overall rests on no dimension.
    ///   - precomputed: the candidate's scores when a batch run already computed them (`BatchScorer`).
    public static func score(_ compiled: CompiledModel, features: [Float], insufficient: String?,
                             precomputed: CandidateScore? = nil) -> Scored {
        let model = compiled.model
        if let insufficient {
            return Scored(
                scores: Array(repeating: nil, count: model.dimensions.count),
                contributions: Array(repeating: [], count: model.dimensions.count),
                overall: Overall(score: nil, matchPercent: nil, level: "Insufficient evidence", levelZh: "证据不足",
                                 recommendation: "Content was not scored: \(insufficient). Supply a transcript or "
                                    + "review the recording.",
                                 recommendationZh: "未对内容评分（\(insufficient)）。请提供文字稿或复看录像。",
                                 dimensionsScored: 0))
        }
        let result = precomputed ?? compiled.score(features)
        let scores = result.dimensionScores.map { rounded(Double($0), 1) }
        let contributions = result.dimensionScores.enumerated().map { d, score in
            compiled.explain(features, dimension: d, score: score).map { contribution in
                var rounded = contribution
                rounded.points = Self.rounded(contribution.points, 2)
                rounded.z = Self.rounded(contribution.z, 3)
                return rounded
            }
        }
        let overallScore = rounded(Double(result.overall), 1)
        let level = model.level(for: overallScore)
        var overall = Overall(score: overallScore,
                              matchPercent: result.dimensionScores.contains { $0 > 0 }
                                ? rounded(Double(result.match) * 100, 1) : nil,
                              level: level.name, levelZh: level.nameZh, recommendation: level.recommendation,
                              recommendationZh: level.recommendationZh, dimensionsScored: scores.count)
        let band = model.salaryBand(for: overallScore)
        overall.salaryBand = band?.name
        overall.salaryBandZh = band?.nameZh ?? band?.name
        return Scored(scores: scores, contributions: contributions, overall: overall)
    }

    /// Percentile of `score` among `population` (share strictly lower by at least 0.1 point, in percent, to 0.1);
    /// nil for an empty population.
    public static func percentile(of score: Double, among population: [Double]) -> Double? {
        guard !population.isEmpty else { return nil }
        let bins = population.map { Float(ScoringKernels.bin(Float($0))) }
        let below = bins.withUnsafeBufferPointer {
            ScoringKernels.countBelow(Float(ScoringKernels.bin(Float(score))), in: $0)
        }
        return rounded(Double(below) * 100 / Double(population.count), 1)
    }

    static func rounded(_ value: Double, _ places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}
