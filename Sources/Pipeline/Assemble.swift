import DebriefModel
import Foundation
import Transcripts

extension Analyzer {
    /// The report from what was gathered and measured: the transcript (supplied, else the subtitle stream, else
    /// recognised), its analysis per answer, the scores, the résumé check and every warning. The last stage of
    /// `Analyzer.analyze`.
    func assemble(_ inputs: Inputs, _ measured: Measurements, recognition: Recognition) throws(AnalysisError)
        -> Report {
        var warnings = inputs.warnings + measured.warnings
        var source = TranscriptSource.none
        var transcriptFile: String?
        var parsed: ParsedTranscript?
        if let supplied = inputs.supplied {
            parsed = supplied.parsed
            source = supplied.source
            transcriptFile = supplied.file
            if let note = supplied.answerFiles?.note { warnings.append(AnalysisWarning(.answerFilesRestart, note)) }
        } else if !measured.streamCues.isEmpty {
            parsed = ParsedTranscript(cues: measured.streamCues, timed: true)
            source = .subtitleStream
        }
        var recognized: Transcription?
        if parsed == nil, !inputs.isTranscriptOnly, recognition.wanted {
            switch recognition.transcribe(measured.recognition, samples: measured.recognizedSamples,
                                          language: inputs.metadata?.language) {
            case .success(let transcription):
                recognized = transcription
                parsed = ParsedTranscript(cues: transcription.cues, timed: true)
                source = .asr
                warnings += Self.guardWarnings(transcription.notes)
            case .failure(let problem):
                if recognition.settings.mode == .always {
                    throw AnalysisError(code: .recognizer, message: "\(inputs.bundle.primaryPath): \(problem)")
                }
                warnings.append(problem.warning)
            }
        }

        let model = inputs.model
        // Who spoke: the supplied transcript's speakers, or (recognised, subtitle) those the cues carry; else, when
        // a two-channel recording carries a voice per channel, the channels' turns give the cues their speakers.
        var speakerMethod = "labels"
        var conversation = inputs.conversation ?? parsed.flatMap {
            Conversation.read($0.cues, assignment: inputs.metadata?.speakers, candidateName: inputs.metadata?.candidate)
        }
        if conversation == nil, let channels = measured.channels, channels.distinct, let transcript = parsed,
           transcript.timed {
            let attributed = SpeakerAttribution.assign(transcript.cues, turns: channels.turns)
            if let read = Conversation.read(attributed, assignment: inputs.metadata?.speakers,
                                            candidateName: inputs.metadata?.candidate) {
                parsed = ParsedTranscript(cues: attributed, timed: true)
                conversation = read
                speakerMethod = "channels"
            }
        }
        var questions = inputs.questions
        if questions.isEmpty, let conversation, !conversation.questions.isEmpty {
            questions = conversation.answerSpans(until: measured.facts?.durationSeconds ?? parsed?.cues.map(\.end).max() ?? 0)
        }
        if let conversation {
            warnings += conversation.warnings
            if conversation.candidateRoleBy == "inferred", conversation.speakers.count > 1, conversation.confidence < 0.7 {
                warnings.append(AnalysisWarning(.speakersUncertain, String(format: "which speaker is the candidate was "
                    + "inferred with low confidence (%.2f): check the speakers on the report page", conversation.confidence)))
            }
        }
        let transcriptAnalyzer = TranscriptAnalyzer(model: model)
        // A cue belongs to the answer whose span holds its midpoint (untimed transcripts: the first answer).
        let answerOf = { (cue: Cue) -> Int in
            let middle = 0.5 * (cue.start + cue.end)
            return questions.firstIndex { $0.start <= middle && middle <= $0.end } ?? 0
        }
        // A recognised answer whose words are mostly uncertain gives no evidence: its cues stay out of the content
        // analysis, and the answer says why. When that is every answer, content is not scored at all.
        let unsure = recognized == nil ? [:] : Transcription.unsureShares(parsed?.cues ?? [], answerOf: answerOf)
            .filter { $0.value > 0.5 }
        // Only the candidate's words are analysed: the interviewer's give the answers their structure, never evidence.
        let spoken = { (cue: Cue) in conversation?.candidate == nil || cue.speaker == conversation?.candidate }
        let analysed = parsed.map { transcript in
            ParsedTranscript(cues: transcript.cues.filter { spoken($0) && unsure[answerOf($0)] == nil },
                             timed: transcript.timed)
        }
        let answerFiles = inputs.supplied?.answerFiles.map { joined -> AnswerFiles.Joined in
            var kept = joined
            let keep = joined.cues.map(spoken)
            kept.cues = zip(joined.cues, keep).filter(\.1).map(\.0)
            kept.answers = zip(joined.answers, keep).filter(\.1).map(\.0)
            return kept
        }
        let analysis = analysed.map { transcript in
            answerFiles.map { transcriptAnalyzer.analyze($0.cues, timed: $0.timed, answers: $0.answers) }
                ?? transcriptAnalyzer.analyze(transcript.cues, timed: transcript.timed, answerOf: answerOf)
        }
        var insufficient = ReportScoring.insufficiency(analysis)
        let everyAnswerUnsure = !unsure.isEmpty && analysed?.cues.isEmpty == true
        if everyAnswerUnsure, let recognized {
            insufficient = String(format: "the recognised transcript is mostly low confidence (%.0f %% of words)",
                                  recognized.lowConfidenceShare * 100)
            warnings.append(AnalysisWarning(.recognitionUnsure,
                                            "speech recognition was unsure of most words: content not scored"))
        } else if parsed == nil {
            warnings.append(AnalysisWarning(.noTranscript, "no transcript: content not analysed (add "
                + "NAME.vtt/.srt/.txt/.transcript.json beside the recording or a subtitle track, or configure speech "
                + "recognition)"))
        } else if let insufficient {
            warnings.append(AnalysisWarning(.transcriptTooShort, "transcript too short to score: \(insufficient)"))
        } else if !unsure.isEmpty {
            warnings.append(AnalysisWarning(.recognitionUnsureAnswers, "speech recognition was unsure of most words "
                + "of \(unsure.count) answer(s): their content is left out of the scores"))
        }
        if let parsed, !parsed.timed {
            warnings.append(AnalysisWarning(.untimedTranscript,
                                            "the transcript has no timestamps: rates per minute and evidence times are not available"))
        }
        if let metadataLanguage = inputs.metadata?.language, let detected = analysis?.language,
           detected != .unknown, detected != .mixed, detected != metadataLanguage {
            warnings.append(AnalysisWarning(.languageMismatch, "metadata says language '\(metadataLanguage.rawValue)' "
                + "but the transcript reads as '\(detected.rawValue)'"))
        }

        let cues = parsed?.cues ?? []
        let duration = measured.facts?.durationSeconds ?? measured.prosody?.analysedSeconds ?? cues.map(\.end).max()
        let answers = Self.answers(inputs, questions: questions, measured, analysis: analysis, parsed: parsed,
                                   unsure: unsure, duration: duration)
        let (competencies, overall) = ReportScoring.score(inputs.compiled, analysis: analysis, answers: answers,
                                                          prosody: measured.prosody, visual: measured.visual,
                                                          insufficient: insufficient)
        var resume: String?
        var resumeCheck: [ResumeFinding]?
        switch inputs.resume {
        case .success(let text):
            resume = text
            if let analysis {
                resumeCheck = ResumeCheck.compare(resume: text, model: model, interview: analysis.evidence)
            } else {
                warnings.append(AnalysisWarning(.resumeWithoutTranscript,
                                                "a résumé was given, but there is no transcript to check its claims against"))
            }
        case .failure(let problem):
            warnings.append(problem.warning)
        case nil:
            break
        }
        let facts = measured.facts
        var report = Report(
            pipelineVersion: pipelineVersion,
            recording: Report.Recording(file: inputs.bundle.primary, sha256: measured.sha256,
                                        sizeBytes: measured.sizeBytes, durationSeconds: duration,
                                        container: facts?.container ?? (inputs.isTranscriptOnly
                                            ? (inputs.bundle.primary as NSString).pathExtension.lowercased() : nil),
                                        audio: facts?.audio, video: facts?.video),
            model: Report.ModelRef(id: model.id, version: model.version, title: model.title, titleZh: model.titleZh),
            candidate: inputs.metadata?.candidate,
            prosody: measured.prosody,
            visual: measured.visual,
            transcript: TranscriptSummary(source: source,
                                          file: transcriptFile.map { ($0 as NSString).lastPathComponent },
                                          language: analysis?.language ?? .unknown,
                                          wordCount: analysis?.wordCount ?? 0,
                                          wordsPerMinute: analysis?.wordsPerMinute.map { ($0 * 10).rounded() / 10 },
                                          cues: cues, recognized: recognized),
            answers: answers,
            competencies: competencies,
            overall: overall,
            warnings: [])
        report.setWarnings(warnings)
        if let conversation {
            report.transcript.speakers = conversation.speakers
            report.transcript.speakerMethod = conversation.speakers.count > 1 ? speakerMethod : "single"
            report.transcript.candidateRoleBy = conversation.candidateRoleBy
            report.transcript.candidateRoleConfidence = conversation.confidence
            if inputs.options.tracks { report.transcript.turns = conversation.turns }
        }
        report.resume = resume.map { String($0.prefix(ResumeCheck.maximumCharacters)) }
        report.resumeCheck = resumeCheck
        report.inputsSHA256 = inputsDigest(recording: measured.sha256, source: source, cues: cues,
                                           metadata: inputs.metadata, resume: resume)
        return report
    }

