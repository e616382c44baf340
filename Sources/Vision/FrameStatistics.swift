import DebriefModel

/// Image statistics of one grayscale plane.
public struct FrameStatistics: Sendable, Equatable {
    /// Mean luma, 0–1.
    public var brightness: Double
    /// RMS contrast (standard deviation of luma), 0–1.
    public var contrast: Double

    /// Computes brightness and contrast of `luma` in one pass with integer sums (exact, order-independent).
    public init(luma: [UInt8]) {
        guard !luma.isEmpty else {
            brightness = 0
            contrast = 0
            return
        }
        var sum: UInt64 = 0
        var squares: UInt64 = 0
        for value in luma {
            let v = UInt64(value)
            sum += v
            squares += v * v
        }
        let n = Double(luma.count)
        let mean = Double(sum) / n
        let variance = max(0, Double(squares) / n - mean * mean)
        brightness = mean / 255
        contrast = variance.squareRoot() / 255
    }
}

/// Mean absolute luma difference of two planes of the same size, 0–1; nil when sizes differ.
public func motionEnergy(_ previous: [UInt8], _ current: [UInt8]) -> Double? {
    guard previous.count == current.count, !current.isEmpty else { return nil }
    var total: UInt64 = 0
    for i in 0..<current.count {
        total += UInt64(previous[i] > current[i] ? previous[i] - current[i] : current[i] - previous[i])
    }
    return Double(total) / Double(current.count) / 255
}

/// Streaming picture descriptors over sampled frames: brightness, contrast and motion between samples.
/// Keeps the previous frame and three floats per sample (for the optional track).
public struct VisionAnalyzer: Sendable {
    public let sampleRate: Double
    public let keepTrack: Bool
    private var previous: [UInt8]?
    private var times: [Double] = []
    private var brightness: [Float] = []
    private var contrast: [Float] = []
    private var motion: [Float] = []

    public init(sampleRate: Double, keepTrack: Bool = false) {
        self.sampleRate = sampleRate
        self.keepTrack = keepTrack
    }

    public mutating func consume(_ frame: FrameSample) {
        let statistics = FrameStatistics(luma: frame.luma)
        times.append(frame.time)
        brightness.append(Float(statistics.brightness))
        contrast.append(Float(statistics.contrast))
        motion.append(previous.flatMap { motionEnergy($0, frame.luma) }.map(Float.init) ?? 0)
        previous = frame.luma
    }

    public var framesAnalysed: Int { times.count }

    /// The summary, or nil when no frame was analysed.
    public func finish() -> VisualSummary? {
        guard !times.isEmpty else { return nil }
        let n = Double(times.count)
        let movingPairs = max(1, times.count - 1)
        return VisualSummary(
            framesAnalysed: times.count,
            sampleRate: sampleRate,
            brightnessMean: brightness.reduce(0) { $0 + Double($1) } / n,
            contrastMean: contrast.reduce(0) { $0 + Double($1) } / n,
            motionIndex: motion.dropFirst().reduce(0) { $0 + Double($1) } / Double(movingPairs),
            track: keepTrack ? VisualTrack(timesSeconds: times, brightness: brightness, motion: motion) : nil)
    }
}
