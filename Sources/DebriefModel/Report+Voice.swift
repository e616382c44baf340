/// A measured value with its unit and what it means, for descriptors shown to people.
public struct Pauses: Sendable, Codable, Equatable {
    /// Silent intervals of at least `minimumSeconds` between the first and the last speech.
    public var count: Int
    public var perMinute: Double
    public var meanSeconds: Double?
    public var longestSeconds: Double?
    public var minimumSeconds: Double
    /// Pauses by length: brief (< 0.5 s), medium (0.5–1 s), long (≥ 1 s).
    public var brief: Int
    public var medium: Int
    public var long: Int

    public init(count: Int, perMinute: Double, meanSeconds: Double?, longestSeconds: Double?, minimumSeconds: Double,
                brief: Int = 0, medium: Int = 0, long: Int = 0) {
        self.count = count
        self.perMinute = perMinute
        self.meanSeconds = meanSeconds
        self.longestSeconds = longestSeconds
        self.minimumSeconds = minimumSeconds
        self.brief = brief
        self.medium = medium
        self.long = long
    }
}

/// Delivery descriptors of the voice. They describe; they never weigh in a competency score.
public struct ProsodySummary: Sendable, Codable, Equatable {
    public var analysedSeconds: Double
    /// Share of 10 ms frames above the recording's own silence threshold.
    public var speechRatio: Double
    public var phonationSeconds: Double
    public var voicedFraction: Double
    public var f0MedianHz: Double?
    /// F0 statistics in semitones re 27.5 Hz over voiced frames.
    public var f0MeanSemitones: Double?
    public var f0SdSemitones: Double?
    public var f0RangeSemitones: Double?
    public var intensityMeanDb: Double?
    public var intensitySdDb: Double?
    public var silenceThresholdDb: Double?
    public var pauses: Pauses
    /// F0 slope over time, semitones per second (least squares over voiced frames).
    public var f0SlopeSemitonesPerSecond: Double?
    /// Syllable nuclei (de Jong & Wempe 2009) and the rates built on them.
    public var syllables: Int?
    /// Syllables per second of recording.
    public var speechRate: Double?
    /// Syllables per second of phonation (sounding time).
    public var articulationRate: Double?
    public var averageSyllableSeconds: Double?
    /// Praat's jitter (local) and shimmer (local), as fractions (0.01 = 1 %).
    public var jitterLocal: Double?
    public var shimmerLocal: Double?
    public var track: ProsodyTrack?
    /// A chart-sized outline of the whole recording (always there, whatever its length); nil on answers.
    public var contour: ProsodyContour?

    public init(analysedSeconds: Double, speechRatio: Double, phonationSeconds: Double, voicedFraction: Double,
                f0MedianHz: Double?, f0MeanSemitones: Double?, f0SdSemitones: Double?, f0RangeSemitones: Double?,
                intensityMeanDb: Double?, intensitySdDb: Double?, silenceThresholdDb: Double?, pauses: Pauses,
                f0SlopeSemitonesPerSecond: Double? = nil, syllables: Int? = nil, speechRate: Double? = nil,
                articulationRate: Double? = nil, averageSyllableSeconds: Double? = nil, jitterLocal: Double? = nil,
                shimmerLocal: Double? = nil, track: ProsodyTrack?, contour: ProsodyContour? = nil) {
        self.contour = contour
        self.f0SlopeSemitonesPerSecond = f0SlopeSemitonesPerSecond
        self.syllables = syllables
        self.speechRate = speechRate
        self.articulationRate = articulationRate
        self.averageSyllableSeconds = averageSyllableSeconds
        self.jitterLocal = jitterLocal
        self.shimmerLocal = shimmerLocal
        self.analysedSeconds = analysedSeconds
        self.speechRatio = speechRatio
        self.phonationSeconds = phonationSeconds
        self.voicedFraction = voicedFraction
        self.f0MedianHz = f0MedianHz
        self.f0MeanSemitones = f0MeanSemitones
        self.f0SdSemitones = f0SdSemitones
        self.f0RangeSemitones = f0RangeSemitones
        self.intensityMeanDb = intensityMeanDb
        self.intensitySdDb = intensitySdDb
        self.silenceThresholdDb = silenceThresholdDb
        self.pauses = pauses
        self.track = track
    }
}

/// The voice over the whole recording in at most `maximumPoints` steps, for charts: step i covers
/// `startSeconds + i · hopSeconds` for `hopSeconds` (10 ms frames, 2ⁿ to a step, n as small as fits). Memory and size
/// stay the same for an hour as for a minute.
public struct ProsodyContour: Sendable, Codable, Equatable {
    public static let maximumPoints = 512
    /// At most this many pauses are listed: the longest ones.
    public static let maximumPauses = 200

    public var startSeconds: Double
    public var hopSeconds: Double
    /// Mean F0 of the step's voiced frames; 0 when none is voiced.
    public var f0Hz: [Float]
    /// Mean intensity of the step's frames.
    public var intensityDb: [Float]
    /// Silent pauses (≥ the pause minimum, 0.25 s by default), the longest `maximumPauses`, in time order.
    public var pauses: [TimeSpan]

    public init(startSeconds: Double, hopSeconds: Double, f0Hz: [Float], intensityDb: [Float], pauses: [TimeSpan]) {
        self.startSeconds = startSeconds
        self.hopSeconds = hopSeconds
        self.f0Hz = f0Hz
        self.intensityDb = intensityDb
        self.pauses = pauses
    }
}

/// Frame-level prosody: frame i is centred at `startSeconds + i · hopSeconds`; `f0Hz` is 0 where unvoiced.
public struct ProsodyTrack: Sendable, Codable, Equatable {
    public var startSeconds: Double
    public var hopSeconds: Double
    public var f0Hz: [Float]
    public var intensityDb: [Float]

    public init(startSeconds: Double, hopSeconds: Double, f0Hz: [Float], intensityDb: [Float]) {
        self.startSeconds = startSeconds
        self.hopSeconds = hopSeconds
        self.f0Hz = f0Hz
        self.intensityDb = intensityDb
    }
}
