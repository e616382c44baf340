import DebriefModel

/// Image statistics of one grayscale plane.
public struct FrameStatistics: Sendable, Equatable {
    /// Mean luma, 0–1.
    public var brightness: Double
    /// RMS contrast (standard deviation of luma), 0–1.
    public var contrast: Double
    /// Share of pixels at video black (luma ≤ 16) and at video white (luma ≥ 235), as BT.601 limited range sets them.
    public var underExposed: Double
    public var overExposed: Double
    /// Variance of the 4-neighbour Laplacian over interior pixels (luma units²): the usual focus measure
    /// (Pech-Pacheco et al. 2000). Depends on frame size; Debrief's planes are 320 px wide.
    public var sharpness: Double

    /// Computes the statistics of a `width × height` plane with integer sums (exact, order-independent).
    public init(luma: [UInt8], width: Int, height: Int) {
        precondition(luma.count == width * height, "plane size mismatch")
        guard !luma.isEmpty else {
            self.init(brightness: 0, contrast: 0, underExposed: 0, overExposed: 0, sharpness: 0)
            return
        }
        var sum: UInt64 = 0
        var squares: UInt64 = 0
        var dark = 0
        var bright = 0
        for value in luma {
            let v = UInt64(value)
            sum += v
            squares += v * v
            if value <= 16 { dark += 1 } else if value >= 235 { bright += 1 }
        }
        let n = Double(luma.count)
        let mean = Double(sum) / n
        let variance = max(0, Double(squares) / n - mean * mean)
        var laplacianSum: Int64 = 0
        var laplacianSquares: Int64 = 0
        var interior = 0
        if width >= 3 && height >= 3 {
            luma.withUnsafeBufferPointer { p in
                for y in 1..<(height - 1) {
                    let row = y * width
                    for x in 1..<(width - 1) {
                        let i = row + x
                        let value = Int64(p[i - 1]) + Int64(p[i + 1]) + Int64(p[i - width]) + Int64(p[i + width])
                            - 4 * Int64(p[i])
                        laplacianSum += value
                        laplacianSquares += value * value
                    }
                }
            }
            interior = (width - 2) * (height - 2)
        }
        let laplacianMean = interior > 0 ? Double(laplacianSum) / Double(interior) : 0
        self.init(brightness: mean / 255, contrast: variance.squareRoot() / 255, underExposed: Double(dark) / n,
                  overExposed: Double(bright) / n,
                  sharpness: interior > 0 ? max(0, Double(laplacianSquares) / Double(interior) - laplacianMean * laplacianMean) : 0)
    }

