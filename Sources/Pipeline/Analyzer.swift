import ASR
import DebriefModel
import Foundation
import MediaDecoding
import Prosody
import Scoring
import Transcripts
import Vision

/// Version of the analysis pipeline, stamped into every report. Bump when any analysis changes its numbers.
public let pipelineVersion = "0.4.0"

/// Media extensions Debrief takes as recordings (anything else FFmpeg reads works through `analyze` too).
public let recordingExtensions: Set<String> = ["mp4", "mov", "m4v", "webm", "mkv", "m4a", "mp3", "wav", "ogg", "opus",
                                               "flac", "aac", "avi"]
/// Sidecar metadata extensions, in order of preference.
public let metadataExtensions = ["json", "yaml", "yml"]

public struct AnalysisOptions: Sendable {
    /// Include frame-level tracks (`prosody.track`, `visual.track`).
    public var tracks = false
    /// Video frames sampled per second.
    public var frameRate: Double = 2
    /// Speech recognition for recordings that come without a transcript.
    public var asr = SpeechRecognition()

    public init(tracks: Bool = false, frameRate: Double = 2, asr: SpeechRecognition = SpeechRecognition()) {
        self.tracks = tracks
        self.frameRate = frameRate
        self.asr = asr
    }
}

/// When and with what to transcribe. A supplied transcript (argument, sidecar, subtitle stream) always wins.
public struct SpeechRecognition: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Transcribe recordings without a transcript when a recogniser is configured; say so when none is.
        case auto
        /// As `auto`, but a recording without a transcript fails when the recogniser is missing or fails.
        case always
        /// Never transcribe.
        case never
    }

    public var mode: Mode
    public var client: ASRClient?
    /// What the recogniser said it is (asked once, when it was configured).
    public var recognizer: RecognizerInfo?
    /// Where temporary audio goes (one WAV file per recording while it is analysed).
    public var temporaryDirectory: String

    public init(mode: Mode = .auto, client: ASRClient? = nil, recognizer: RecognizerInfo? = nil,
                temporaryDirectory: String = NSTemporaryDirectory()) {
        self.mode = mode
        self.client = client
        self.recognizer = recognizer
        self.temporaryDirectory = temporaryDirectory
    }
}

/// One recording (or a bare transcript) to analyse, and how to pick its model and transcript.
public struct AnalysisRequest: Sendable {
    public var input: String
    /// An explicit transcript file; wins over sidecars and subtitle streams.
    public var transcript: String?
    /// An explicit model id or path; wins over metadata and the inbox folder.
    public var model: String?
    /// The inbox sub-folder name, used as model id when it names one.
    public var folderModel: String?
    public var options: AnalysisOptions

    public init(input: String, transcript: String? = nil, model: String? = nil, folderModel: String? = nil,
                options: AnalysisOptions = AnalysisOptions()) {
        self.input = input
        self.transcript = transcript
        self.model = model
        self.folderModel = folderModel
        self.options = options
    }
}

/// Analyses one recording end to end: decode → prosody/vision/transcript → scoring → report.
public struct Analyzer: Sendable {
    public let catalog: ModelCatalog
    public let defaultModel: String
    /// The face detectors, or why there are none (the picture is then analysed without face measures).
    let faces: Result<FaceDetectors, AnalysisError>

    /// - Parameter cascades: where OpenCV's cascade files are (Debian's opencv-data by default); read once here.
    public init(catalog: ModelCatalog, defaultModel: String = "software-engineer",
                cascades: String = CascadeLibrary.directory) {
        self.catalog = catalog
        self.defaultModel = defaultModel
        do throws(AnalysisError) {
            faces = .success(try CascadeLibrary.faceDetectors(directory: cascades))
        } catch {
            faces = .failure(error)
        }
    }

    /// Produces the report for `request`.
    /// - Throws: `AnalysisError` with one line naming the file and the reason, for input that cannot be analysed
    ///   at all. Degraded input (no audio, no video, no transcript) gives a report whose `warnings` say what is missing.
    public func analyze(_ request: AnalysisRequest) throws(AnalysisError) -> Report {
        let input = request.input
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw AnalysisError(code: .input, message: "\(input): no such file")
        }
        guard !isDirectory.boolValue else {
            throw AnalysisError(code: .input, message: "\(input): is a directory, not a recording")
        }
        let metadata = try loadMetadata(besides: input)
        let model = try resolveModel(request, metadata: metadata)
        let compiled = try ReportScoring.compile(model)
        let fileExtension = (input as NSString).pathExtension
        let transcriptOnly = TranscriptFormat(path: input) != nil

