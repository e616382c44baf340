import Foundation

/// A real-input FFT of a fixed power-of-two size, used for autocorrelation (Wiener–Khinchin: the inverse transform
/// of the power spectrum). Computes an N-point real transform through an N/2-point complex radix-2 transform plus
/// the standard split step; twiddles and the bit-reversal table are computed once in `init`, and `transform`
/// allocates nothing.
struct RealFFT {
    let size: Int
    private let half: Int
    private let log2Half: Int
    private var cosTable: [Float]
    private var sinTable: [Float]
    /// exp(−2πik/N) for the split step, k < N/2.
    private var splitCos: [Float]
    private var splitSin: [Float]
    private var bitReversed: [Int]
    private var re: [Float]
    private var im: [Float]
    private var power: [Float]

    /// - Precondition: `size` is a power of two ≥ 4.
    init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two ≥ 4")
        self.size = size
        let n = size / 2
        half = n
        log2Half = n.trailingZeroBitCount
        cosTable = (0..<(n / 2 + 1)).map { Float(cos(2 * Double.pi * Double($0) / Double(n))) }
        sinTable = (0..<(n / 2 + 1)).map { Float(sin(2 * Double.pi * Double($0) / Double(n))) }
        splitCos = (0..<n).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        splitSin = (0..<n).map { Float(sin(2 * Double.pi * Double($0) / Double(size))) }
        let bits = n.trailingZeroBitCount
        bitReversed = (0..<n).map { index in
            var reversed = 0
            var value = index
            for _ in 0..<bits { reversed = (reversed << 1) | (value & 1); value >>= 1 }
            return reversed
        }
        re = [Float](repeating: 0, count: n)
        im = [Float](repeating: 0, count: n)
        power = [Float](repeating: 0, count: n + 1)
    }

    /// In-place complex FFT of `re`/`im` (length N/2), forward (e^{−i…}) or inverse (e^{+i…}, unscaled).
    private mutating func complexTransform(inverse: Bool) {
        let n = half
        for i in 0..<n {
            let j = bitReversed[i]
            if j > i { re.swapAt(i, j); im.swapAt(i, j) }
        }
        let sign: Float = inverse ? 1 : -1
        var length = 2
        re.withUnsafeMutableBufferPointer { re in
            im.withUnsafeMutableBufferPointer { im in
                while length <= n {
                    let halfLength = length / 2
                    let stride = n / length
                    var start = 0
                    while start < n {
                        for k in 0..<halfLength {
                            // w = exp(sign · 2πi k / length) = table[k · stride]
                            let t = k * stride
                            let wr: Float
                            let wi: Float
                            if t <= n / 4 {
                                wr = cosTable[t]; wi = sign * sinTable[t]
                            } else {
                                wr = -cosTable[n / 2 - t]; wi = sign * sinTable[n / 2 - t]
                            }
                            let a = start + k
                            let b = a + halfLength
                            let xr = re[b] * wr - im[b] * wi
                            let xi = re[b] * wi + im[b] * wr
                            re[b] = re[a] - xr
                            im[b] = im[a] - xi
                            re[a] += xr
                            im[a] += xi
                        }
                        start += length
                    }
                    length *= 2
                }
            }
        }
    }

    /// Autocorrelation of `input` (zero-padded to `size`) for lags 0…`maxLag`, into `output`.
    /// - Precondition: `input.count + maxLag ≤ size` so that circular wrap-around cannot alias the lags wanted.
    mutating func autocorrelation(_ input: UnsafeBufferPointer<Float>, maxLag: Int,
                                  into output: UnsafeMutableBufferPointer<Float>) {
        precondition(input.count + maxLag <= size && output.count > maxLag)
        // Pack the real sequence as N/2 complex values z[k] = x[2k] + i·x[2k+1].
        for k in 0..<half {
            let even = 2 * k, odd = 2 * k + 1
            re[k] = even < input.count ? input[even] : 0
            im[k] = odd < input.count ? input[odd] : 0
        }
        complexTransform(inverse: false)
        // Split into the real transform X[k] and take the power spectrum P[k] = |X[k]|², k = 0…N/2.
        // X[k] = (Z[k] + conj Z[N/2−k])/2 − i·e^{−2πik/N}·(Z[k] − conj Z[N/2−k])/2.
        power[0] = (re[0] + im[0]) * (re[0] + im[0])
        power[half] = (re[0] - im[0]) * (re[0] - im[0])
        for k in 1..<half {
            let zr = re[k], zi = im[k], cr = re[half - k], ci = -im[half - k]
            let er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci)
            let dr = 0.5 * (zr - cr), di = 0.5 * (zi - ci)
            // −i·w·d with w = cos − i·sin
            let wr = splitCos[k], wi = -splitSin[k]
            let pr = wr * dr - wi * di, pi = wr * di + wi * dr
            let xr = er + pi, xi = ei - pr
            power[k] = xr * xr + xi * xi
        }
        // Inverse real transform of the (real, even) power spectrum: pack Y[k] = P[k] ... back to N/2 complex.
        // Z'[k] = E[k] + i·e^{+2πik/N}·O[k] with E = (P[k] + P[N/2−k])/2... computed as the standard inverse split.
        for k in 0..<half {
            let pk = power[k], pm = power[half - k]
            let er = 0.5 * (pk + pm)
            let dr = 0.5 * (pk - pm)
            // i·conj(w)·d with conj(w) = cos + i·sin, d real: i·(cos + i·sin)·d = (−sin·d) + i·(cos·d)
            re[k] = er - splitSin[k] * dr
            im[k] = splitCos[k] * dr
        }
        complexTransform(inverse: true)
        // x[2k] = re[k], x[2k+1] = im[k]; the half-size inverse with the split step scales by N/2.
        let scale = 2 / Float(size)
        for lag in 0...maxLag {
            let k = lag / 2
            output[lag] = (lag & 1 == 0 ? re[k] : im[k]) * scale
        }
    }
}
