/// Picture descriptors and quality signals. They describe; they never weigh in a competency score.
public struct VisualSummary: Sendable, Codable, Equatable {
    public var framesAnalysed: Int
    /// Frames sampled per second of video.
    public var sampleRate: Double
    /// Mean luma 0–1.
    public var brightnessMean: Double
    /// Mean RMS contrast of luma 0–1.
    public var contrastMean: Double
    /// Mean absolute luma change between consecutive samples, 0–1.
    public var motionIndex: Double
    /// Mean share of pixels at video black / video white.
    public var underExposedRatio: Double
    public var overExposedRatio: Double
    /// Mean variance of the Laplacian (focus measure, luma units², on 320-px-wide planes).
    public var sharpnessMean: Double
    /// Share of consecutive samples with no change, and the longest such stretch.
    public var frozenRatio: Double
    public var longestFrozenSeconds: Double
    /// "good", "too dark", "too bright" or "flat".
    public var lighting: String
    /// Face measures (nil when no face detector ran): share of frames with a frontal face, share with the face
    /// centred (centre within the middle third across and 15–60 % down), median face height over frame height, and
    /// head movement (mean face-centre shift between consecutive samples, in face heights).
    public var faceVisibleRatio: Double?
    public var faceCentredRatio: Double?
    public var medianFaceHeightRatio: Double?
    public var headMovement: Double?
    /// Share of face frames with an eye found in each half of the face (a proxy for looking at the camera, not a
    /// measure of attention), share of face frames with a smile, and smile episodes (runs of smiling samples) per
    /// minute of video.
    public var gazeProxyRatio: Double?
    public var smileRatio: Double?
    public var smileEpisodesPerMinute: Double?
    /// Recording-quality warnings in plain words.
    public var warnings: [String]
    public var track: VisualTrack?

    public init(framesAnalysed: Int, sampleRate: Double, brightnessMean: Double, contrastMean: Double,
                motionIndex: Double, underExposedRatio: Double = 0, overExposedRatio: Double = 0,
                sharpnessMean: Double = 0, frozenRatio: Double = 0, longestFrozenSeconds: Double = 0,
                lighting: String = "good", faceVisibleRatio: Double? = nil, faceCentredRatio: Double? = nil,
                medianFaceHeightRatio: Double? = nil, headMovement: Double? = nil, gazeProxyRatio: Double? = nil,
                smileRatio: Double? = nil, smileEpisodesPerMinute: Double? = nil, warnings: [String] = [],
                track: VisualTrack?) {
        self.gazeProxyRatio = gazeProxyRatio
        self.smileRatio = smileRatio
        self.smileEpisodesPerMinute = smileEpisodesPerMinute
        self.faceVisibleRatio = faceVisibleRatio
        self.faceCentredRatio = faceCentredRatio
        self.medianFaceHeightRatio = medianFaceHeightRatio
        self.headMovement = headMovement
        self.framesAnalysed = framesAnalysed
        self.sampleRate = sampleRate
        self.brightnessMean = brightnessMean
        self.contrastMean = contrastMean
        self.motionIndex = motionIndex
        self.underExposedRatio = underExposedRatio
        self.overExposedRatio = overExposedRatio
        self.sharpnessMean = sharpnessMean
        self.frozenRatio = frozenRatio
        self.longestFrozenSeconds = longestFrozenSeconds
        self.lighting = lighting
        self.warnings = warnings
        self.track = track
    }
}

public struct VisualTrack: Sendable, Codable, Equatable {
    public var timesSeconds: [Double]
    public var brightness: [Float]
    public var motion: [Float]
    public var faceDetected: [Bool]
    /// The main (largest) face per sample as [x, y, width, height] in frame pixels; empty when none.
    public var faceBoxes: [[Int]]

    public init(timesSeconds: [Double], brightness: [Float], motion: [Float], faceDetected: [Bool] = [],
                faceBoxes: [[Int]] = []) {
        self.timesSeconds = timesSeconds
        self.brightness = brightness
        self.motion = motion
        self.faceDetected = faceDetected
        self.faceBoxes = faceBoxes
    }
}