        var warnings: [String] = []
        var facts: ContainerFacts?
        var prosody: ProsodySummary?
        var visual: VisualSummary?
        var streamCues: [Cue] = []
        var answerProsody: [ProsodySummary] = []
        var answerVisual: [VisualSummary?] = []
        var questions = metadata?.questions ?? []
        // One transcript file per answer (NAME.q1.vtt, …) when there is no single transcript for the recording.
        var answerFiles: AnswerFiles.Joined?
        var answerFileNames: [String] = []
        if request.transcript == nil, !transcriptOnly, sidecarTranscript(for: input) == nil {
            let directory = (input as NSString).deletingLastPathComponent
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
            let found = AnswerFiles.find(besides: input, in: names)
            if !found.isEmpty {
                var files: [AnswerFiles.File] = []
                for (key, name) in found {
                    files.append(AnswerFiles.File(key: key, transcript: try readTranscript(
                        (directory as NSString).appendingPathComponent(name))))
                }
                let joined = AnswerFiles.join(files, questions: questions)
                questions = joined.questions
                answerFiles = joined
                answerFileNames = found.map(\.name)
            }
        }
        let supplied = request.transcript != nil || answerFiles != nil
            || (!transcriptOnly && sidecarTranscript(for: input) != nil)
        let recognition = request.options.asr
        // Audio for the recogniser is kept (on disk, 32 kB/s) only when it may be needed.
        let keepAudio = !transcriptOnly && !supplied && recognition.mode != .never && recognition.client != nil
        var audioFile: String?
        defer { if let audioFile { try? FileManager.default.removeItem(atPath: audioFile) } }
        if !transcriptOnly {
            if keepAudio {
                audioFile = (recognition.temporaryDirectory as NSString)
                    .appendingPathComponent("debrief-asr-\(UUID().uuidString).wav")
            }
            let decoded = try decode(input, options: request.options, spans: questions.map { $0.start...$0.end },
                                     audioFile: audioFile)
            facts = decoded.facts
            prosody = decoded.prosody
            visual = decoded.visual
            streamCues = decoded.cues
            warnings += decoded.warnings
            answerProsody = decoded.answerProsody
            answerVisual = decoded.answerVisual
        }

