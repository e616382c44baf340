import DebriefModel

/// Builds a candidate's feature vector (layout version 1) from what the analysis measured.
public enum FeatureVector {
    /// - Parameters:
    ///   - strengths: weighted evidence per competency id (missing: 0).
    ///   - answers: the report's answers (STAR and fluency per answer).
    ///   - prosody, visual: the whole recording's delivery descriptors (nil: missing, counted as typical).
    /// - Returns: `layout.paddedCount` floats; NaN marks a missing descriptor (it normalises to 0).
    public static func make(layout: FeatureLayout, strengths: [String: Double], answers: [Answer],
                            prosody: ProsodySummary?, visual: VisualSummary?) -> [Float] {
        var vector = [Float](repeating: 0, count: layout.paddedCount)
        func set(_ id: String, _ value: Double?) {
            guard let index = layout.index(of: id) else { return }
            vector[index] = value.map { Float($0) } ?? .nan
        }
        for feature in layout.features where feature.group == .content {
            set(feature.id, strengths[String(feature.id.dropFirst("content.".count))] ?? 0)
        }
        let stars = answers.compactMap(\.star)
        func share(_ predicate: (StarSummary) -> Bool) -> Double? {
            stars.isEmpty ? nil : Double(stars.filter(predicate).count) / Double(stars.count)
        }
        func mean(_ values: [Double]) -> Double? {
            values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        set("star.situation", share { $0.situation.present })
        set("star.task", share { $0.task.present })
        set("star.action", share { $0.action.present })
        set("star.result", share { $0.result.present })
        set("star.quantified", share(\.resultQuantified))
        set("star.structure", mean(stars.map { Double($0.score) / 100 }))
        set("star.ownership", mean(stars.compactMap(\.iShare)))
        set("star.hypothetical", share(\.hypothetical))

        // Fluency over all answers: counts summed, rates per 100 words of the answers that have them.
        let fluent = answers.filter { $0.fluency != nil && $0.wordCount > 0 }
        let words = Double(fluent.reduce(0) { $0 + $1.wordCount })
        func per100(_ count: (FluencySummary) -> Int) -> Double? {
            words > 0 ? Double(fluent.reduce(0) { $0 + count($1.fluency!) }) * 100 / words : nil
        }
        set("fluency.fillersPer100", per100(\.fillers))
        set("fluency.hedgesPer100", per100(\.hedges))
        set("fluency.selfCorrectionsPer100", per100(\.selfCorrections))
        set("fluency.wordsPerMinute", mean(answers.compactMap { $0.fluency?.wordsPerMinute }))
        set("fluency.charactersPerMinute", mean(answers.compactMap { $0.fluency?.charactersPerMinute }))

        set("prosody.f0SdSemitones", prosody?.f0SdSemitones)
        set("prosody.f0RangeSemitones", prosody?.f0RangeSemitones)
        set("prosody.intensitySdDb", prosody?.intensitySdDb)
        set("prosody.pausesPerMinute", prosody?.pauses.perMinute)
        set("prosody.speechRate", prosody?.speechRate)
        set("prosody.articulationRate", prosody?.articulationRate)
        set("prosody.jitterLocal", prosody?.jitterLocal)
        set("prosody.shimmerLocal", prosody?.shimmerLocal)
        set("visual.faceVisibleRatio", visual?.faceVisibleRatio)
        set("visual.faceCentredRatio", visual?.faceCentredRatio)
        set("visual.gazeProxyRatio", visual?.gazeProxyRatio)
        set("visual.smileRatio", visual?.smileRatio)
        set("visual.headMovement", visual?.headMovement)
        set("visual.brightnessMean", visual?.brightnessMean)
        return vector
    }
}
