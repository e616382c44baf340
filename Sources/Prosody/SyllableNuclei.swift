/// Speech segmentation and syllable nuclei after de Jong & Wempe (2009), "Praat script to detect syllable nuclei
/// and measure speech rate automatically" (script v2 settings): on an intensity contour (pitch floor 50 Hz, mean
/// subtracted, 16 ms steps), the silence threshold is the 0.99 quantile minus 25 dB; intensity peaks above it count
/// as syllable nuclei when the contour dips at least 2 dB before the next peak, the peak lies in a sounding stretch,
/// and the pitch track is voiced there.
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

        // Local maxima above the threshold; a peak is kept when the contour dips > minimumDip before the next one.
        let limit = Float(threshold)
        var nuclei: [Int] = []
        var previousPeak: Int?
        var lowestSince = Float.infinity
        if count >= 3 {
            for i in 1..<(count - 1) {
                let value = level(i)
                lowestSince = min(lowestSince, value)
                guard value > level(i - 1), value >= level(i + 1), value > limit else { continue }
                if let peak = previousPeak, Double(level(peak) - lowestSince) > minimumDip,
                   marks[peak], (max(0, peak - 1)...min(count - 1, peak + 1)).contains(where: voiced) {
                    nuclei.append(peak)
                }
                previousPeak = i
                lowestSince = value
            }
        }
        self.nuclei = nuclei
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