        // Transcript: --transcript, else a sidecar with the same stem, else the subtitle stream, else none.
        var source = TranscriptSource.none
        var transcriptFile: String?
        var parsed: ParsedTranscript?
        if let explicit = request.transcript {
            parsed = try readTranscript(explicit)
            source = .argument
            transcriptFile = explicit
        } else if transcriptOnly {
            parsed = try readTranscript(input)
            source = .transcriptOnly
            transcriptFile = input
        } else if let sidecar = sidecarTranscript(for: input) {
            parsed = try readTranscript(sidecar)
            source = .sidecar
            transcriptFile = sidecar
        } else if let answerFiles {
            parsed = ParsedTranscript(cues: answerFiles.cues, timed: answerFiles.timed)
            source = .sidecar
            transcriptFile = answerFileNames.joined(separator: ", ")
            if let note = answerFiles.note { warnings.append(note) }
        } else if !streamCues.isEmpty {
            parsed = ParsedTranscript(cues: streamCues, timed: true)
            source = .subtitleStream
        }
        var recognized: Transcription?
        if parsed == nil, !transcriptOnly, recognition.mode != .never,
           recognition.client != nil || recognition.mode == .always {
            switch transcribe(audioFile, language: metadata?.language, recognition: recognition) {
            case .success(let transcription):
                recognized = transcription
                parsed = transcription.transcript
                source = .asr
            case .failure(let problem):
                if recognition.mode == .always {
                    throw AnalysisError(code: .recognizer, message: "\(input): \(problem)")
                }
                warnings.append(problem.description)
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
        let analysed = parsed.map { transcript in
            unsure.isEmpty ? transcript : ParsedTranscript(cues: transcript.cues.filter { unsure[answerOf($0)] == nil },
                                                           timed: transcript.timed)
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
            warnings.append("speech recognition was unsure of most words: content not scored")
        } else if parsed == nil {
            warnings.append("no transcript: content not analysed (add NAME.vtt/.srt/.txt/.transcript.json beside "
                + "the recording or a subtitle track, or configure speech recognition)")
        } else if let insufficient {
            warnings.append("transcript too short to score: \(insufficient)")
        } else if !unsure.isEmpty {
            warnings.append("speech recognition was unsure of most words of \(unsure.count) answer(s): their content "
                + "is left out of the scores")
        }
        if let parsed, !parsed.timed {
            warnings.append("the transcript has no timestamps: rates per minute and evidence times are not available")
        }
        if let metadataLanguage = metadata?.language, let detected = analysis?.language,
           detected != .unknown, detected != .mixed, detected != metadataLanguage {
            warnings.append("metadata says language '\(metadataLanguage.rawValue)' but the transcript reads as "
                + "'\(detected.rawValue)'")
        }

        let cues = parsed?.cues ?? []
        let duration = facts?.durationSeconds ?? prosody?.analysedSeconds ?? cues.map(\.end).max()
        var answers: [Answer] = []
        if !questions.isEmpty {
            for (index, question) in questions.enumerated() {
                let part = analysis?.answers[index]
                var answer = Answer(index: index, questionID: question.id, question: question.text,
                                    start: question.start, end: question.end,
                                    language: part?.language ?? metadata?.language ?? .unknown,
                                    wordCount: part?.wordCount ?? 0,
                                    prosody: index < answerProsody.count ? answerProsody[index] : nil,
                                    visual: index < answerVisual.count ? answerVisual[index] : nil)
                answer.attach(part)
                answer.insufficientEvidence = unsure[index].map(Self.unsureReason)
                answers.append(answer)
            }
        } else if parsed != nil || facts != nil {
            var wholeVoice = prosody
            wholeVoice?.track = nil
            var wholePicture = visual
            wholePicture?.track = nil
            var answer = Answer(index: 0, question: nil, start: 0, end: duration ?? 0,
                                language: analysis?.language ?? metadata?.language ?? .unknown,
                                wordCount: analysis?.wordCount ?? 0, prosody: wholeVoice, visual: wholePicture)
            answer.attach(analysis?.answers[0])
            answer.insufficientEvidence = unsure[0].map(Self.unsureReason)
            answers.append(answer)
        }
        let (competencies, overall) = ReportScoring.score(compiled, analysis: analysis, answers: answers,
                                                          prosody: prosody, visual: visual, insufficient: insufficient)
        let resume = readResume(metadata, warnings: &warnings)
        var resumeCheck: [ResumeFinding]?
        if let resume {
            if let analysis {
                resumeCheck = ResumeCheck.compare(resume: resume, model: model, interview: analysis.evidence)
            } else {
                warnings.append("a résumé was given, but there is no transcript to check its claims against")
            }
        }
        let hashed: String
        do { hashed = try sha256(ofFile: input) } catch let error as AnalysisError { throw error } catch {
            throw AnalysisError(code: .input, message: "\(input): cannot read the file (\(error))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? NSNumber)?.int64Value ?? 0
        var report = Report(
            pipelineVersion: pipelineVersion,
            recording: Report.Recording(file: (input as NSString).lastPathComponent, sha256: hashed,
                                        sizeBytes: facts?.sizeBytes ?? size, durationSeconds: duration,
                                        container: facts?.container ?? (transcriptOnly ? fileExtension.lowercased() : nil),
                                        audio: facts?.audio, video: facts?.video),
            model: Report.ModelRef(id: model.id, version: model.version, title: model.title),
            candidate: metadata?.candidate,
            prosody: prosody,
            visual: visual,
            transcript: TranscriptSummary(source: source,
                                          file: transcriptFile.map { ($0 as NSString).lastPathComponent },
                                          language: analysis?.language ?? .unknown,
                                          wordCount: analysis?.wordCount ?? 0,
                                          wordsPerMinute: analysis?.wordsPerMinute.map { ($0 * 10).rounded() / 10 },
                                          cues: cues, recognized: recognized),
            answers: answers,
            competencies: competencies,
            overall: overall,
            warnings: warnings)
        report.resume = resume.map { String($0.prefix(ResumeCheck.maximumCharacters)) }
        report.resumeCheck = resumeCheck
        report.inputsSHA256 = inputsDigest(recording: hashed, source: source, cues: cues, metadata: metadata,
                                           resume: resume)
        return report
    }

    // MARK: - Steps

    private struct Decoded {
        var facts: ContainerFacts
        var prosody: ProsodySummary?
        var visual: VisualSummary?
        var cues: [Cue]
        var warnings: [String]
        var answerProsody: [ProsodySummary]
        var answerVisual: [VisualSummary?]
    }

    /// Feeds decoded media to the accumulators; holds no audio or frames itself.
    private struct Sink: MediaSink {
        var prosody: ProsodyAnalyzer
        var vision: VisionAnalyzer
        var cues: [Cue] = []
        /// The audio for the recogniser, when one will be asked.
        var audio: WAVWriter?
        mutating func consume(_ chunk: AudioChunk) {
            prosody.consume(chunk.samples)
            if let writer = audio, (try? writer.append(chunk.samples)) == nil { audio = nil }
        }
        mutating func consume(_ frame: FrameSample) { vision.consume(frame) }
        mutating func consume(_ cue: Cue) { cues.append(cue) }
    }

    private func decode(_ path: String, options: AnalysisOptions, spans: [ClosedRange<Double>],
                        audioFile: String? = nil) throws(AnalysisError) -> Decoded {
        guard options.frameRate > 0, options.frameRate <= 30 else {
            throw AnalysisError(code: .input, message: "\(path): frame rate must be within (0, 30] frames per second")
        }
        let reader: MediaReader
        do { reader = try MediaReader(path: path, options: DecodeOptions(frameRate: options.frameRate)) } catch {
            throw AnalysisError(error)
        }
        var prosodySettings = ProsodySettings()
        prosodySettings.keepTrack = options.tracks
        let prosodyAnalyzer: ProsodyAnalyzer
        do { prosodyAnalyzer = try ProsodyAnalyzer(settings: prosodySettings, spans: spans) } catch {
            throw AnalysisError(code: .input, message: "\(path): \(error)")
        }
        var sink = Sink(prosody: prosodyAnalyzer,
                        vision: VisionAnalyzer(sampleRate: options.frameRate, keepTrack: options.tracks,
                                               faces: try? faces.get(), spans: spans))
        if let audioFile { sink.audio = try? WAVWriter(path: audioFile) }
        let stats: DecodeStats
        do { stats = try reader.decode(into: &sink) } catch { throw AnalysisError(error) }
        _ = try? sink.audio?.finish()

        let facts = reader.facts
        var warnings: [String] = []
        var prosody: ProsodySummary?
        var answerProsody: [ProsodySummary] = []
        if facts.audio == nil {
            warnings.append("no audio stream: voice and pauses not measured")
        } else if stats.audioSamples == 0 {
            warnings.append("the audio stream decoded to nothing: voice and pauses not measured")
        } else if stats.audioSeconds < 0.5 {
            warnings.append(String(format: "only %.2f s of audio: too short to measure the voice", stats.audioSeconds))
        } else {
            let summary = sink.prosody.finish()
            prosody = summary
            answerProsody = sink.prosody.spanSummaries
            if summary.voicedFraction < 0.05 {
                warnings.append("not enough voiced speech: pitch statistics are unreliable or missing")
            }
        }
        let visual = sink.vision.finish()
        if facts.video == nil {
            warnings.append("no video stream (audio-only): picture not measured")
        } else if visual == nil {
            warnings.append("the video stream decoded to no frames: picture not measured")
        } else if let visual {
            warnings += visual.warnings
            if case .failure(let error) = faces { warnings.append("face detection unavailable: \(error.message)") }
        }
        if let expected = facts.audio?.durationSeconds ?? facts.durationSeconds, facts.audio != nil,
           stats.audioSeconds > 0, stats.audioSeconds < expected * 0.9 - 0.5 {
            warnings.append(String(format: "decoded %.1f s of audio but the container says %.1f s: the file may be "
                + "truncated", stats.audioSeconds, expected))
        }
        if stats.decodeErrors > 0 {
            warnings.append("\(stats.decodeErrors) packets could not be decoded: the file may be damaged")
        }
        return Decoded(facts: facts, prosody: prosody, visual: visual, cues: sink.cues, warnings: warnings,
                       answerProsody: answerProsody, answerVisual: sink.vision.spanSummaries())
    }

    private func readTranscript(_ path: String) throws(AnalysisError) -> ParsedTranscript {
        let fileExtension = (path as NSString).pathExtension
        guard let format = TranscriptFormat(path: path) else {
            throw AnalysisError(code: .transcript, message: "\(path): unsupported transcript format '.\(fileExtension)' "
                + "(use .vtt, .srt, .txt or .transcript.json)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnalysisError(code: .transcript, message: "\(path): no such file")
        }
        guard data.count <= 50_000_000 else {
            throw AnalysisError(code: .transcript, message: "\(path): transcript larger than 50 MB")
        }
        do {
            let text = try CueParser.decodeText(data, file: path)
            return try CueParser.parse(text, format: format, file: path)
        } catch {
            throw AnalysisError(error)
        }
    }

    static func unsureReason(_ share: Double) -> String {
        String(format: "speech recognition was unsure of %.0f %% of this answer's words: its content is not scored",
               share * 100)
    }

    /// `NAME.vtt`, `NAME.srt` or `NAME.txt` beside `NAME.ext`.
    public func sidecarTranscript(for path: String) -> String? {
        let stem = (path as NSString).deletingPathExtension
        for format in TranscriptFormat.allCases {
            for candidate in ["\(stem).\(format.rawValue)", "\(stem).\(format.rawValue.uppercased())"]
            where candidate != path && FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// `NAME.json`, `NAME.yaml` or `NAME.yml` beside the input, parsed; nil when there is none.
    public func loadMetadata(besides path: String) throws(AnalysisError) -> RecordingMetadata? {
        let stem = (path as NSString).deletingPathExtension
        for fileExtension in metadataExtensions {
            let candidate = "\(stem).\(fileExtension)"
            guard candidate != path, let data = FileManager.default.contents(atPath: candidate) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw AnalysisError(code: .metadata, message: "\(candidate): metadata is not UTF-8 text")
            }
            do {
                var metadata = try RecordingMetadata.parse(text: text, file: candidate)
                if let file = metadata.resumeFile, !file.hasPrefix("/") {
                    metadata.resumeFile = ((candidate as NSString).deletingLastPathComponent as NSString)
                        .appendingPathComponent(file)
                }
                return metadata
            } catch {
                throw AnalysisError(code: .metadata, message: error.description)
            }
        }
        return nil
    }

    /// The résumé of the metadata (inline, or a .txt/.md file up to 1 MB); a problem with it is a warning, never a
    /// failed analysis.
    private func readResume(_ metadata: RecordingMetadata?, warnings: inout [String]) -> String? {
        if let inline = metadata?.resume, !inline.trimmingWhitespace.isEmpty { return inline }
        guard let path = metadata?.resumeFile else { return nil }
        let name = (path as NSString).lastPathComponent
        guard ["txt", "md"].contains((path as NSString).pathExtension.lowercased()) else {
            warnings.append("résumé \(name): only .txt and .md résumés are read; not checked")
            return nil
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        guard let size else {
            warnings.append("résumé \(name): no such file; not checked")
            return nil
        }
        guard size <= 1_000_000, let data = FileManager.default.contents(atPath: path) else {
            warnings.append("résumé \(name): larger than 1 MB or unreadable; not checked")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            warnings.append("résumé \(name): not UTF-8 text; not checked")
            return nil
        }
        return text
    }

    /// `--model`, else the metadata's model, else the inbox folder's name when it names a model, else the default.
    private func resolveModel(_ request: AnalysisRequest, metadata: RecordingMetadata?)
        throws(AnalysisError) -> CompetencyModel {
        let reference: String
        if let explicit = request.model {
            reference = explicit
        } else if let fromMetadata = metadata?.model {
            reference = fromMetadata
        } else if let folder = request.folderModel, catalog.contains(folder) {
            reference = folder
        } else {
            reference = defaultModel
        }
        do { return try catalog.model(reference) } catch { throw AnalysisError(error) }
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
