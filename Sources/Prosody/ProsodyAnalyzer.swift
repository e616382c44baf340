import DebriefModel
import Foundation

/// Settings of the prosody analysis. Defaults are Praat's "To Pitch (ac)" (Boersma 1993) and "To Intensity", and
/// de Jong & Wempe (2009) for pauses.
public struct ProsodySettings: Sendable {
    public var pitchFloor: Double = 75
    public var pitchCeiling: Double = 600
    public var hopSeconds: Double = 0.01
    public var maxCandidates = 15
    /// A frame is voiced when its best normalised autocorrelation peak beats this (Praat: 0.45).
    public var voicingThreshold: Float = 0.45
    /// Frames quieter than this share of the global peak lean unvoiced (Praat: 0.03).
    public var silenceThreshold: Float = 0.03
    /// Favours higher-frequency candidates, per octave (Praat: 0.01).
    public var octaveCost: Float = 0.01
    /// Cost of a one-octave jump between frames (Praat: 0.35).
    public var octaveJumpCost: Float = 0.35
    /// Cost of a voiced/unvoiced transition (Praat: 0.14).
    public var voicedUnvoicedCost: Float = 0.14
    /// Silence threshold relative to the 99th-percentile intensity, in dB (de Jong & Wempe: −25 dB).
    public var silenceDbBelowPeak: Double = 25
    /// Shortest silent interval counted as a pause.
    public var minimumPauseSeconds: Double = 0.25
    public var keepTrack = false

    public init() {}

    /// Validates the settings.
    /// - Throws: `ProsodyError` when the floor, ceiling, hop or costs make no sense at 16 kHz.
    public func validate() throws(ProsodyError) {
        guard pitchFloor >= 30, pitchFloor < pitchCeiling else {
            throw ProsodyError(reason: "pitch floor must be ≥ 30 Hz and below the ceiling, got \(pitchFloor) Hz")
        }
        guard pitchCeiling <= Double(analysisSampleRate) / 4 else {
            throw ProsodyError(reason: "pitch ceiling must be ≤ \(analysisSampleRate / 4) Hz, got \(pitchCeiling) Hz")
        }
        guard hopSeconds >= 0.001, hopSeconds <= 0.1 else {
            throw ProsodyError(reason: "hop must be within 1–100 ms, got \(hopSeconds) s")
        }
        guard maxCandidates >= 2, maxCandidates <= 50 else {
            throw ProsodyError(reason: "candidates per frame must be within 2–50, got \(maxCandidates)")
        }
        guard voicingThreshold > 0, voicingThreshold < 1, silenceThreshold >= 0, octaveCost >= 0,
              octaveJumpCost >= 0, voicedUnvoicedCost >= 0 else {
            throw ProsodyError(reason: "thresholds must be within (0, 1) and costs must not be negative")
        }
    }
}

public struct ProsodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "prosody settings: \(reason)" }
}

/// Streaming prosody over 16 kHz mono audio: consumes chunks and summarises at the end.
///
/// - F0 and voicing: `PitchFrameAnalyzer` + `PitchPathFinder`, Boersma (1993) as Praat implements it.
/// - Intensity: Praat's "To Intensity" — mean square under a Kaiser window (β = 2π² + 0.5) of 6.4 / pitch floor
///   seconds, in dB re (2·10⁻⁵ Pa)², treating samples as pascals.
/// - Pauses, phonation time and syllable nuclei: `SpeechSegmentation` (de Jong & Wempe 2009).
/// - Jitter and shimmer: `VoiceQuality` (Praat's definitions).
///
/// Memory: audio is held for the analysis windows plus the path finder's look-ahead and lag (about 13 s); F0 frames
/// only until their voiced stretch has been measured; statistics are running sums and fixed-bin histograms. What
/// grows with the recording is the de Jong & Wempe contour at 16-bit precision every 16 ms and one voicing bit per
/// 10 ms frame (about 0.5 MB an hour) — and, only when asked for, the frame-level track.
public struct ProsodyAnalyzer: Sendable {
    public let settings: ProsodySettings
    private var pitch: PitchFrameAnalyzer
    private var path: PitchPathFinder
    private let hop: Int
    private let reach: Int
    private let intensityHalf: Int
    private let intensityWindow: [Float]
    private let intensityWeight: Float
    /// The de Jong & Wempe contour: Praat intensity with a 50 Hz floor, mean subtracted.
    private let nucleiHalf: Int
    private let nucleiWindow: [Float]
    private let nucleiWeight: Float

