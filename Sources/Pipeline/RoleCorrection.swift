import DebriefModel
import Transcripts

extension Rescorer {
    /// The report re-analysed from its stored transcript with `candidate` as the candidate's speaker: HR's
    /// correction of who is who in a call. Speakers' roles follow (`candidateRoleBy: corrected`); when the answers
    /// came from the interviewer's questions they are made again from the new interviewer's; only the new
    /// candidate's words are analysed and scored. A new revision, like a re-score. The voice and picture
    /// descriptors per answer are not re-measured (the recording is not decoded again): answers that change keep
    /// none.
    /// - Throws: `AnalysisError` (`input`) when the report has no conversation or no speaker `candidate`.
    public func correctingRoles(_ stored: Report, candidate: String) throws(AnalysisError) -> Report {
        guard let speakers = stored.transcript.speakers, speakers.count > 1 else {
            throw AnalysisError(code: .input, message: "this report has one speaker: there are no roles to correct")
        }
        guard speakers.contains(where: { $0.id == candidate }) else {
            throw AnalysisError(code: .input, message: "no speaker '\(candidate)' in this report (speakers: "
                + speakers.map(\.id).joined(separator: ", ") + ")")
        }
        let cues = stored.transcript.cues
        let end = max(stored.answers.map(\.end).max() ?? 0, cues.map(\.end).max() ?? 0)
        func conversation(_ id: String?) -> Conversation? {
            Conversation.read(cues, assignment: SpeakerAssignment(candidate: id), candidateName: stored.candidate)
        }
        guard let corrected = conversation(candidate) else {
            throw AnalysisError(code: .input, message: "the stored transcript names no speakers")
        }
        var report = stored
        report.transcript.speakers = corrected.speakers
        report.transcript.candidateRoleBy = "corrected"
        report.transcript.candidateRoleConfidence = 1
        // HR has checked the roles: the warning asking them to is answered.
        if let codes = stored.warningCodes, codes.count == stored.warnings.count {
            report.setWarnings(zip(codes, stored.warnings).filter { $0.0 != AnalysisWarning.Code.speakersUncertain.rawValue }
                .map { AnalysisWarning(AnalysisWarning.Code($0.0), $0.1) })
        }
        // Answers made from the old interviewer's questions are made again from the new interviewer's.
        let previous = conversation(speakers.first { $0.role == .candidate }?.id)?.answerSpans(until: end) ?? []
        let derived = !previous.isEmpty && previous.count == stored.answers.count
            && zip(previous, stored.answers).allSatisfy { span, answer in
                span.text == answer.question && abs(span.start - answer.start) < 0.01 && abs(span.end - answer.end) < 0.01
            }
        if derived {
            let spans = corrected.answerSpans(until: end)
            report.answers = spans.isEmpty
                ? [Answer(index: 0, question: nil, start: 0, end: end, language: stored.transcript.language, wordCount: 0)]
                : spans.enumerated().map { index, span in
                    Answer(index: index, questionID: span.id, question: span.text, start: span.start, end: span.end,
                           language: stored.transcript.language, wordCount: 0)
                }
        }
        return rescore([report]).first!
    }
}
