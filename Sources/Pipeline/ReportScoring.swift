import DebriefModel
import Scoring
import Transcripts

/// The scoring step shared by analysis and re-scoring: the candidate's feature vector from what the analysis
/// measured, the SIMD core's scores, and each competency's evidence, level and contributions.
enum ReportScoring {
    static func compile(_ model: CompetencyModel) throws(AnalysisError) -> CompiledModel {
        do { return try CompiledModel(model) } catch {
            throw AnalysisError(code: .model, message: "model '\(model.id)': \(error.reason)")
        }
    }

    /// - Parameter insufficient: why content cannot be scored (no transcript, too short), or nil.
    static func score(_ compiled: CompiledModel, analysis: TranscriptAnalysis?, answers: [Answer],
                      prosody: ProsodySummary?, visual: VisualSummary?, insufficient: String?)
        -> (competencies: [CompetencyScore], overall: Overall) {
        let model = compiled.model
        let strengths = (analysis?.evidence ?? [:]).mapValues(\.strength)
        let features = FeatureVector.make(layout: compiled.layout, strengths: strengths, answers: answers,
                                          prosody: prosody, visual: visual)
        let scored = CompetencyScoring.score(compiled, features: features, insufficient: insufficient)
        let competencies = model.dimensions.enumerated().map { index, dimension in
            let score = scored.scores[index]
            let evidence = analysis?.evidence[dimension.id]
            var competency = CompetencyScore(id: dimension.id, name: dimension.name, nameZh: dimension.nameZh,
                                             weight: dimension.weight, score: score,
                                             insufficientEvidence: score == nil ? insufficient : nil,
                                             evidence: evidence?.positive ?? [],
                                             negatedEvidence: evidence?.negated ?? [])
            competency.hypotheticalEvidence = evidence?.hypothetical ?? []
            if let score {
                let level = dimension.level(for: score)
                competency.level = level.name
                competency.levelZh = level.nameZh
                competency.contributions = scored.contributions[index]
            }
            competency.indicatorsShown = dimension.indicators.map(\.id).filter { evidence?.indicators.contains($0) ?? false }
            return competency
        }
        return (competencies, scored.overall)
    }
}