    private var buffer: [Float] = []
    /// Squares of `buffer`, computed once per sample for the intensity windows.
    private var squaresBuffer: [Float] = []
    /// Absolute index of `buffer[0]`.
    private var bufferStart = 0
    private var consumedSamples = 0
    private var nextCentre: Int
    private var frameCount = 0

    // Decided F0: recent frames (for pulse placement), the voicing bits, and running statistics.
    private var recentF0: [Float] = []
    private var recentBase = 0
    private var decidedCount = 0
    private var voicedBits: [UInt8] = []
    /// First decided frame not yet examined for closed voiced stretches.
    private var stretchScan = 0

    /// Statistics of the whole recording, and of each requested span (answers).
    private var whole: SpanStatistics
    private var spans: [SpanStatistics]
    /// Summaries of the requested spans, in order, filled by `finish()`.
    public private(set) var spanSummaries: [ProsodySummary] = []

    // The de Jong & Wempe contour, resampled to 16 ms as frames arrive.
    static let nucleiStep = 0.8 / 50
    private var nucleiLevels: [UInt16] = []
    private var nucleiHistogram = Histogram(lower: 0, upper: 200, binWidth: 0.01)
    private var nucleiMinimum = Double.infinity
    private var previousNucleiLevel: Float?

    // The chart-sized contour (bounded, always kept).
    private var contourF0 = BoundedSeries(capacity: ProsodyContour.maximumPoints)
    private var contourIntensity = BoundedSeries(capacity: ProsodyContour.maximumPoints)

    // The frame-level track, kept only when asked for.
    private var trackF0: [Float] = []
    private var trackIntensity: [Float] = []

    /// - Parameters:
    ///   - spans: time ranges (seconds) to summarise separately as well, e.g. the answers of an interview.
    public init(settings: ProsodySettings = ProsodySettings(), spans: [ClosedRange<Double>] = [])
        throws(ProsodyError) {
        try settings.validate()
        self.settings = settings
        whole = SpanStatistics(range: -Double.infinity...Double.infinity, rate: Double(analysisSampleRate))
        self.spans = spans.map { SpanStatistics(range: $0, rate: Double(analysisSampleRate)) }
        let rate = Double(analysisSampleRate)
        pitch = PitchFrameAnalyzer(settings: settings, rate: rate)
        path = PitchPathFinder(settings: settings)
        hop = Int((settings.hopSeconds * rate).rounded())
        let half = Int((3.2 / settings.pitchFloor * rate).rounded(.down))
        intensityHalf = half
        intensityWindow = kaiserWindow(half: half)
        intensityWeight = intensityWindow.reduce(0, +)
        let nucleiHalfLength = Int((3.2 / 50 * rate).rounded(.down))
        nucleiHalf = nucleiHalfLength
        nucleiWindow = kaiserWindow(half: nucleiHalfLength)
        nucleiWeight = nucleiWindow.reduce(0, +)
        reach = max(pitch.reach, half + 1, nucleiHalfLength + 1, hop / 2 + 1)
        nextCentre = reach
    }

    /// Frame i is centred at `startSeconds + i · hopSeconds`.
    public var startSeconds: Double { Double(reach) / Double(analysisSampleRate) }

    /// Bytes of analysis state that depend on the input's length (audio buffers, recent F0, the contour, the voicing
    /// bits and any track): what "memory stays flat" is measured by.
    public var retainedBytes: Int {
        buffer.count * 4 + squaresBuffer.count * 4 + recentF0.count * 4 + nucleiLevels.count * 2 + voicedBits.count
            + trackF0.count * 4 + trackIntensity.count * 4
    }

