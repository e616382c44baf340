import DebriefModel
import Foundation

/// Evidence counted for one dimension, as the scoring core sees it.
public struct EvidenceCount: Sendable, Equatable {
    /// Weighted evidence: one mention inside a concrete action counts 1, passing mentions less, repeats saturate
    /// (see `DimensionEvidence.strength` in Transcripts).
    public var strength: Double

    public init(strength: Double) {
        self.strength = strength
    }
}

/// Scores a candidate against a competency model from weighted content evidence.
///
/// Per dimension the evidence strength is squashed to 0–100 by `100·(1 − e^(−strength/2))`: one concrete action
/// ≈ 39, two ≈ 63, three ≈ 78, five ≈ 92. The overall score is the weighted mean over the dimensions scored; the
/// match percentage is the cosine between the dimension scores and the model's weights (its ideal profile).
/// Voice and picture descriptors take no part.
public enum CompetencyScoring {
    /// Minimum words of transcript before content is scored at all.
    public static let minimumWords = 20

    public static func dimensionScore(_ count: EvidenceCount) -> Double {
        let score = 100 * (1 - exp(-max(0, count.strength) / 2))
        return (score * 10).rounded() / 10
    }

    /// Scores every dimension of `model`.
    /// - Parameters:
    ///   - counts: evidence per dimension id (missing ids count as no evidence).
    ///   - insufficient: when set, content cannot be scored (no transcript, too short): every score is nil with
    ///     this reason.
    /// - Returns: per-dimension scores in model order (evidence lists are filled in by the caller) and the overall.
    public static func score(model: CompetencyModel, counts: [String: EvidenceCount], insufficient: String?)
        -> (scores: [Double?], overall: Overall) {
        guard insufficient == nil else {
            return (Array(repeating: nil, count: model.dimensions.count),
                    Overall(score: nil, matchPercent: nil, level: "Insufficient evidence", levelZh: "证据不足",
                            recommendation: "Content was not scored: \(insufficient!). Supply a transcript or "
                                + "review the recording.",
                            recommendationZh: "未对内容评分（\(insufficient!)）。请提供文字稿或复看录像。",
                            dimensionsScored: 0))
        }
        let scores = model.dimensions.map {
            dimensionScore(counts[$0.id] ?? EvidenceCount(strength: 0))
        }
        let vector = scores.map { Float($0) }
        let weights = model.dimensions.map { Float($0.weight) }
        let overallScore = VectorKernels.weightedMean(vector, weights: weights).map { (Double($0) * 10).rounded() / 10 }
        let match = VectorKernels.cosine(vector, weights).map { (Double($0) * 1000).rounded() / 10 }
        let level = model.level(for: overallScore ?? 0)
        return (scores, Overall(score: overallScore, matchPercent: match, level: level.name, levelZh: level.nameZh,
                                recommendation: level.recommendation, recommendationZh: level.recommendationZh,
                                dimensionsScored: scores.count))
    }
}
