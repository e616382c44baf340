import Foundation

/// One pitch candidate of a frame: frequency 0 means "unvoiced".
struct PitchCandidate {
    var frequency: Float
    var strength: Float
}

/// Boersma (1993) autocorrelation pitch analysis of single frames, as in Praat's "To Pitch (ac)": the frame is
/// centred, stripped of its local mean (one longest period each side), Hann-windowed, its autocorrelation divided by
/// the window's, local maxima above half the voicing threshold become candidates (position by parabolic
/// interpolation, strength by windowed-sinc interpolation, refined by a golden-section search of the sinc curve),
/// the strongest `maxCandidates` kept after an octave cost that favours higher frequencies.
struct PitchFrameAnalyzer {
    let settings: ProsodySettings
    let rate: Double
    /// Samples in the window (even) and the longest period.
    let windowLength: Int
    let halfWindow: Int
    let periodSamples: Int
    let halfPeriod: Int
    /// Highest lag searched for maxima, and highest lag computed (interpolation needs some beyond).
    let maximumLag: Int
    let computedLags: Int
    let window: [Float]
    let windowCorrelation: [Float]
    private var frame: [Float]
    private var correlation: [Float]
    private var candidates: [PitchCandidate] = []
    private var places: [Int] = []
    private var sincWeights = [Float](repeating: 0, count: 2 * PitchFrameAnalyzer.sincDepthRefine + 16)

    /// Per-lane and per-block rotations of the raised-cosine window for one interpolation depth.
    struct WindowRotation {
        let laneCos: SIMD8<Float>, laneSin: SIMD8<Float>, blockCos: Float, blockSin: Float
        init(depth: Int) {
            let step = Double.pi / (Double(depth) + 0.5)
            var laneCos = SIMD8<Float>(), laneSin = SIMD8<Float>()
            for lane in 0..<8 {
                laneCos[lane] = Float(cos(step * Double(lane)))
                laneSin[lane] = Float(sin(step * Double(lane)))
            }
            self.laneCos = laneCos
            self.laneSin = laneSin
            blockCos = Float(cos(8 * step))
            blockSin = Float(-sin(8 * step))
        }
    }
    let strengthRotation = WindowRotation(depth: PitchFrameAnalyzer.sincDepthStrength)
    let refineRotation = WindowRotation(depth: PitchFrameAnalyzer.sincDepthRefine)
    private var fft: RealFFT

    static let sincDepthStrength = 30
    static let sincDepthRefine = 70

    init(settings: ProsodySettings, rate: Double) {
        self.settings = settings
        self.rate = rate
        periodSamples = Int((rate / settings.pitchFloor).rounded(.down))
        halfPeriod = periodSamples / 2 + 1
        let windowSeconds = 3 / settings.pitchFloor
        halfWindow = Int((windowSeconds * rate).rounded(.down)) / 2 - 1
        windowLength = halfWindow * 2
        maximumLag = min(Int((Double(windowLength) / 3).rounded(.down)) + 2, windowLength)
        computedLags = min(windowLength - 1, maximumLag + Self.sincDepthRefine + 2)
        let n = windowLength
        let hann: [Float] = (1...n).map { i in Float(0.5 - 0.5 * cos(Double(i) * 2 * Double.pi / Double(n + 1))) }
        window = hann
        let lags = computedLags
        var correlation = [Float](repeating: 0, count: lags + 1)
        hann.withUnsafeBufferPointer { w in
            correlation.withUnsafeMutableBufferPointer { Kernels.autocorrelation(w, lags: 0...lags, into: $0) }
        }
        let zero = correlation[0]
        windowCorrelation = correlation.map { $0 / zero }
        frame = [Float](repeating: 0, count: n)
        self.correlation = [Float](repeating: 0, count: computedLags + 1)
        var fftSize = 4
        while fftSize < n + lags { fftSize *= 2 }
        fft = RealFFT(size: fftSize)
    }

    /// Samples needed on each side of a frame centre.
    var reach: Int { max(halfWindow + 1, periodSamples + 1) }

