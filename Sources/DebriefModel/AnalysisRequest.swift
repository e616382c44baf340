/// Everything one analysis needs, as one value: what to analyse, against which model, and how.
///
/// The worker pool sends it whole (as JSON) to the child process that analyses a queued recording, and
/// `debrief analyze` builds it from its flags, so an option added here reaches every analysis by itself: there is
/// no second list of arguments to keep in step.
public struct AnalysisRequest: Sendable, Codable, Equatable {
    public var bundle: RecordingBundle
    /// An explicit transcript file (`debrief analyze --transcript`): wins over sidecars and subtitle streams.
    public var transcript: String?
    public var model: ModelReference
    public var options: AnalysisOptions

    public init(bundle: RecordingBundle, transcript: String? = nil, model: ModelReference,
                options: AnalysisOptions = AnalysisOptions()) {
        self.bundle = bundle
        self.transcript = transcript
        self.model = model
        self.options = options
    }
}

/// Which competency model scores a recording: `explicit` (`--model`), else the metadata's `model` (for recordings
/// not filed under a job's folder), else the inbox folder's model, else `fallback`.
public struct ModelReference: Sendable, Codable, Equatable {
    /// The directory of competency models.
    public var catalog: String
    /// A model id or a path to a model file, given by whoever asked for the analysis.
    public var explicit: String?
    /// The model when nothing else names one.
    public var fallback: String

    public init(catalog: String, explicit: String? = nil, fallback: String = "software-engineer") {
        self.catalog = catalog
        self.explicit = explicit
        self.fallback = fallback
    }
}

/// How to analyse.
public struct AnalysisOptions: Sendable, Codable, Equatable {
    /// Include frame-level tracks (`prosody.track`, `visual.track`).
    public var tracks = false
    /// Video frames sampled per second.
    public var frameRate: Double = 2
    /// Speech recognition for recordings that come without a transcript.
    public var recognition = RecognitionSettings()
    /// Where temporary files go (the audio kept for the recogniser while a recording is analysed); nil: the
    /// system's temporary directory.
    public var scratch: String?

    public init(tracks: Bool = false, frameRate: Double = 2, recognition: RecognitionSettings = RecognitionSettings(),
                scratch: String? = nil) {
        self.tracks = tracks
        self.frameRate = frameRate
        self.recognition = recognition
        self.scratch = scratch
    }

    /// The highest frame rate sampled (a frame every 33 ms).
    public static let maximumFrameRate = 30.0
}

/// When and with what to transcribe. A supplied transcript (argument, sidecar, subtitle stream) always wins.
public struct RecognitionSettings: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Transcribe recordings without a transcript when a recogniser is configured; say so when none is.
        case auto
        /// As `auto`, but a recording without a transcript fails when the recogniser is missing or fails.
        case always
        /// Never transcribe.
        case never
    }

    public var mode: Mode
    /// Base URL of the recogniser (an OpenAI-compatible server, or the embedded one a parent process started);
    /// nil: none is configured.
    public var url: String?
    /// The model name to ask that server for.
    public var model: String
    /// What the recogniser said it is, when it was asked at start-up.
    public var recognizer: RecognizerInfo?

    public init(mode: Mode = .auto, url: String? = nil, model: String = "whisper-1", recognizer: RecognizerInfo? = nil) {
        self.mode = mode
        self.url = url
        self.model = model
        self.recognizer = recognizer
    }
}

/// What a speech recogniser says it is.
public struct RecognizerInfo: Sendable, Codable, Equatable {
    public var name: String
    /// An English-only model (Whisper `*.en`): never given audio in another language.
    public var englishOnly: Bool

    public init(name: String, englishOnly: Bool) {
        self.name = name
        self.englishOnly = englishOnly
    }
}
