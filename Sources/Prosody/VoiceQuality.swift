import Foundation

/// Glottal pulses and the perturbation measures built on them, defined as Praat defines them:
/// pulses as "To PointProcess (periodic, cc)" places them — from the middle of each voiced stretch, the sample of
/// largest magnitude, then period by period outwards at the lag of maximum waveform cross-correlation within
/// 0.8–1.25 periods — jitter (local) as the mean absolute difference of consecutive periods over the mean period,
/// shimmer (local) as the mean absolute difference of consecutive period amplitudes (Hann-windowed RMS around each
/// pulse) over the mean amplitude, with Praat's period range 0.1–20 ms, period factor 1.3 and amplitude factor 1.6.
///
/// Streaming: the caller hands over each voiced stretch once its pitch is decided, with the audio around it; pulses
/// are folded into running sums, keeping only the last three pulses.
struct VoiceQuality {
    let rate: Double
    let shortestPeriod = 0.0001
    let longestPeriod = 0.02
    let periodFactor = 1.3
    let amplitudeFactor = 1.6

    private var recent: [Double] = []          // the last three pulse times
    private var jitterSum = 0.0, jitterCount = 0
    private var periodSum = 0.0, periodCount = 0
    private var lastAmplitude: (time: Double, value: Double)?
    private var shimmerSum = 0.0, shimmerCount = 0
    private var amplitudeSum = 0.0, amplitudeCount = 0
    private var pendingAmplitudes: [(time: Double, value: Double)] = []

    init(rate: Double) {
        self.rate = rate
    }

    /// Places the pulses of one voiced stretch, in time order.
    /// - Parameters:
    ///   - samples: audio, `samples[0]` being absolute sample `offset`.
    ///   - left, right: the stretch's time span (seconds).
    ///   - f0: F0 at a time, nil where unvoiced.
    ///   - globalPeak: largest magnitude so far.
    func pulses(samples: UnsafeBufferPointer<Float>, offset: Int, left: Double, right: Double,
                globalPeak: Float, f0: (Double) -> Double?) -> [Double] {
        let middle = 0.5 * (left + right)
        guard let f0Middle = f0(middle) else { return [] }
        let first = extremum(samples, offset: offset, from: middle - 0.5 / f0Middle, to: middle + 0.5 / f0Middle)
        var pulses = [first]
        // Backwards from the first pulse.
        var t = first
        var addedLeft: [Double] = []
        while let frequency = f0(t) {
            let period = 1 / frequency
            guard let (time, correlation, peak) = maximumCorrelation(samples, offset: offset, at: t, window: period,
                                                                     from: t - 1.25 * period, to: t - 0.8 * period)
            else { t -= period; if t < left { break }; continue }
            t = time
            if t < left {
                if correlation > 0.7, peak > 0.023333 * Double(globalPeak) { addedLeft.append(t) }
                break
            }
            if correlation > 0.3, peak == 0 || peak > 0.01 * Double(globalPeak) { addedLeft.append(t) }
        }
        t = first
        while let frequency = f0(t) {
            let period = 1 / frequency
            guard let (time, correlation, peak) = maximumCorrelation(samples, offset: offset, at: t, window: period,
                                                                     from: t + 0.8 * period, to: t + 1.25 * period)
            else { t += period; if t > right { break }; continue }
            t = time
            if t > right {
                if correlation > 0.7, peak > 0.023333 * Double(globalPeak) { pulses.append(t) }
                break
            }
            if correlation > 0.3, peak == 0 || peak > 0.01 * Double(globalPeak) { pulses.append(t) }
        }
        return addedLeft.reversed() + pulses
    }

    /// Folds a stretch's pulses (from `pulses(…)`, same audio) into the measures.
    mutating func add(_ pulses: [Double], samples: UnsafeBufferPointer<Float>, offset: Int) {
        for pulse in pulses where pulse > (recent.last ?? -.infinity) {
            add(pulse, samples: samples, offset: offset)
        }
    }

    private func valid(_ period: Double) -> Bool { period >= shortestPeriod && period <= longestPeriod }

    private mutating func add(_ pulse: Double, samples: UnsafeBufferPointer<Float>, offset: Int) {
        recent.append(pulse)
        if recent.count > 3 { recent.removeFirst() }
        guard recent.count >= 2 else { return }
        let p2 = recent[recent.count - 1] - recent[recent.count - 2]
        if valid(p2) { periodSum += p2; periodCount += 1 }
        guard recent.count == 3 else { return }
        let p1 = recent[1] - recent[0]
        guard valid(p1), valid(p2), max(p1, p2) / min(p1, p2) <= periodFactor else { return }
        jitterSum += abs(p1 - p2)
        jitterCount += 1
        // Amplitude of the middle pulse: Hann-windowed RMS, 0.2 of a period each side.
        if let amplitude = windowedRMS(samples, offset: offset, at: recent[1], left: 0.2 * p1, right: 0.2 * p2),
           amplitude > 0 {
            let point = (time: recent[1], value: amplitude)
            if let last = lastAmplitude {
                let gap = point.time - last.time
                let factor = max(last.value, point.value) / min(last.value, point.value)
                if valid(gap), factor <= amplitudeFactor {
                    shimmerSum += abs(last.value - point.value)
                    shimmerCount += 1
                }
                amplitudeSum += last.value
                amplitudeCount += 1
            }
            lastAmplitude = point
        }
    }