    /// Analyses the frame centred at `centre` of `samples`.
    /// - Returns: the local peak (max |windowed sample| within half a longest period of the centre), the largest
    ///   |sample − local mean| of the hop around the centre (for the global peak), and the voiced candidates.
    mutating func analyse(_ samples: UnsafeBufferPointer<Float>, centre: Int, hop: Int)
        -> (localPeak: Float, hopPeak: Float, candidates: ArraySlice<PitchCandidate>) {
        let x = samples.baseAddress!
        var sums = SIMD8<Float>()
        var i = centre - periodSamples
        let meanEnd = centre + periodSamples
        while i + 8 <= meanEnd {
            sums += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var mean = sums.sum()
        while i < meanEnd { mean += x[i]; i += 1 }
        mean /= Float(2 * periodSamples)
        let start = centre - halfWindow
        var localPeak: Float = 0
        let peakFrom = max(0, halfWindow - halfPeriod), peakTo = min(windowLength, halfWindow + halfPeriod)
        frame.withUnsafeMutableBufferPointer { frameBuffer in
            window.withUnsafeBufferPointer { windowBuffer in
                let f = frameBuffer.baseAddress!, w = windowBuffer.baseAddress!
                var j = 0
                while j + 8 <= windowLength {
                    let v = (UnsafeRawPointer(x + start + j).loadUnaligned(as: SIMD8<Float>.self) - mean)
                        * UnsafeRawPointer(w + j).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(f + j).storeBytes(of: v, as: SIMD8<Float>.self)
                    j += 8
                }
                while j < windowLength { f[j] = (x[start + j] - mean) * w[j]; j += 1 }
                for j in peakFrom..<peakTo { localPeak = max(localPeak, abs(f[j])) }
            }
        }
        var hopPeak: Float = 0
        for i in (centre - hop / 2)..<(centre + hop - hop / 2) { hopPeak = max(hopPeak, abs(x[i] - mean)) }
        candidates.removeAll(keepingCapacity: true)
        places.removeAll(keepingCapacity: true)
        guard localPeak > 0 else { return (0, hopPeak, candidates[...]) }

        let lags = computedLags
        frame.withUnsafeBufferPointer { x in
            correlation.withUnsafeMutableBufferPointer { fft.autocorrelation(x, maxLag: lags, into: $0) }
        }
        let zero = correlation[0]
        guard zero > 0 else { return (localPeak, hopPeak, candidates[...]) }
        for lag in 0...computedLags { correlation[lag] = correlation[lag] / (zero * windowCorrelation[lag]) }

        let threshold = 0.5 * settings.voicingThreshold
        let minimumPitch = Float(settings.pitchFloor)
        for i in 2..<maximumLag where correlation[i] > threshold
            && correlation[i] > correlation[i - 1] && correlation[i] >= correlation[i + 1] {
            let dr = 0.5 * (correlation[i + 1] - correlation[i - 1])
            let d2r = 2 * correlation[i] - correlation[i - 1] - correlation[i + 1]
            let lag = Float(i) + (d2r != 0 ? dr / d2r : 0)
            var strength = sinc(at: lag, depth: Self.sincDepthStrength)
            if strength > 1 { strength = 1 / strength }
            let frequency = Float(rate) / lag
            // Above the ceiling a candidate scores as "unvoiced" in the path search, which every frame has already.
            if frequency > Float(settings.pitchCeiling) * 1.05 { continue }
            let score = strength - settings.octaveCost * log2(minimumPitch / frequency)
            if candidates.count < settings.maxCandidates {
                candidates.append(PitchCandidate(frequency: frequency, strength: strength))
                places.append(i)
            } else {
                var weakest: Float = 2
                var place = -1
                for (index, candidate) in candidates.enumerated() {
                    let local = candidate.strength - settings.octaveCost * log2(minimumPitch / candidate.frequency)
                    if local < weakest { weakest = local; place = index }
                }
                if score > weakest, place >= 0 {
                    candidates[place] = PitchCandidate(frequency: frequency, strength: strength)
                    places[place] = i
                }
            }
        }
        // Refine each maximum on the sinc-interpolated curve.
        for index in candidates.indices {
            let (lag, value) = refineMaximum(near: places[index])
            candidates[index] = PitchCandidate(frequency: Float(rate) / lag, strength: value > 1 ? 1 / value : value)
        }
        return (localPeak, hopPeak, candidates[...])
    }

    /// Windowed-sinc interpolation of the (symmetric) normalised autocorrelation at fractional lag `x`, with a
    /// raised-cosine window over `depth` lags each side. sin(π(x − i)) = (−1)ⁱ·sin(πx), and the window's cosines
    /// follow the Chebyshev recurrence, so one evaluation costs two trigonometric calls whatever the depth.
    mutating func sinc(at x: Float, depth: Int) -> Float {
        let left = Int(x.rounded(.down))
        if Float(left) == x { return value(at: left) }
        let first = left - depth + 1
        let count = 2 * depth
        let halfWidth = Double(depth) + 0.5
        let fraction = Double(x) - Double(first)  // d for i = first; d decreases by 1 per step
        let sinFirst = Float(sin(Double.pi * fraction))
        // Window cosines cos(π(d₀ − k)/H), eight lanes at a time: each block of eight is the previous one rotated
        // by 8 steps (cos/sin angle addition), so there is no serial dependency per term.
        // Lane k starts at φ₀ − k·step: cos(φ₀ − kδ) = cos φ₀ cos kδ + sin φ₀ sin kδ, with the lane rotations fixed
        // per depth.
        let rotation = depth == Self.sincDepthRefine ? refineRotation : strengthRotation
        let phase0 = Float(Double.pi * fraction / halfWidth)
        let c0 = cos(phase0), s0 = sin(phase0)
        var cosines = c0 * rotation.laneCos + s0 * rotation.laneSin
        var sines = s0 * rotation.laneCos - c0 * rotation.laneSin
        let rotateCos = rotation.blockCos, rotateSin = rotation.blockSin
        var block = 0
        while block < count {
            let weights = 0.5 + 0.5 * cosines
            sincWeights.withUnsafeMutableBufferPointer {
                UnsafeMutableRawPointer($0.baseAddress! + block).storeBytes(of: weights, as: SIMD8<Float>.self)
            }
            let nextCos = cosines * rotateCos - sines * rotateSin
            sines = sines * rotateCos + cosines * rotateSin
            cosines = nextCos
            block += 8
        }
        // Σ r[first+k] · (−1)ᵏ sin(πd₀) / (π(d₀ − k)) · w_k, eight terms at a time where r is contiguous.
        let start = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let alternate = SIMD8<Float>(1, -1, 1, -1, 1, -1, 1, -1)
        let d0 = Float(fraction)
        var total = SIMD8<Float>()
        var k = 0
        if first >= 0 {
            while k + 8 <= count, first + k + 8 <= computedLags + 1 {
                let r = correlation.withUnsafeBufferPointer {
                    UnsafeRawPointer($0.baseAddress! + first + k).loadUnaligned(as: SIMD8<Float>.self)
                }
                let w = sincWeights.withUnsafeBufferPointer {
                    UnsafeRawPointer($0.baseAddress! + k).loadUnaligned(as: SIMD8<Float>.self)
                }
                let d = d0 - (start + Float(k))
                total += r * alternate * w / (Float.pi * d)
                k += 8
            }
        }
        var sum = total.sum()
        var sign: Float = k % 2 == 0 ? 1 : -1
        while k < count {
            sum += value(at: first + k) * sign * sincWeights[k] / (Float.pi * (d0 - Float(k)))
            sign = -sign
            k += 1
        }
        return sum * sinFirst
    }

    private func value(at lag: Int) -> Float {
        let k = abs(lag)
        return k <= computedLags ? correlation[k] : 0
    }

    /// The maximum of the sinc-interpolated curve near lag `place`: from the parabola through the three integer
    /// lags, one parabolic step on sinc values at ±0.1 lag (the peak is many lags wide, so the step leaves a lag
    /// error well below 0.01 sample — 0.01 % of F0 at 200 Hz).
    private mutating func refineMaximum(near place: Int) -> (lag: Float, value: Float) {
        let depth = Self.sincDepthRefine
        let left = value(at: place - 1), centre = value(at: place), right = value(at: place + 1)
        let curvature = left - 2 * centre + right
        var x = Float(place) + (curvature < 0 ? max(-0.5, min(0.5, 0.5 * (left - right) / curvature)) : 0)
        var best = sinc(at: x, depth: depth)
        let h: Float = 0.1
        let below = sinc(at: x - h, depth: depth)
        let above = sinc(at: x + h, depth: depth)
        let bend = below - 2 * best + above
        if bend < 0 {
            let candidate = x + max(-h, min(h, 0.5 * h * (below - above) / bend))
            let value = sinc(at: candidate, depth: depth)
            if value >= best { x = candidate; best = value }
        } else if below > best {
            x -= h; best = below
        } else if above > best {
            x += h; best = above
        }
        return best >= centre ? (x, best) : (Float(place), centre)
    }
}

/// The path search of Boersma (1993) over frames' candidates, as Praat's `Pitch_pathFinder`: each frame scores its
/// candidates (voiced: strength minus an octave cost towards the ceiling; unvoiced: the voicing threshold plus a
/// penalty for quiet frames relative to the global peak), transitions cost octave jumps and voicing changes, and a
/// Viterbi search finds the best path.
///
/// Streaming: candidates wait `lookahead` frames before entering the search, so the global peak covers that much of
/// the future (the whole of any recording shorter than the look-ahead, as Praat sees it); decisions are then taken
/// with a fixed lag, backtracking `decisionLag` frames from the best current state. Both stages are fixed-size
/// rings: nothing is allocated per frame and memory does not grow with the recording.
struct PitchPathFinder {
    let settings: ProsodySettings
    let lookahead: Int
    let decisionLag: Int
    private let width: Int
    private let jumpCost: Float
    private let voicingCost: Float
    private let ceiling: Float