    public mutating func consume(_ samples: [Float]) {
        buffer.append(contentsOf: samples)
        squaresBuffer.append(contentsOf: samples.lazy.map { $0 * $0 })
        consumedSamples += samples.count
        while nextCentre + reach <= consumedSamples {
            analyseFrame(centre: nextCentre)
            nextCentre += hop
        }
        absorb(path.takeEmitted())
        measureClosedStretches(final: false)
        // Drop what no later frame and no undecided voiced stretch needs.
        let stretchStart = centreSample(stretchScan) - 2 * pitch.periodSamples
        let keepFrom = min(nextCentre - reach, stretchStart) - bufferStart
        if keepFrom > 16_000 {
            buffer.removeFirst(keepFrom)
            squaresBuffer.removeFirst(keepFrom)
            bufferStart += keepFrom
        }
        let keepFrames = stretchScan - 2 - recentBase
        if keepFrames > 4096, !settings.keepTrack {
            recentF0.removeFirst(keepFrames)
            recentBase += keepFrames
        }
    }

    private func centreSample(_ frame: Int) -> Int { reach + frame * hop }

    private mutating func analyseFrame(centre: Int) {
        let local = centre - bufferStart
        let hop = self.hop
        let result = buffer.withUnsafeBufferPointer { samples in
            pitch.analyse(samples, centre: local, hop: hop)
        }
        path.add(localPeak: result.localPeak, hopPeak: result.hopPeak, candidates: result.candidates)
        let energy = squaresBuffer.withUnsafeBufferPointer { squares in
            intensityWindow.withUnsafeBufferPointer { window in
                Kernels.dot(window.baseAddress!, squares.baseAddress! + local - intensityHalf, count: window.count)
            }
        }
        let meanSquare = energy / intensityWeight
        let decibels = meanSquare > 4e-10 ? 10 * log10(meanSquare / 4e-10) : 0
        let time = startSeconds + Double(frameCount) * settings.hopSeconds
        whole.addFrame(decibels: Double(decibels))
        for index in spans.indices where spans[index].range.contains(time) { spans[index].addFrame(decibels: Double(decibels)) }
        if settings.keepTrack { trackIntensity.append(decibels) }
        contourIntensity.add(decibels)
        addNucleiLevel(meanSubtractedIntensity(local))
        frameCount += 1
    }

    /// Adds the de Jong & Wempe contour value of the newest frame, emitting the 16 ms steps that fall between it and
    /// the previous frame (linear interpolation: the contour is smooth, with a 64 ms effective window).
    private mutating func addNucleiLevel(_ level: Float) {
        defer { previousNucleiLevel = level }
        let frame = frameCount
        let stepInFrames = Self.nucleiStep / settings.hopSeconds
        while true {
            let position = Double(nucleiLevels.count) * stepInFrames
            guard position <= Double(frame) + 1e-9 else { return }
            let fraction = Float(position - Double(frame - 1))
            let value = previousNucleiLevel.map { $0 + (level - $0) * fraction } ?? level
            nucleiLevels.append(UInt16(min(65_535, max(0, (value * 100).rounded()))))
            nucleiHistogram.add(Double(value))
            nucleiMinimum = min(nucleiMinimum, Double(value))
        }
    }

    /// Folds newly decided F0 frames into the voicing bits, the statistics and (when kept) the track.
    private mutating func absorb(_ decided: [Float]) {
        for value in decided {
            let index = decidedCount
            if index % 8 == 0 { voicedBits.append(0) }
            if value > 0 {
                voicedBits[index / 8] |= 1 << UInt8(index % 8)
                let time = startSeconds + Double(index) * settings.hopSeconds
                whole.addVoiced(hertz: Double(value), time: time)
                for span in spans.indices where spans[span].range.contains(time) {
                    spans[span].addVoiced(hertz: Double(value), time: time)
                }
            }
            recentF0.append(value)
            if settings.keepTrack { trackF0.append(value) }
            contourF0.add(value, include: value > 0)
            decidedCount += 1
        }
    }

    private func isVoiced(frame: Int) -> Bool {
        frame >= 0 && frame < decidedCount && voicedBits[frame / 8] & (1 << UInt8(frame % 8)) != 0
    }

