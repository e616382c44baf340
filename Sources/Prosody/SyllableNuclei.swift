/// Speech segmentation and syllable nuclei after de Jong & Wempe (2009), "Praat script to detect syllable nuclei
/// and measure speech rate automatically" (script v2 settings): on an intensity contour (pitch floor 50 Hz, mean
/// subtracted), the silence threshold is the 0.99 quantile minus 25 dB; intensity peaks above it count as syllable
/// nuclei when the contour dips at least 2 dB before the next peak, the peak lies in a sounding stretch, and the
/// frame is voiced.
struct SpeechSegmentation {
    /// Per frame: sounding (true) or silent, after short silences and short sounding bits are absorbed.
    var sounding: [Bool]
    var threshold: Double
    var nuclei: [Int]

    /// - Parameters:
    ///   - contour: intensity in dB per frame.
    ///   - voiced: per frame, whether the pitch track is voiced there (same length).
    ///   - hop: seconds per frame.
    ///   - minimumSilence: silences shorter than this are sounding.
    ///   - minimumSounding: sounding stretches shorter than this are silent.
    init(contour: [Float], voiced: [Bool], hop: Double, silenceDb: Double = -25, minimumDip: Double = 2,
         minimumSilence: Double, minimumSounding: Double = 0.1) {
        guard !contour.isEmpty else {
            sounding = []
            threshold = 0
            nuclei = []
            return
        }
        let sorted = contour.sorted()
        let max99 = Double(quantile(sorted, 0.99))
        let minimum = Double(sorted.first!)
        threshold = max(max99 + silenceDb, minimum)
        let silenceLevel = max99 + silenceDb
        var marks = contour.map { Double($0) >= silenceLevel }
        Self.absorb(&marks, value: false, shorterThan: Int((minimumSilence / hop).rounded()))
        Self.absorb(&marks, value: true, shorterThan: Int((minimumSounding / hop).rounded()))
        sounding = marks

        // Local maxima above the threshold.
        var peaks: [Int] = []
        if contour.count >= 3 {
            for i in 1..<(contour.count - 1)
            where contour[i] > contour[i - 1] && contour[i] >= contour[i + 1] && Double(contour[i]) > threshold {
                peaks.append(i)
            }
        }
        var valid: [Int] = []
        if peaks.count >= 2 {
            for p in 0..<(peaks.count - 1) {
                let dip = contour[peaks[p]...peaks[p + 1]].min()!
                if Double(contour[peaks[p]] - dip) > minimumDip { valid.append(peaks[p]) }
            }
        }
        nuclei = valid.filter { index in
            let near = max(0, index - 1)...min(voiced.count - 1, index + 1)
            return marks[index] && near.contains { voiced[$0] }
        }
    }

    /// Turns runs of `value` shorter than `length` frames into the opposite value (not at the edges).
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