    // Look-ahead ring: per slot the local peak, candidate count and candidates.
    private var waitingPeak: [Float]
    private var waitingCount: [Int]
    private var waitingFrequency: [Float]
    private var waitingStrength: [Float]
    private var waitingHead = 0
    private var waitingSize = 0
    private(set) var globalPeak: Float = 0

    // Search ring: per frame the states' frequencies (state 0 = unvoiced), their log2, and back-pointers.
    private var stateCount: [Int]
    private var stateFrequency: [Float]
    private var stateLog: [Float]
    private var back: [Int32]
    private var searchHead = 0
    private var searchSize = 0
    private var delta: [Float]
    private var nextDelta: [Float]
    private var scores: [Float]
    private var emitted: [Float] = []

    init(settings: ProsodySettings, lookahead: Int = 1000, decisionLag: Int = 200) {
        self.settings = settings
        self.lookahead = lookahead
        self.decisionLag = decisionLag
        width = settings.maxCandidates + 1
        let correction = Float(0.01 / settings.hopSeconds)
        jumpCost = settings.octaveJumpCost * correction
        voicingCost = settings.voicedUnvoicedCost * correction
        ceiling = Float(settings.pitchCeiling)
        let slots = lookahead + 1
        waitingPeak = [Float](repeating: 0, count: slots)
        waitingCount = [Int](repeating: 0, count: slots)
        waitingFrequency = [Float](repeating: 0, count: slots * width)
        waitingStrength = [Float](repeating: 0, count: slots * width)
        let frames = decisionLag + 1
        stateCount = [Int](repeating: 0, count: frames)
        stateFrequency = [Float](repeating: 0, count: frames * width)
        stateLog = [Float](repeating: 0, count: frames * width)
        back = [Int32](repeating: 0, count: frames * width)
        delta = [Float](repeating: 0, count: width)
        nextDelta = [Float](repeating: 0, count: width)
        scores = [Float](repeating: 0, count: width)
    }

