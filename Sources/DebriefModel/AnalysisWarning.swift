/// Something an analysis could not measure, or measured with a caveat: a stable code (for programs and tests) and
/// the sentence people read (the report's `warnings[]`).
public struct AnalysisWarning: Sendable, Codable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        init(_ rawValue: String) { self.rawValue = rawValue }

        // The recording.
        public static let noAudio = Code("no-audio")
        public static let audioTooShort = Code("audio-too-short")
        public static let littleVoicedSpeech = Code("little-voiced-speech")
        public static let audioOnly = Code("audio-only")
        public static let noFrames = Code("no-frames")
        /// A picture-quality caveat from the frames (too dark, frozen, no face, …).
        public static let picture = Code("picture")
        public static let faceDetectionUnavailable = Code("face-detection-unavailable")
        public static let truncated = Code("truncated")
        public static let damaged = Code("damaged")
        // The transcript.
        public static let noTranscript = Code("no-transcript")
        public static let transcriptTooShort = Code("transcript-too-short")
        public static let untimedTranscript = Code("untimed-transcript")
        public static let answerFilesRestart = Code("answer-files-restart")
        public static let languageMismatch = Code("language-mismatch")
        // Speech recognition.
        public static let noRecognizer = Code("no-recognizer")
        public static let recognitionSkipped = Code("recognition-skipped")
        public static let recognitionFailed = Code("recognition-failed")
        public static let noSpeechRecognized = Code("no-speech-recognized")
        public static let recognitionUnsure = Code("recognition-unsure")
        public static let recognitionUnsureAnswers = Code("recognition-unsure-answers")
        // Metadata and résumé.
        public static let metadataModelIgnored = Code("metadata-model-ignored")
        public static let resumeUnread = Code("resume-unread")
        public static let resumeWithoutTranscript = Code("resume-without-transcript")
    }

    public var code: Code
    public var text: String

    public init(_ code: Code, _ text: String) {
        self.code = code
        self.text = text
    }
}