    /// What the recogniser's guards did, said in the report.
    static func guardWarnings(_ notes: RecognitionNotes?) -> [AnalysisWarning] {
        guard let notes else { return [] }
        var warnings: [AnalysisWarning] = []
        if notes.loopsCollapsed > 0 {
            warnings.append(AnalysisWarning(.recognitionLoops, "speech recognition repeated itself in "
                + "\(notes.loopsCollapsed) stretch(es): the repeats were removed and the stretch is marked uncertain"))
        }
        if notes.segmentsDropped > 0 {
            warnings.append(AnalysisWarning(.recognitionDropped, "speech recognition wrote text over silence or music "
                + "in \(notes.segmentsDropped) stretch(es): that text was dropped, not scored"))
        }
        if notes.incomplete {
            warnings.append(AnalysisWarning(.recognitionIncomplete, "speech recognition ran past its time limit: the "
                + "end of the recording is not transcribed"))
        }
        return warnings
    }

    /// One answer per question of the timeline, else the whole recording as one answer.
    private static func answers(_ inputs: Inputs, questions: [RecordingMetadata.Question], _ measured: Measurements,
                                analysis: TranscriptAnalysis?, parsed: ParsedTranscript?, unsure: [Int: Double],
                                duration: Double?) -> [Answer] {
        var answers: [Answer] = []
        if !questions.isEmpty {
            for (index, question) in questions.enumerated() {
                let part = analysis?.answers[index]
                var answer = Answer(index: index, questionID: question.id, question: question.text,
                                    start: question.start, end: question.end,
                                    language: part?.language ?? inputs.metadata?.language ?? .unknown,
                                    wordCount: part?.wordCount ?? 0,
                                    prosody: index < measured.answerProsody.count ? measured.answerProsody[index] : nil,
                                    visual: index < measured.answerVisual.count ? measured.answerVisual[index] : nil)
                answer.attach(part)
                answer.insufficientEvidence = unsure[index].map(unsureReason)
                answers.append(answer)
            }
        } else if parsed != nil || measured.facts != nil {
            var wholeVoice = measured.prosody
            wholeVoice?.track = nil
            var wholePicture = measured.visual
            wholePicture?.track = nil
            var answer = Answer(index: 0, question: nil, start: 0, end: duration ?? 0,
                                language: analysis?.language ?? inputs.metadata?.language ?? .unknown,
                                wordCount: analysis?.wordCount ?? 0, prosody: wholeVoice, visual: wholePicture)
            answer.attach(analysis?.answers[0])
            answer.insufficientEvidence = unsure[0].map(unsureReason)
            answers.append(answer)
        }
        return answers
    }

