/// Sample rate of every `AudioChunk`: decoders resample to 16 kHz mono Float32.
public let analysisSampleRate = 16_000

/// A run of decoded mono audio at `analysisSampleRate`, in the order decoded.
public struct AudioChunk: Sendable {
    /// Index of the first sample since the start of the stream.
    public var startSample: Int
    public var samples: [Float]
    /// The same stretch with a two-channel source's channels kept apart: left and right interleaved at 16 kHz
    /// (nil for mono and for more than two channels). For telling the voices of a call recorder's channels apart.
    public var stereo: [Float]?

    public init(startSample: Int, samples: [Float], stereo: [Float]? = nil) {
        self.startSample = startSample
        self.samples = samples
        self.stereo = stereo
    }

    public var startSeconds: Double { Double(startSample) / Double(analysisSampleRate) }
}

/// One sampled video frame as an 8-bit grayscale plane (row stride == width).
public struct FrameSample: Sendable {
    /// Presentation time in seconds from the start of the recording.
    public var time: Double
    public var width: Int
    public var height: Int
    public var luma: [UInt8]

    public init(time: Double, width: Int, height: Int, luma: [UInt8]) {
        precondition(luma.count == width * height, "luma plane must be width × height")
        self.time = time
        self.width = width
        self.height = height
        self.luma = luma
    }
}

/// A timed piece of transcript text (a WebVTT/SRT cue, or a subtitle-stream event).
public struct Cue: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double
    public var text: String
    /// Word timings (and the recogniser's confidence) when the transcript has them: a JSON transcript with word
    /// timestamps, or speech recognition.
    public var words: [TimedWord]?
    /// Who said it, when the transcript (or the audio) says: the label as exported ("Ann Lee", "SPEAKER_01",
    /// "面试官") or a channel/voice label Debrief gave ("channel 1", "voice 2").
    public var speaker: String?

    public init(start: Double, end: Double, text: String, words: [TimedWord]? = nil, speaker: String? = nil) {
        self.start = start
        self.end = end
        self.text = text
        self.words = words
        self.speaker = speaker
    }
}

/// One word with its time in the recording and, from a recogniser, its probability (0–1).
public struct TimedWord: Sendable, Codable, Equatable {
    public var text: String
    public var start: Double
    public var end: Double
    public var probability: Double?

    public init(text: String, start: Double, end: Double, probability: Double? = nil) {
        self.text = text
        self.start = start
        self.end = end
        self.probability = probability
    }
}

/// Where a transcript came from.
public enum TranscriptSource: String, Sendable, Codable {
    case sidecar
    case subtitleStream = "subtitle-stream"
    case argument
    case transcriptOnly = "transcript-only"
    /// Transcribed by a speech recogniser (`transcript.recognizer` says which).
    case asr
    case none
}

/// What the container says about a recording, before any decoding.
public struct ContainerFacts: Sendable, Codable, Equatable {
    public var container: String
    public var durationSeconds: Double?
    public var sizeBytes: Int64
    public var bitRate: Int64?
    public var audio: AudioStreamFacts?
    public var video: VideoStreamFacts?
    public var subtitleCodecs: [String]

    public init(container: String, durationSeconds: Double?, sizeBytes: Int64, bitRate: Int64?,
                audio: AudioStreamFacts?, video: VideoStreamFacts?, subtitleCodecs: [String]) {
        self.container = container
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.bitRate = bitRate
        self.audio = audio
        self.video = video
        self.subtitleCodecs = subtitleCodecs
    }
}

public struct AudioStreamFacts: Sendable, Codable, Equatable {
    public var codec: String
    public var sampleRate: Int
    public var channels: Int
    public var durationSeconds: Double?

    public init(codec: String, sampleRate: Int, channels: Int, durationSeconds: Double?) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.durationSeconds = durationSeconds
    }
}

public struct VideoStreamFacts: Sendable, Codable, Equatable {
    public var codec: String
    public var width: Int
    public var height: Int
    public var fps: Double?
    /// Display-matrix rotation in degrees (phone video), 0 when none.
    public var rotationDegrees: Double

    public init(codec: String, width: Int, height: Int, fps: Double?, rotationDegrees: Double) {
        self.codec = codec
        self.width = width
        self.height = height
        self.fps = fps
        self.rotationDegrees = rotationDegrees
    }
}
