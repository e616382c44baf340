/// Something an analysis could not measure, or measured with a caveat: a stable code (for programs and tests) and
/// the sentence people read (the report's `warnings[]`).
public struct AnalysisWarning: Sendable, Codable, Equatable {
    public typealias Code = StableCode<AnalysisWarning>

    public var code: Code
    public var text: String

    public init(_ code: Code, _ text: String) {
        self.code = code
        self.text = text
    }
}

extension StableCode where Domain == AnalysisWarning {
    // The recording.
    public static let noAudio = Self("no-audio"), audioTooShort = Self("audio-too-short"),
        littleVoicedSpeech = Self("little-voiced-speech"), audioOnly = Self("audio-only"),
        noFrames = Self("no-frames"), faceDetectionUnavailable = Self("face-detection-unavailable"),
        truncated = Self("truncated"), damaged = Self("damaged")
    /// A picture-quality caveat from the frames (too dark, frozen, no face, …).
    public static let picture = Self("picture")
    // The transcript.
    public static let noTranscript = Self("no-transcript"), transcriptTooShort = Self("transcript-too-short"),
        untimedTranscript = Self("untimed-transcript"), answerFilesRestart = Self("answer-files-restart"),
        languageMismatch = Self("language-mismatch")
    // Speech recognition.
    public static let recognitionLoops = Self("recognition-loops"), recognitionDropped = Self("recognition-dropped"),
        recognitionIncomplete = Self("recognition-incomplete")
    public static let noRecognizer = Self("no-recognizer"), recognitionSkipped = Self("recognition-skipped"),
        recognitionFailed = Self("recognition-failed"), noSpeechRecognized = Self("no-speech-recognized"),
        recognitionUnsure = Self("recognition-unsure"), recognitionUnsureAnswers = Self("recognition-unsure-answers")
    // Metadata and résumé.
    public static let speakerNotFound = Self("speaker-not-found"), panel = Self("panel"),
        speakersUncertain = Self("speakers-uncertain")
    public static let metadataModelIgnored = Self("metadata-model-ignored"), resumeUnread = Self("resume-unread"),
        resumeWithoutTranscript = Self("resume-without-transcript")
}