    var jitterLocal: Double? {
        guard jitterCount > 0, periodCount > 0, periodSum > 0 else { return nil }
        return (jitterSum / Double(jitterCount)) / (periodSum / Double(periodCount))
    }

    var shimmerLocal: Double? {
        guard shimmerCount > 0, amplitudeCount > 0, amplitudeSum > 0 else { return nil }
        return (shimmerSum / Double(shimmerCount)) / (amplitudeSum / Double(amplitudeCount))
    }

    // MARK: - Waveform helpers (times in seconds from the stream start)

    private func index(_ time: Double, offset: Int) -> Int { Int((time * rate).rounded()) - offset }

    /// Time of the sample of largest magnitude in [from, to], refined by a parabola through its neighbours.
    private func extremum(_ x: UnsafeBufferPointer<Float>, offset: Int, from: Double, to: Double) -> Double {
        let lower = max(1, index(from, offset: offset))
        let upper = min(x.count - 2, index(to, offset: offset))
        guard lower <= upper else { return 0.5 * (from + to) }
        var best = lower
        for i in lower...upper where abs(x[i]) > abs(x[best]) { best = i }
        let a = abs(x[best - 1]), b = abs(x[best]), c = abs(x[best + 1])
        let bend = a - 2 * b + c
        let shift = bend < 0 ? Double(0.5 * (a - c) / bend) : 0
        return (Double(best + offset) + shift) / rate
    }

    /// The time in [from, to] where a window of one period best correlates with the window at `time`.
    private func maximumCorrelation(_ x: UnsafeBufferPointer<Float>, offset: Int, at time: Double, window: Double,
                                    from: Double, to: Double) -> (time: Double, correlation: Double, peak: Double)? {
        let half = 0.5 * window
        let left1 = index(time - half, offset: offset)
        let right1 = index(time + half, offset: offset)
        let left2Min = Int(((from - half) * rate).rounded(.down)) - offset
        let left2Max = Int(((to - half) * rate).rounded(.up)) - offset
        let length = right1 - left1 + 1
        guard left1 >= 0, right1 < x.count, left2Min >= 0, left2Max + length <= x.count, left2Max >= left2Min,
              length > 2 else { return nil }
        let base = x.baseAddress!
        let norm1 = Kernels.dot(base + left1, base + left1, count: length)
        // Correlations at every shift; the window's energy slides by one sample per shift.
        var norm2 = Kernels.dot(base + left2Min, base + left2Min, count: length)
        var best: (index: Int, r: Float, before: Float, after: Float)?
        var r1: Float = 0, r2: Float = 0, r3: Float = 0
        for left2 in left2Min...(left2Max + 1) {
            var r: Float = 0
            if left2 <= left2Max {
                if left2 > left2Min {
                    let leaving = x[left2 - 1], entering = x[left2 + length - 1]
                    norm2 = max(0, norm2 - leaving * leaving + entering * entering)
                }
                let product = Kernels.dot(base + left1, base + left2, count: length)
                r = product != 0 && norm2 > 0 ? product / (norm1 * norm2).squareRoot() : 0
            }
            r1 = r2; r2 = r3; r3 = r
            if left2 >= left2Min + 1, r2 >= r1, r2 >= r3, r2 > (best?.r ?? -1) {
                best = (left2 - 1, r2, r1, r3)
            }
        }
        guard let best else { return nil }
        var position = Double(best.index)
        var correlation = Double(best.r)
        let bend = 2 * best.r - best.before - best.after
        if bend != 0 {
            let slope = 0.5 * (best.after - best.before)
            correlation += Double(0.5 * slope * slope / bend)
            position += Double(slope / bend)
        }
        var peak: Float = 0
        for i in 0..<length { peak = max(peak, abs(x[best.index + i])) }
        return (time + (position - Double(left1)) / rate, correlation, Double(peak))
    }

    private func windowedRMS(_ x: UnsafeBufferPointer<Float>, offset: Int, at time: Double, left: Double,
                             right: Double) -> Double? {
        let lower = max(0, Int(((time - left) * rate).rounded(.up)) - offset)
        let upper = min(x.count - 1, Int(((time + right) * rate).rounded(.down)) - offset)
        guard upper - lower >= 2 else { return nil }
        var sum = 0.0, weights = 0.0
        for i in lower...upper {
            let t = Double(i + offset) / rate
            let width = t < time ? left : right
            let w = 0.5 + 0.5 * cos(Double.pi * (t - time) / width)
            let v = Double(x[i]) * w
            sum += v * v
            weights += w * w
        }
        return weights > 0 ? (sum / weights).squareRoot() : nil
    }
}
