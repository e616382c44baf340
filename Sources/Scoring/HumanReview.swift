import DebriefModel

/// One score with its human side: the AI score, the raters' mean, the blend of the two, and whether they differ by
/// more than the model's flag points.
public struct BlendedScore: Sendable, Equatable {
    public var ai: Double?
    public var hr: Double?
    public var raters: Int
    public var blended: Double?
    public var flagged: Bool

    public init(ai: Double?, hr: Double?, raters: Int, blended: Double?, flagged: Bool) {
        self.ai = ai
        self.hr = hr
        self.raters = raters
        self.blended = blended
        self.flagged = flagged
    }
}

/// What a rater said of one report, reduced to points: per competency id and overall (0–100, nil when not rated).
public struct RaterPoints: Sendable, Equatable {
    public var rater: String
    public var overall: Double?
    public var competencies: [String: Double]

    public init(rater: String, overall: Double?, competencies: [String: Double]) {
        self.rater = rater
        self.overall = overall
        self.competencies = competencies
    }
}

/// The AI/HR blend of a report (the model's `blend:` weights, default AI 40 %, HR 60 %) and its discrepancy flags,
/// through the SIMD blend kernel of the scoring core.
public enum HumanBlend {
    /// `competencies`: the report's (id, weight, AI score) in its order; `overall`: the AI overall score. A rater's
    /// overall is theirs when given, else the weighted mean of the competencies they rated (the report's weights).
    /// Each HR value is the mean over the raters who rated it. Where no one rated, the blend is the AI score; where
    /// the AI could not score (insufficient evidence), it is the HR mean and nothing is flagged.
    public static func blend(competencies: [(id: String, weight: Double, ai: Double?)], overall: Double?,
                             ratings: [RaterPoints], settings: ScoreBlend) -> (competencies: [BlendedScore],
                                                                                overall: BlendedScore) {
        func raterOverall(_ rating: RaterPoints) -> Double? {
            if let overall = rating.overall { return overall }
            let rated = competencies.compactMap { item in rating.competencies[item.id].map { (item.weight, $0) } }
            let weight = rated.reduce(0) { $0 + $1.0 }
            guard weight > 0 else { return nil }
            return rated.reduce(0) { $0 + $1.0 * $1.1 } / weight
        }
        let columns: [[Double]] = competencies.map { item in ratings.compactMap { $0.competencies[item.id] } }
            + [ratings.compactMap(raterOverall)]
        let ai = competencies.map(\.ai) + [overall]
        let hr = columns.map { $0.isEmpty ? nil : $0.reduce(0, +) / Double($0.count) }
        // The kernel takes NaN for "not rated"; scores the AI could not give are blended as HR alone below.
        let aiFloats = ai.map { Float($0 ?? 0) }, hrFloats = hr.map { $0.map(Float.init) ?? .nan }
        var blended = [Float](repeating: 0, count: ai.count)
        var flagged = [Bool](repeating: false, count: ai.count)
        aiFloats.withUnsafeBufferPointer { a in
            hrFloats.withUnsafeBufferPointer { h in
                blended.withUnsafeMutableBufferPointer { out in
                    flagged.withUnsafeMutableBufferPointer { flags in
                        ScoringKernels.blend(ai: a, hr: h, aiWeight: Float(settings.ai),
                                             flagPoints: Float(settings.flagPoints), blended: out.baseAddress!,
                                             flagged: flags.baseAddress!)
                    }
                }
            }
        }
        // The kernel works in float32: the blend is reported to 0.01 point; unrated, it is the AI score itself.
        let scores = ai.indices.map { index in
            let mixed = hr[index] == nil ? ai[index] : ai[index] == nil ? hr[index]
                : (Double(blended[index]) * 100).rounded() / 100
            return BlendedScore(ai: ai[index], hr: hr[index], raters: columns[index].count, blended: mixed,
                                flagged: ai[index] != nil && flagged[index])
        }
        return (Array(scores.dropLast()), scores.last!)
    }
}

/// How far the AI and people agree, over pairs of scores (AI, HR) of the same reports.
public struct Agreement: Sendable, Equatable {
    public var pairs: Int
    /// Pearson's r; nil with fewer than 3 pairs or no spread on either side.
    public var correlation: Double?
    /// Mean of HR − AI: above 0, people score higher than the AI (a lenient rater), below 0 stricter.
    public var meanDifference: Double?
    public var meanAbsoluteDifference: Double?
    /// Pairs further apart than the flag points.
    public var flagged: Int

    public init(pairs: [(ai: Double, hr: Double)], flagPoints: Double) {
        self.pairs = pairs.count
        flagged = pairs.filter { abs($0.ai - $0.hr) > flagPoints }.count
        guard !pairs.isEmpty else { return }
        let count = Double(pairs.count)
        meanDifference = pairs.reduce(0) { $0 + ($1.hr - $1.ai) } / count
        meanAbsoluteDifference = pairs.reduce(0) { $0 + abs($1.hr - $1.ai) } / count
        guard pairs.count >= 3 else { return }
        let meanAI = pairs.reduce(0) { $0 + $1.ai } / count, meanHR = pairs.reduce(0) { $0 + $1.hr } / count
        var covariance = 0.0, varianceAI = 0.0, varianceHR = 0.0
        for pair in pairs {
            covariance += (pair.ai - meanAI) * (pair.hr - meanHR)
            varianceAI += (pair.ai - meanAI) * (pair.ai - meanAI)
            varianceHR += (pair.hr - meanHR) * (pair.hr - meanHR)
        }
        guard varianceAI > 1e-9, varianceHR > 1e-9 else { return }
        correlation = covariance / (varianceAI * varianceHR).squareRoot()
    }
}
