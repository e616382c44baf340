import DebriefModel
import Foundation
import Transcripts

/// A speech recogniser: 16 kHz mono audio in, timed words out. The pipeline owns this protocol; the `ASR` target
/// implements it (OpenAI-compatible servers, and the embedded recogniser it starts), and the command line picks one.
public protocol SpeechRecognizer: Sendable {
    /// What the recogniser says it is, when it could be asked.
    var info: RecognizerInfo? { get }
    /// Starts the transcription of one recording; the decode pass appends its audio as it is decoded.
    /// - Parameter scratch: where temporary audio may be kept while the recording is decoded.
    func begin(language: Language?, scratch: String) throws(RecognitionProblem) -> any RecognitionSession
}

/// One recording's transcription in progress. Lives in one decode pass: not shared between tasks.
public protocol RecognitionSession: AnyObject {
    func append(_ samples: [Float])
    /// Transcribes what was appended (what is not transcribed yet); cues and words in recording time.
    func finish() throws(RecognitionProblem) -> RecognitionResult
}

/// A recording's recognised words, and what the recogniser said about them.
public struct RecognitionResult: Sendable {
    public var cues: [Cue]
    public var notes: RecognitionNotes?

    public init(cues: [Cue], notes: RecognitionNotes? = nil) {
        self.cues = cues
        self.notes = notes
    }
}

/// Why there is no recognised transcript, as the report's warning says it.
public struct RecognitionProblem: Error, Sendable, CustomStringConvertible {
    public var code: AnalysisWarning.Code
    public var description: String
    public init(_ code: AnalysisWarning.Code = .recognitionFailed, _ description: String) {
        self.code = code
        self.description = description
    }

    var warning: AnalysisWarning { AnalysisWarning(code, description) }
}

/// A transcript made by speech recognition, with what the recogniser was unsure of.
struct Transcription: Sendable {
    var cues: [Cue]
    var recognizer: String
    var notes: RecognitionNotes?
    /// Share of words with probability below `lowProbability`.
    var lowConfidenceShare: Double
    /// Runs of three or more such words.
    var lowConfidence: [TimeSpan]

    static let lowProbability = 0.5

    /// Per answer, the share of recognised words below `lowProbability` (answers without word confidences are absent).
    static func unsureShares(_ cues: [Cue], answerOf: (Cue) -> Int) -> [Int: Double] {
        var counts: [Int: (unsure: Int, all: Int)] = [:]
        for cue in cues {
            for word in cue.words ?? [] {
                guard let probability = word.probability else { continue }
                counts[answerOf(cue), default: (0, 0)].all += 1
                if probability < lowProbability { counts[answerOf(cue)]!.unsure += 1 }
            }
        }
        return counts.filter { $0.value.all > 0 }.mapValues { Double($0.unsure) / Double($0.all) }
    }

    /// The recognised cues with the stretches the recogniser was unsure of.
    init(cues: [Cue], recognizer: String, notes: RecognitionNotes? = nil) {
        self.cues = cues
        self.recognizer = recognizer
        self.notes = notes
        let words = cues.flatMap { $0.words ?? [] }
        let unsure = words.map { ($0.probability ?? 1) < Self.lowProbability }
        var stretches: [TimeSpan] = []
        var runStart: Int?
        for index in 0...words.count {
            if index < words.count, unsure[index] {
                if runStart == nil { runStart = index }
            } else if let start = runStart {
                if index - start >= 3 { stretches.append(TimeSpan(start: words[start].start, end: words[index - 1].end)) }
                runStart = nil
            }
        }
        lowConfidence = stretches
        lowConfidenceShare = words.isEmpty ? 0 : Double(unsure.filter { $0 }.count) / Double(words.count)
    }
}

/// The recogniser's side of one analysis: whether to keep the audio for it, and what it made of it.
struct Recognition {
    let settings: RecognitionSettings
    let recognizer: (any SpeechRecognizer)?

    var name: String? { recognizer?.info?.name ?? settings.recognizer?.name ?? settings.url }

    /// Whether the recogniser will be asked at all for a recording without a supplied transcript.
    var wanted: Bool { settings.mode != .never && (recognizer != nil || settings.mode == .always) }

    /// Starts a session for the decode pass, when the recording may need one and the recogniser may take its
    /// language; nil otherwise (the reason is given by `transcribe`).
    func session(language: Language?, scratch: String) -> Result<any RecognitionSession, RecognitionProblem>? {
        guard settings.mode != .never, let recognizer, !refuses(language) else { return nil }
        do throws(RecognitionProblem) {
            return .success(try recognizer.begin(language: language, scratch: scratch))
        } catch {
            return .failure(error)
        }
    }

    private func refuses(_ language: Language?) -> Bool {
        language == .zh && (recognizer?.info ?? settings.recognizer)?.englishOnly == true
    }

    /// The transcript of the decoded audio, or the warning that says why there is none.
    func transcribe(_ session: Result<any RecognitionSession, RecognitionProblem>?, samples: Int,
                    language: Language?) -> Result<Transcription, RecognitionProblem> {
        guard recognizer != nil else {
            return .failure(RecognitionProblem(.noRecognizer,
                "no transcript and no speech recogniser configured (run scripts/asr-setup.sh, or pass --asr-url)"))
        }
        let name = self.name ?? "the recogniser"
        if refuses(language) {
            return .failure(RecognitionProblem(.recognitionSkipped,
                "speech recognition skipped: the recording is in Chinese and the recogniser (\(name)) is English-only; "
                + "configure a multilingual one with --asr-url, or supply a transcript"))
        }
        guard samples > 0, let session else {
            return .failure(RecognitionProblem(.recognitionSkipped,
                                               "speech recognition skipped: the recording has no audio to transcribe"))
        }
        let result: RecognitionResult
        do throws(RecognitionProblem) {
            result = try session.get().finish()
        } catch {
            return .failure(error)
        }
        // Simplified characters and words rebuilt by the segmenter, times kept.
        let cues = RecognizedText.normalized(result.cues)
        guard cues.contains(where: { !$0.text.isEmpty }) else {
            return .failure(RecognitionProblem(.noSpeechRecognized, "speech recognition found no speech in the recording"))
        }
        return .success(Transcription(cues: cues, recognizer: name, notes: result.notes))
    }
}