    private func decidedF0(_ frame: Int) -> Float {
        let index = frame - recentBase
        return index >= 0 && index < recentF0.count ? recentF0[index] : 0
    }

    /// Hands every voiced stretch whose end is decided to the pulse analysis (at the end: every stretch).
    private mutating func measureClosedStretches(final: Bool) {
        var i = stretchScan
        while i < decidedCount {
            guard decidedF0(i) > 0 else { i += 1; stretchScan = i; continue }
            var j = i
            while j < decidedCount, decidedF0(j) > 0 { j += 1 }
            guard j < decidedCount || final else { return }  // still open
            let hopSeconds = settings.hopSeconds
            let origin = startSeconds
            let left = origin + (Double(i) - 0.5) * hopSeconds
            let right = origin + (Double(j - 1) + 0.5) * hopSeconds
            let recent = recentF0, base = recentBase
            let f0At: (Double) -> Double? = { time in
                let position = (time - origin) / hopSeconds
                let lower = Int(position.rounded(.down))
                func at(_ frame: Int) -> Double {
                    let index = frame - base
                    return index >= 0 && index < recent.count ? Double(recent[index]) : 0
                }
                let a = at(lower), b = at(lower + 1)
                let fraction = position - Double(lower)
                if a > 0, b > 0 { return a + (b - a) * fraction }
                if a > 0, fraction <= 0.5 { return a }
                if b > 0, fraction >= 0.5 { return b }
                return nil
            }
            let peak = path.globalPeak
            let offset = bufferStart
            let middle = 0.5 * (left + right)
            buffer.withUnsafeBufferPointer { samples in
                // Pulses are placed once and folded into the recording's and the answer's measures.
                let pulses = whole.voice.pulses(samples: samples, offset: offset, left: left, right: right,
                                                globalPeak: peak, f0: f0At)
                whole.voice.add(pulses, samples: samples, offset: offset)
                for span in spans.indices where spans[span].range.contains(middle) {
                    spans[span].voice.add(pulses, samples: samples, offset: offset)
                }
            }
            i = j
            stretchScan = j
        }
    }

    /// Praat intensity with the 50 Hz window, the window's mean subtracted: Σw(x−m)²/Σw = Σwx²/Σw − 2mΣwx/Σw + m².
    private func meanSubtractedIntensity(_ centre: Int) -> Float {
        let count = nucleiWindow.count
        let start = centre - nucleiHalf
        var plain: Float = 0
        var weighted: Float = 0
        var weightedSquares: Float = 0
        buffer.withUnsafeBufferPointer { samples in
            squaresBuffer.withUnsafeBufferPointer { squares in
                nucleiWindow.withUnsafeBufferPointer { window in
                    let x = samples.baseAddress! + start
                    var sums = SIMD8<Float>()
                    var i = 0
                    while i + 8 <= count {
                        sums += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                        i += 8
                    }
                    plain = sums.sum()
                    while i < count { plain += x[i]; i += 1 }
                    weighted = Kernels.dot(window.baseAddress!, x, count: count)
                    weightedSquares = Kernels.dot(window.baseAddress!, squares.baseAddress! + start, count: count)
                }
            }
        }
        let m = plain / Float(count)
        let meanSquare = max(0, weightedSquares / nucleiWeight - 2 * m * weighted / nucleiWeight + m * m)
        return meanSquare > 4e-10 ? 10 * log10(meanSquare / 4e-10) : 0
    }