    public init(brightness: Double, contrast: Double, underExposed: Double, overExposed: Double, sharpness: Double) {
        self.brightness = brightness
        self.contrast = contrast
        self.underExposed = underExposed
        self.overExposed = overExposed
        self.sharpness = sharpness
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

/// What one sampled frame shows: its statistics, its change from the previous sample, and its main face.
struct FrameObservation {
    var time: Double
    var statistics: FrameStatistics
    var change: Double?
    var face: DetectionBox?
    var centred = false
    var heightRatio = 0.0
    var bothEyes = false
    var smiling = false
}

/// Running picture statistics of a span of the recording (or all of it).
struct VisualAccumulator: Sendable {
    let range: ClosedRange<Double>
    var count = 0
    var sums = (brightness: 0.0, contrast: 0.0, under: 0.0, over: 0.0, sharpness: 0.0, motion: 0.0)
    var pairs = 0
    var frozenPairs = 0
    var frozenRunStart: Double?
    var longestFrozen = 0.0
    var lastTime: Double?
    var faceFrames = 0
    var centredFrames = 0
    var faceHeights = Histogram(lower: 0, upper: 1.01, binWidth: 0.005)
    var previousFace: (x: Double, y: Double, size: Double)?
    var movementSum = 0.0
    var movementPairs = 0
    var bothEyesFrames = 0
    var smilingFrames = 0
    var smileEpisodes = 0
    var smilingBefore = false

    init(range: ClosedRange<Double>) {
        self.range = range
    }

    mutating func add(_ frame: FrameObservation) {
        count += 1
        let statistics = frame.statistics
        sums.brightness += statistics.brightness
        sums.contrast += statistics.contrast
        sums.under += statistics.underExposed
        sums.over += statistics.overExposed
        sums.sharpness += statistics.sharpness
        if let change = frame.change, lastTime != nil {
            pairs += 1
            sums.motion += change
            if change < VisionAnalyzer.frozenMotion {
                frozenPairs += 1
                let start = frozenRunStart ?? lastTime!
                frozenRunStart = start
                longestFrozen = max(longestFrozen, frame.time - start)
            } else {
                frozenRunStart = nil
            }
        }
        lastTime = frame.time
        if let face = frame.face {
            faceFrames += 1
            if frame.centred { centredFrames += 1 }
            faceHeights.add(frame.heightRatio)
            let cx = Double(face.x) + Double(face.width) / 2, cy = Double(face.y) + Double(face.height) / 2
            if let last = previousFace {
                movementSum += ((cx - last.x) * (cx - last.x) + (cy - last.y) * (cy - last.y)).squareRoot() / last.size
                movementPairs += 1
            }
            previousFace = (cx, cy, Double(face.height))
            if frame.bothEyes { bothEyesFrames += 1 }
        } else {
            previousFace = nil
        }
        if frame.smiling {
            smilingFrames += 1
            if !smilingBefore { smileEpisodes += 1 }
        }
        smilingBefore = frame.smiling
    }

    func summary(sampleRate: Double, detectors: FaceDetectors?, track: VisualTrack?) -> VisualSummary? {
        guard count > 0 else { return nil }
        let n = Double(count)
        let brightnessMean = sums.brightness / n
        let contrastMean = sums.contrast / n
        let under = sums.under / n
        let over = sums.over / n
        var warnings: [String] = []
        let lighting: String
        if brightnessMean < 0.2 || under > 0.5 {
            lighting = "too dark"
            warnings.append(String(format: "too dark: mean brightness %.0f %%, %.0f %% of the picture black",
                                   brightnessMean * 100, under * 100))
        } else if brightnessMean > 0.8 || over > 0.4 {
            lighting = "too bright"
            warnings.append(String(format: "too bright: mean brightness %.0f %%, %.0f %% of the picture white",
                                   brightnessMean * 100, over * 100))
        } else if contrastMean < 0.04 {
            lighting = "flat"
            warnings.append(String(format: "very low contrast (%.1f %%): the picture is washed out or blank",
                                   contrastMean * 100))
        } else {
            lighting = "good"
        }
        if pairs >= 4, longestFrozen >= 5 {
            warnings.append(String(format: "frozen video: the picture did not change for %.0f s", longestFrozen))
        }
        let hasFaces = detectors != nil
        let visible: Double? = hasFaces ? Double(faceFrames) / n : nil
        let medianHeight = faceHeights.quantile(0.5)
        if let visible, visible < 0.7 {
            warnings.append(String(format: "face not visible %.0f %% of the time", (1 - visible) * 100))
        }
        if let medianHeight, medianHeight < 0.15 {
            warnings.append(String(format: "face small in the frame (%.0f %% of the picture height)", medianHeight * 100))
        }
        let faceCount = Double(faceFrames)
        let minutes = n / sampleRate / 60
        let centred: Double? = hasFaces ? Double(centredFrames) / n : nil
        let gaze: Double? = detectors?.eyes != nil && faceFrames > 0 ? Double(bothEyesFrames) / faceCount : nil
        let smileShare: Double? = detectors?.smile != nil && faceFrames > 0 ? Double(smilingFrames) / faceCount : nil
        let episodes: Double? = detectors?.smile != nil && minutes > 0 ? Double(smileEpisodes) / minutes : nil
        let movement: Double? = movementPairs > 0 ? movementSum / Double(movementPairs) : nil
        let motionIndex = pairs > 0 ? sums.motion / Double(pairs) : 0
        let frozen = pairs > 0 ? Double(frozenPairs) / Double(pairs) : 0
        return VisualSummary(
            framesAnalysed: count, sampleRate: sampleRate, brightnessMean: brightnessMean, contrastMean: contrastMean,
            motionIndex: motionIndex, underExposedRatio: under, overExposedRatio: over,
            sharpnessMean: sums.sharpness / n, frozenRatio: frozen, longestFrozenSeconds: longestFrozen,
            lighting: lighting, faceVisibleRatio: visible, faceCentredRatio: centred,
            medianFaceHeightRatio: medianHeight, headMovement: movement, gazeProxyRatio: gaze, smileRatio: smileShare,
            smileEpisodesPerMinute: episodes, warnings: warnings, track: track)
    }
}

/// Streaming picture descriptors and quality signals over sampled frames: exposure, sharpness, motion between
/// samples, frozen stretches, a lighting verdict, and — with detectors — the face (visible, centred, size, head
/// movement), a gaze proxy and smiles, for the whole recording and for requested spans (answers). Keeps the
/// previous frame and, only when asked, a few values per sample for the track.
public struct VisionAnalyzer: Sendable {
    public let sampleRate: Double
    public let keepTrack: Bool
    /// Mean absolute luma change below this (0–1) counts as no change at all between two samples.
    public static let frozenMotion = 0.002
    private let detectors: FaceDetectors?
    private var previous: [UInt8]?
    private var whole = VisualAccumulator(range: -Double.infinity...Double.infinity)
    private var spans: [VisualAccumulator]
    private var times: [Double] = []
    private var brightness: [Float] = []
    private var motion: [Float] = []
    private var faceFlags: [Bool] = []
    private var faceBoxes: [[Int]] = []

    /// - Parameters:
    ///   - faces: face (and eye, smile) detectors; without them, no face measures are reported.
    ///   - spans: time ranges (seconds) to summarise separately as well, e.g. the answers of an interview.
    public init(sampleRate: Double, keepTrack: Bool = false, faces: FaceDetectors? = nil,
                spans: [ClosedRange<Double>] = []) {
        self.sampleRate = sampleRate
        self.keepTrack = keepTrack
        detectors = faces
        self.spans = spans.map { VisualAccumulator(range: $0) }
    }

    public mutating func consume(_ frame: FrameSample) {
        var observation = FrameObservation(
            time: frame.time, statistics: FrameStatistics(luma: frame.luma, width: frame.width, height: frame.height),
            change: previous.flatMap { motionEnergy($0, frame.luma) })
        previous = frame.luma
        if let detectors {
            // Faces smaller than an eighth of the frame height say nothing about framing; skipping those scales
            // keeps detection cheap.
            let faces = detectors.face
            let boxes = faces.detect(frame.luma, width: frame.width, height: frame.height,
                                     minSize: max(faces.cascade.windowHeight, frame.height / 8))
            if let face = boxes.max(by: { $0.width * $0.height < $1.width * $1.height }) {
                observation.face = face
                let cx = Double(face.x) + Double(face.width) / 2, cy = Double(face.y) + Double(face.height) / 2
                let w = Double(frame.width), h = Double(frame.height)
                observation.centred = abs(cx - w / 2) <= w / 6 && cy >= 0.15 * h && cy <= 0.6 * h
                observation.heightRatio = Double(face.height) / h
                // Gaze proxy: an eye found in each half of the eye region of a frontal face.
                if let eyes = detectors.eyes(in: frame.luma, width: frame.width, face: face) {
                    let middle = Double(face.width) / 2
                    observation.bothEyes = eyes.contains { Double($0.x) + Double($0.width) / 2 < middle }
                        && eyes.contains { Double($0.x) + Double($0.width) / 2 >= middle }
                }
                observation.smiling = !(detectors.smiles(in: frame.luma, width: frame.width, face: face) ?? []).isEmpty
            }
        }
        whole.add(observation)
        for index in spans.indices where spans[index].range.contains(frame.time) { spans[index].add(observation) }
        if keepTrack {
            times.append(frame.time)
            brightness.append(Float(observation.statistics.brightness))
            motion.append(Float(observation.change ?? 0))
            if detectors != nil {
                faceFlags.append(observation.face != nil)
                faceBoxes.append(observation.face.map { [$0.x, $0.y, $0.width, $0.height] } ?? [])
            }
        }
    }

    /// The summary, or nil when no frame was analysed.
    public func finish() -> VisualSummary? {
        whole.summary(sampleRate: sampleRate, detectors: detectors,
                      track: keepTrack ? VisualTrack(timesSeconds: times, brightness: brightness, motion: motion,
                                                     faceDetected: faceFlags, faceBoxes: faceBoxes) : nil)
    }

    /// Summaries of the requested spans, in order (nil for a span with no sampled frame).
    public func spanSummaries() -> [VisualSummary?] {
        spans.map { $0.summary(sampleRate: sampleRate, detectors: detectors, track: nil) }
    }
}