    static func unsureReason(_ share: Double) -> String {
        String(format: "speech recognition was unsure of %.0f %% of this answer's words: its content is not scored",
               share * 100)
    }
}

extension TranscriptSummary {
    init(source: TranscriptSource, file: String?, language: Language, wordCount: Int, wordsPerMinute: Double?,
         cues: [Cue], recognized: Transcription?) {
        self.init(source: source, file: file, language: language, wordCount: wordCount, wordsPerMinute: wordsPerMinute,
                  cues: cues)
        if let recognized {
            recognizer = recognized.recognizer
            lowConfidenceShare = (recognized.lowConfidenceShare * 1000).rounded() / 1000
            lowConfidence = recognized.lowConfidence
            if let language = recognized.notes?.language {
                detectedLanguage = language
                detectedLanguageProbability = recognized.notes?.languageProbability.map { ($0 * 1000).rounded() / 1000 }
            }
        }
    }
}

extension Answer {
    /// Adds the transcript's findings for this answer (structure, stuffing, fluency).
    mutating func attach(_ analysis: AnswerAnalysis?) {
        guard let analysis else { return }
        star = analysis.star
        keywordStuffed = analysis.keywordStuffed
        stuffingReasons = analysis.stuffingReasons.isEmpty ? nil : analysis.stuffingReasons
        fluency = analysis.fluency
    }
}