    /// Summarises everything consumed so far; the requested spans' summaries are then in `spanSummaries`.
    public mutating func finish() -> ProsodySummary {
        absorb(path.finish())
        measureClosedStretches(final: true)
        let seconds = Double(consumedSamples) / Double(analysisSampleRate)
        let step = Self.nucleiStep
        let levels = nucleiLevels
        let stepInFrames = step / settings.hopSeconds
        let segmentation = SpeechSegmentation(
            count: levels.count, level: { Float(levels[$0]) / 100 },
            max99: nucleiHistogram.quantile(0.99) ?? 0, minimum: nucleiMinimum.isFinite ? nucleiMinimum : 0,
            voiced: { isVoiced(frame: Int((Double($0) * stepInFrames).rounded())) }, step: step,
            silenceDb: -settings.silenceDbBelowPeak, minimumSilence: settings.minimumPauseSeconds)
        spanSummaries = spans.map { span in
            let lower = max(0, Int(((span.range.lowerBound - startSeconds) / step).rounded(.up)))
            let upper = min(levels.count, Int(((span.range.upperBound - startSeconds) / step).rounded(.down)) + 1)
            return summary(span, segmentation: segmentation, steps: lower..<max(lower, upper),
                           seconds: span.range.upperBound - span.range.lowerBound, track: nil)
        }
        var whole = summary(whole, segmentation: segmentation, steps: 0..<levels.count, seconds: seconds,
                              track: settings.keepTrack
                                  ? ProsodyTrack(startSeconds: startSeconds, hopSeconds: settings.hopSeconds,
                                                 f0Hz: trackF0, intensityDb: trackIntensity)
                                  : nil)
        let framesPerStep = max(contourF0.framesPerStep, contourIntensity.framesPerStep)
        let pauses = pauseSpans(segmentation.sounding, step: step)
            .sorted { ($0.end - $0.start, $1.start) > ($1.end - $1.start, $0.start) }
            .prefix(ProsodyContour.maximumPauses).sorted { $0.start < $1.start }
        // Steps are centred on their frames' mean time: frame i is centred at startSeconds + i · hop.
        whole.contour = ProsodyContour(
            startSeconds: startSeconds - settings.hopSeconds / 2,
            hopSeconds: settings.hopSeconds * Double(framesPerStep),
            f0Hz: contourF0.means(atFramesPerStep: framesPerStep),
            intensityDb: contourIntensity.means(atFramesPerStep: framesPerStep), pauses: Array(pauses))
        return whole
    }

    /// The silent intervals between the first and the last sounding step that are long enough to be pauses.
    private func pauseSpans(_ sounding: [Bool], step: Double) -> [TimeSpan] {
        guard let first = sounding.firstIndex(of: true), let last = sounding.lastIndex(of: true) else { return [] }
        var spans: [TimeSpan] = []
        var runStart: Int?
        for i in first...last {
            if sounding[i] {
                if let start = runStart, Double(i - start) * step >= settings.minimumPauseSeconds - 1e-9 {
                    spans.append(TimeSpan(start: startSeconds + Double(start) * step,
                                          end: startSeconds + Double(i) * step))
                }
                runStart = nil
            } else if runStart == nil {
                runStart = i
            }
        }
        return spans
    }

    /// One summary from a span's running statistics and its part of the recording's segmentation.
    private func summary(_ span: SpanStatistics, segmentation: SpeechSegmentation, steps: Range<Int>, seconds: Double,
                         track: ProsodyTrack?) -> ProsodySummary {
        let step = Self.nucleiStep
        let sounding = steps.isEmpty ? [] : Array(segmentation.sounding[steps])
        let soundingSteps = sounding.filter { $0 }.count
        let phonation = Double(soundingSteps) * step
        let syllables = segmentation.nuclei.filter { steps.contains($0) }.count
        let enoughSpeech = soundingSteps > 0 && span.frameCount > 0
        // The median in hertz, interpolated between the middle order statistics in hertz (as Praat's quantile).
        let hertz = { (st: Double) in 27.5 * pow(2, st / 12) }
        let median = span.semitones.orderStatistics(0.5).map {
            hertz($0.lower) + (hertz($0.upper) - hertz($0.lower)) * $0.fraction
        }
        let spread = span.semitones.count >= 2
            ? (span.semitones.quantile(0.95) ?? 0) - (span.semitones.quantile(0.05) ?? 0) : nil
        return ProsodySummary(
            analysedSeconds: seconds,
            speechRatio: sounding.isEmpty ? 0 : Double(soundingSteps) / Double(sounding.count),
            phonationSeconds: phonation,
            voicedFraction: span.frameCount > 0 ? Double(span.semitones.count) / Double(span.frameCount) : 0,
            f0MedianHz: median,
            f0MeanSemitones: span.semitones.mean,
            f0SdSemitones: span.semitones.standardDeviation,
            f0RangeSemitones: spread,
            intensityMeanDb: span.intensityMeanDb,
            intensitySdDb: span.intensitySdDb,
            silenceThresholdDb: segmentation.sounding.isEmpty ? nil : segmentation.threshold,
            pauses: findPauses(sounding, step: step, seconds: seconds),
            f0SlopeSemitonesPerSecond: span.slope.slope,
            syllables: enoughSpeech ? syllables : nil,
            speechRate: enoughSpeech && seconds > 0 ? Double(syllables) / seconds : nil,
            articulationRate: enoughSpeech && phonation > 0 ? Double(syllables) / phonation : nil,
            averageSyllableSeconds: syllables > 0 ? phonation / Double(syllables) : nil,
            jitterLocal: span.voice.jitterLocal,
            shimmerLocal: span.voice.shimmerLocal,
            track: track)
    }