    mutating func add(localPeak: Float, hopPeak: Float, candidates: ArraySlice<PitchCandidate>) {
        globalPeak = max(globalPeak, hopPeak, localPeak)
        if waitingSize == lookahead + 1 { admitOne() }
        let slot = (waitingHead + waitingSize) % (lookahead + 1)
        waitingPeak[slot] = localPeak
        let count = min(candidates.count, width - 1)
        waitingCount[slot] = count
        for (index, candidate) in candidates.prefix(count).enumerated() {
            waitingFrequency[slot * width + index] = candidate.frequency
            waitingStrength[slot * width + index] = candidate.strength
        }
        waitingSize += 1
        if waitingSize > lookahead { admitOne() }
    }

    /// Runs the remaining frames through the search and returns every decision not yet taken.
    mutating func finish() -> [Float] {
        while waitingSize > 0 { admitOne() }
        guard searchSize > 0 else { return takeEmitted() }
        var place = bestState()
        var tail = [Float](repeating: 0, count: searchSize)
        for age in stride(from: searchSize - 1, through: 0, by: -1) {
            let frame = (searchHead + age) % (decisionLag + 1)
            let frequency = stateFrequency[frame * width + place]
            tail[age] = frequency > 0 && frequency <= ceiling ? frequency : 0
            place = Int(back[frame * width + place])
        }
        emitted += tail
        searchSize = 0
        return takeEmitted()
    }

