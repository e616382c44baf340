import DebriefModel
import Dispatch
import Scoring
import Transcripts

/// Re-scores stored reports against a (new version of a) competency model without touching the recordings: the
/// stored transcript is analysed again with the model's vocabulary, every candidate's feature vector goes through the
/// batch core in one pass, and percentiles are taken within the re-scored population.
public struct Rescorer: Sendable {
    public let compiled: CompiledModel

    public init(model: CompetencyModel) throws(AnalysisError) {
        compiled = try ReportScoring.compile(model)
    }

    /// A report's content analysed again for this model, ready for the batch.
    struct Prepared: Sendable {
        var report: Report
        var analysis: TranscriptAnalysis?
        var features: [Float]
        var insufficient: String?
    }

    /// - Parameter progress: called after each report is prepared (count so far), for a progress bar.
    /// - Returns: the new revisions, in the order given.
    public func rescore(_ reports: [Report], threads: Int = BatchScorer.defaultThreads,
                        progress: @Sendable (Int) -> Void = { _ in }) -> [Report] {
        let prepared = reports.enumerated().map { index, report in
            defer { progress(index + 1) }
            return prepare(report)
        }
        let scorable = prepared.indices.filter { prepared[$0].insufficient == nil }
        let width = compiled.layout.paddedCount
        var matrix = [Float](repeating: 0, count: scorable.count * width)
        for (row, index) in scorable.enumerated() {
            matrix.replaceSubrange((row * width)..<((row + 1) * width), with: prepared[index].features)
        }
        let batch = matrix.withUnsafeBufferPointer {
            BatchScorer.run(features: $0, candidates: scorable.count, jobs: compiled.jobSet, top: 0, threads: threads,
                            keepDimensionScores: true)
        }
        var rowOf: [Int: Int] = [:]
        for (row, index) in scorable.enumerated() { rowOf[index] = row }
        let dimensions = compiled.model.dimensions.count
        return prepared.enumerated().map { index, item in
            var report = item.report
            var precomputed: CandidateScore?
            if let row = rowOf[index] {
                let start = row * batch.paddedDimensions
                precomputed = CandidateScore(
                    dimensionScores: Array(batch.dimensionScores![start..<(start + dimensions)]),
                    overall: batch.overall[row], match: batch.match[row])
            }
            let (competencies, overall) = ReportScoring.score(
                compiled, analysis: item.analysis, answers: report.answers, prosody: report.prosody,
                visual: report.visual, insufficient: item.insufficient, precomputed: precomputed)
            report.competencies = competencies
            report.overall = overall
            if let row = rowOf[index], CandidateRanking.ranksByPercentile(scorable.count) {
                report.overall.percentile = (Double(batch.percentile[row]) * 10).rounded() / 10
                report.overall.percentilePopulation = scorable.count - 1
            }
            return report
        }
    }

    /// Analyses the stored transcript again with this model and rebuilds the answers' findings.
    func prepare(_ stored: Report) -> Prepared {
        var report = stored
        let model = compiled.model
        report.model = Report.ModelRef(id: model.id, version: model.version, title: model.title,
                                       titleZh: model.titleZh)
        report.pipelineVersion = pipelineVersion
        report.revision = (stored.revision ?? 1) + 1
        let cues = stored.transcript.cues
        guard stored.transcript.source != .none, !cues.isEmpty else {
            return Prepared(report: report, analysis: nil, features: [], insufficient: "no transcript")
        }
        let timed = cues.contains { $0.end > 0 }
        let spans = stored.answers.count > 1 || stored.answers.first?.questionID != nil
            ? stored.answers.map { ($0.start, $0.end) } : []
        // In a conversation only the candidate's words are analysed, as at the first analysis.
        let candidate = stored.transcript.speakers?.first { $0.role == .candidate }?.id
        let spoken = candidate.map { id in cues.filter { $0.speaker == id } } ?? cues
        let analysis = TranscriptAnalyzer(model: model).analyze(spoken, timed: timed) { cue in
            let middle = 0.5 * (cue.start + cue.end)
            return spans.firstIndex { $0.0 <= middle && middle <= $0.1 } ?? 0
        }
        for index in report.answers.indices {
            report.answers[index].attach(analysis.answers[index])
            if let words = analysis.answers[index]?.wordCount { report.answers[index].wordCount = words }
        }
        report.transcript.wordCount = analysis.wordCount
        if let resume = stored.resume {
            report.resumeCheck = ResumeCheck.compare(resume: resume, model: model, interview: analysis.evidence)
        }
        let insufficient = ReportScoring.insufficiency(analysis)
        let features = insufficient == nil
            ? ReportScoring.features(compiled, analysis: analysis, answers: report.answers, prosody: report.prosody,
                                     visual: report.visual)
            : []
        return Prepared(report: report, analysis: analysis, features: features, insufficient: insufficient)
    }
}