    private func findPauses(_ sounding: [Bool], step: Double, seconds: Double) -> Pauses {
        var lengths: [Double] = []
        if let first = sounding.firstIndex(of: true), let last = sounding.lastIndex(of: true) {
            var run = 0
            for i in first...last {
                if sounding[i] {
                    if Double(run) * step >= settings.minimumPauseSeconds - 1e-9 { lengths.append(Double(run) * step) }
                    run = 0
                } else {
                    run += 1
                }
            }
        }
        let minutes = seconds / 60
        return Pauses(count: lengths.count,
                      perMinute: minutes > 0 ? Double(lengths.count) / minutes : 0,
                      meanSeconds: lengths.isEmpty ? nil : lengths.reduce(0, +) / Double(lengths.count),
                      longestSeconds: lengths.max(),
                      minimumSeconds: settings.minimumPauseSeconds,
                      brief: lengths.filter { $0 < 0.5 }.count,
                      medium: lengths.filter { $0 >= 0.5 && $0 < 1 }.count,
                      long: lengths.filter { $0 >= 1 }.count)
    }
}

/// Running voice statistics of one time span (or of the whole recording).
struct SpanStatistics: Sendable {
    let range: ClosedRange<Double>
    var frameCount = 0
    var semitones = Histogram(lower: 0, upper: 130, binWidth: 0.005)
    var slope = RunningSlope()
    var energySum = 0.0
    var decibelSum = 0.0
    var decibelSquares = 0.0
    var voice: VoiceQuality

    init(range: ClosedRange<Double>, rate: Double) {
        self.range = range
        voice = VoiceQuality(rate: rate)
    }

    mutating func addFrame(decibels: Double) {
        frameCount += 1
        energySum += pow(10, decibels / 10)
        decibelSum += decibels
        decibelSquares += decibels * decibels
    }

    mutating func addVoiced(hertz: Double, time: Double) {
        let st = 12 * log2(hertz / 27.5)
        semitones.add(st)
        slope.add(x: time, y: st)
    }

    /// Energy average of the frames' intensities, as Praat's "Get mean (energy)".
    var intensityMeanDb: Double? { frameCount > 0 ? 10 * log10(energySum / Double(frameCount)) : nil }

    var intensitySdDb: Double? {
        guard frameCount >= 2 else { return nil }
        let mean = decibelSum / Double(frameCount)
        return max(0, (decibelSquares - decibelSum * mean) / Double(frameCount - 1)).squareRoot()
    }
}

/// Praat's intensity window: Kaiser with β = 2π² + 0.5 over 2·half + 1 samples.
func kaiserWindow(half: Int) -> [Float] {
    let beta = 2 * Double.pi * Double.pi + 0.5
    let norm = besselI0(beta)
    return (-half...half).map { i in
        let x = Double(i) / Double(half + 1)
        let root = 1 - x * x
        return root <= 0 ? 0 : Float(besselI0(beta * root.squareRoot()) / norm)
    }
}

/// Modified Bessel function of the first kind, order 0 (power series; converges for the β used here).
func besselI0(_ x: Double) -> Double {
    var sum = 1.0
    var term = 1.0
    let quarter = x * x / 4
    for k in 1..<200 {
        term *= quarter / Double(k * k)
        sum += term
        if term < sum * 1e-16 { break }
    }
    return sum
}