    /// Decisions taken so far (F0 in Hz per frame, 0 when unvoiced), removed from the buffer.
    mutating func takeEmitted() -> [Float] {
        defer { emitted.removeAll(keepingCapacity: true) }
        return emitted
    }

    private func bestState() -> Int {
        let newest = (searchHead + searchSize - 1) % (decisionLag + 1)
        var best = 0
        for state in 1..<stateCount[newest] where delta[state] > delta[best] { best = state }
        return best
    }

    private mutating func admitOne() {
        let slot = waitingHead
        waitingHead = (waitingHead + 1) % (lookahead + 1)
        waitingSize -= 1
        if searchSize == decisionLag + 1 { decideOldest() }

        let intensity = globalPeak > 0 ? min(1, waitingPeak[slot] / globalPeak) : 0
        let quiet = 2 - intensity / (settings.silenceThreshold / (1 + settings.voicingThreshold))
        let unvoicedStrength = settings.voicingThreshold + max(0, quiet)
        let frame = (searchHead + searchSize) % (decisionLag + 1)
        let count = waitingCount[slot] + 1
        let base = frame * width
        stateCount[frame] = count
        stateFrequency[base] = 0
        stateLog[base] = 0
        scores[0] = unvoicedStrength
        for index in 0..<(count - 1) {
            let frequency = waitingFrequency[slot * width + index]
            stateFrequency[base + index + 1] = frequency
            stateLog[base + index + 1] = log2(frequency)
            scores[index + 1] = frequency > ceiling ? unvoicedStrength
                : waitingStrength[slot * width + index] - settings.octaveCost * log2(ceiling / frequency)
        }
        if searchSize == 0 {
            for state in 0..<count { delta[state] = scores[state]; back[base + state] = 0 }
            searchSize = 1
            return
        }
        let previous = (frame + decisionLag) % (decisionLag + 1)
        let previousBase = previous * width
        let previousCount = stateCount[previous]
        var top: Float = -.infinity
        for state in 0..<count {
            let f2 = stateFrequency[base + state]
            let currentVoiceless = f2 <= 0 || f2 > ceiling
            var best: Float = -.infinity
            var place = 0
            for earlier in 0..<previousCount {
                let f1 = stateFrequency[previousBase + earlier]
                let previousVoiceless = f1 <= 0 || f1 > ceiling
                let cost: Float
                if previousVoiceless != currentVoiceless { cost = voicingCost }
                else if currentVoiceless { cost = 0 }
                else { cost = jumpCost * abs(stateLog[previousBase + earlier] - stateLog[base + state]) }
                let value = delta[earlier] - cost
                if value > best { best = value; place = earlier }
            }
            nextDelta[state] = best + scores[state]
            back[base + state] = Int32(place)
            top = max(top, nextDelta[state])
        }
        // Keep scores bounded over hours of audio: only differences matter.
        for state in 0..<count { delta[state] = nextDelta[state] - top }
        searchSize += 1
    }

    /// Backtracks from the best current state to the oldest frame in the window and emits its decision.
    private mutating func decideOldest() {
        var place = bestState()
        for age in stride(from: searchSize - 1, to: 0, by: -1) {
            let frame = (searchHead + age) % (decisionLag + 1)
            place = Int(back[frame * width + place])
        }
        let frequency = stateFrequency[searchHead * width + place]
        emitted.append(frequency > 0 && frequency <= ceiling ? frequency : 0)
        searchHead = (searchHead + 1) % (decisionLag + 1)
        searchSize -= 1
    }
}
