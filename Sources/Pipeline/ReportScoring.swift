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
                      prosody: ProsodySummary?, visual: VisualSummary?, insufficient: String?,
                      precomputed: CandidateScore? = nil) -> (competencies: [CompetencyScore], overall: Overall) {
        let model = compiled.model
        let features = features(compiled, analysis: analysis, answers: answers, prosody: prosody, visual: visual)
        let scored = CompetencyScoring.score(compiled, features: features, insufficient: insufficient,
                                             precomputed: precomputed)
        let competencies = model.dimensions.enumerated().map { index, dimension in
            let score = scored.scores[index]
            let evidence = analysis?.evidence[dimension.id]
            let shown = evidence?.asserted ?? false
            var competency = CompetencyScore(id: dimension.id, name: dimension.name, nameZh: dimension.nameZh,
                                             weight: dimension.weight, score: score,
                                             insufficientEvidence: score == nil ? insufficient : nil,
                                             evidence: shown ? evidence?.positive ?? [] : [],
                                             negatedEvidence: evidence?.negated ?? [])
            competency.shown = shown
            competency.strength = ((evidence?.strength ?? 0) * 100).rounded() / 100
            competency.mentions = shown ? [] : evidence?.positive ?? []
            competency.hypotheticalEvidence = evidence?.hypothetical ?? []
            if let score {
                let level = dimension.level(for: score)
                competency.level = level.name
                competency.levelZh = level.nameZh
                competency.contributions = scored.contributions[index]
            }
            competency.indicatorsShown = shown
                ? dimension.indicators.map(\.id).filter { evidence?.indicators.contains($0) ?? false } : []
            return competency
        }
        var overall = scored.overall
        if let analysis, overall.score != nil {
            let spoken = answers.filter { $0.wordCount > 0 }
            let timed = spoken.allSatisfy { $0.end > $0.start }
            let basis = VerdictBasis(
                answers: spoken.count,
                words: CompetencyScoring.scorableWords(englishWords: analysis.englishWords,
                                                       hanCharacters: analysis.hanCharacters),
                minutes: timed && !spoken.isEmpty
                    ? (spoken.map { $0.end - $0.start }.reduce(0, +) / 6).rounded() / 10 : nil,
                competenciesShown: competencies.filter { $0.shown == true }.count,
                competencies: competencies.count,
                askAbout: competencies.filter { $0.shown != true }.map(\.id))
            overall.basis = basis
            if !basis.sufficient { overall.temper(basis, names: competencies) }
        }
        return (competencies, overall)
    }

    static func features(_ compiled: CompiledModel, analysis: TranscriptAnalysis?, answers: [Answer],
                         prosody: ProsodySummary?, visual: VisualSummary?) -> [Float] {
        // A competency's content feature rests on shown evidence only: mentions below the bar weigh nothing.
        FeatureVector.make(layout: compiled.layout,
                           strengths: (analysis?.evidence ?? [:]).mapValues { $0.asserted ? $0.strength : 0 },
                           answers: answers, prosody: prosody, visual: visual)
    }

    /// Why content cannot be scored, or nil.
    static func insufficiency(_ analysis: TranscriptAnalysis?) -> String? {
        guard let analysis else { return "no transcript" }
        let words = CompetencyScoring.scorableWords(englishWords: analysis.englishWords,
                                                    hanCharacters: analysis.hanCharacters)
        guard words >= CompetencyScoring.minimumWords else {
            return "the transcript has only \(words) words, about \(max(1, words * 2 / 5)) seconds of speech "
                + "(at least \(CompetencyScoring.minimumWords) words are needed to score content)"
        }
        return nil
    }
}

extension Report {
    /// The report with its percentile among `population` (the overall scores of the other candidates stored for the
    /// same job model): the share with a lower score, and how many candidates that was.
    public func placed(among population: [Double]) -> Report {
        var report = self
        guard let score = overall.score else { return report }
        // Among fewer than five candidates a percentile says nothing: none is given.
        guard CandidateRanking.ranksByPercentile(population.count + 1) else {
            report.overall.percentile = nil
            report.overall.percentilePopulation = nil
            return report
        }
        report.overall.percentile = CompetencyScoring.percentile(of: score, among: population)
        report.overall.percentilePopulation = population.count
        return report
    }
}

extension Overall {
    /// A verdict on too little: no level or next step, but what the interview rests on and what to ask next.
    mutating func temper(_ basis: VerdictBasis, names competencies: [CompetencyScore]) {
        // What it rests on is said beside the verdict (`basis`); the next step says what is missing.
        let ask = competencies.filter { basis.askAbout.contains($0.id) }.prefix(3)
        level = "Not enough to decide"
        levelZh = "不足以判断"
        recommendation = "Too little to decide: a level needs at least \(VerdictBasis.minimumWords) of the "
            + "candidate's words and \(VerdictBasis.minimumShown) competencies shown in the answers. "
            + (ask.isEmpty ? "Ask for a longer example." : "Ask for a concrete example of "
                + ask.map(\.name).joined(separator: ", ") + ".")
        recommendationZh = "依据不足，无法判断：给出等级至少需要候选人 \(VerdictBasis.minimumWords) 词的回答，且 "
            + "\(VerdictBasis.minimumShown) 项能力在回答中有实证。"
            + (ask.isEmpty ? "请候选人再举一个更完整的例子。" : "请候选人举一个具体例子说明："
                + ask.map { $0.nameZh ?? $0.name }.joined(separator: "、") + "。")
        salaryBand = nil
        salaryBandZh = nil
    }
}
