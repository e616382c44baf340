import Foundation

/// A real-input FFT of a fixed power-of-two size, used for autocorrelation (Wiener–Khinchin: the inverse transform
/// of the power spectrum). Computes an N-point real transform through an N/2-point complex radix-2 transform plus
/// the standard split step; twiddles and the bit-reversal table are computed once in `init`, and `transform`
/// allocates nothing.
struct RealFFT {
    let size: Int
    private let half: Int
    private let log2Half: Int
    /// Twiddles of every stage laid end to end: stage with butterfly span h uses entries [h−1, 2h−1).
    private var stageCos: [Float]
    private var stageSin: [Float]
    /// exp(−2πik/N) for the split step, k < N/2.
    private var splitCos: [Float]
    private var splitSin: [Float]
    private var bitReversed: [Int]
    private var re: [Float]
    private var im: [Float]
    private var power: [Float]

    /// - Precondition: `size` is a power of two ≥ 8.
    init(size: Int) {
        precondition(size >= 8 && size & (size - 1) == 0, "FFT size must be a power of two ≥ 8")
        self.size = size
        let n = size / 2
        half = n
        log2Half = n.trailingZeroBitCount
        var stageCos: [Float] = [], stageSin: [Float] = []
        var span = 1
        while span < n {
            for k in 0..<span {
                let angle = Double.pi * Double(k) / Double(span)
                stageCos.append(Float(cos(angle)))
                stageSin.append(Float(sin(angle)))
            }
            span *= 2
        }
        self.stageCos = stageCos
        self.stageSin = stageSin
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
    /// The first two stages need no multiplications; stages with spans of 8 or more run eight butterflies at a time.
    private mutating func complexTransform(inverse: Bool) {
        let n = half
        let sign: Float = inverse ? 1 : -1
        re.withUnsafeMutableBufferPointer { reBuffer in
            im.withUnsafeMutableBufferPointer { imBuffer in
                bitReversed.withUnsafeBufferPointer { reversal in
                    let re = reBuffer.baseAddress!, im = imBuffer.baseAddress!
                    for i in 0..<n {
                        let j = reversal[i]
                        if j > i { swap(&re[i], &re[j]); swap(&im[i], &im[j]) }
                    }
                    // Span 1 (w = 1) and span 2 (w = 1, ∓i) fused.
                    var start = 0
                    while start < n {
                        let r0 = re[start], r1 = re[start + 1], r2 = re[start + 2], r3 = re[start + 3]
                        let i0 = im[start], i1 = im[start + 1], i2 = im[start + 2], i3 = im[start + 3]
                        let ar = r0 + r1, ai = i0 + i1, br = r0 - r1, bi = i0 - i1
                        let cr = r2 + r3, ci = i2 + i3, dr = r2 - r3, di = i2 - i3
                        // d · (sign · i) = (−sign·di, sign·dr)
                        let er = -sign * di, ei = sign * dr
                        re[start] = ar + cr; im[start] = ai + ci
                        re[start + 2] = ar - cr; im[start + 2] = ai - ci
                        re[start + 1] = br + er; im[start + 1] = bi + ei
                        re[start + 3] = br - er; im[start + 3] = bi - ei
                        start += 4
                    }
                    stageCos.withUnsafeBufferPointer { cosBuffer in
                        stageSin.withUnsafeBufferPointer { sinBuffer in
                            let cosines = UnsafeRawPointer(cosBuffer.baseAddress!)
                            let sines = UnsafeRawPointer(sinBuffer.baseAddress!)
                            let rawRe = UnsafeMutableRawPointer(re), rawIm = UnsafeMutableRawPointer(im)
                            var span = 4
                            while span < n {
                                let twiddle = (span - 1) * 4
                                var start = 0
                                while start < n {
                                    if span >= 8 {
                                        var k = 0
                                        while k < span {
                                            Self.butterflies(SIMD8<Float>.self, re: rawRe, im: rawIm, cosines: cosines,
                                                             sines: sines, twiddle: twiddle + k * 4,
                                                             a: (start + k) * 4, b: (start + k + span) * 4, sign: sign)
                                            k += 8
                                        }
                                    } else {
                                        Self.butterflies(SIMD4<Float>.self, re: rawRe, im: rawIm, cosines: cosines,
                                                         sines: sines, twiddle: twiddle, a: start * 4,
                                                         b: (start + 4) * 4, sign: sign)
                                    }
                                    start += 2 * span
                                }
                                span *= 2
                            }
                        }
                    }
                }
            }
        }
    }

    /// Radix-2 butterflies on one vector of lanes: x = w·z[b]; z[a], z[b] = z[a] + x, z[a] − x (byte offsets).
    @inline(__always)
    private static func butterflies<V: SIMD>(_: V.Type, re: UnsafeMutableRawPointer, im: UnsafeMutableRawPointer,
                                             cosines: UnsafeRawPointer, sines: UnsafeRawPointer, twiddle: Int,
                                             a: Int, b: Int, sign: Float) where V.Scalar == Float {
        let wr = cosines.loadUnaligned(fromByteOffset: twiddle, as: V.self)
        let wi = sign * sines.loadUnaligned(fromByteOffset: twiddle, as: V.self)
        let ar = re.loadUnaligned(fromByteOffset: a, as: V.self)
        let ai = im.loadUnaligned(fromByteOffset: a, as: V.self)
        let br = re.loadUnaligned(fromByteOffset: b, as: V.self)
        let bi = im.loadUnaligned(fromByteOffset: b, as: V.self)
        let xr = br * wr - bi * wi
        let xi = br * wi + bi * wr
        re.storeBytes(of: ar - xr, toByteOffset: b, as: V.self)
        im.storeBytes(of: ai - xi, toByteOffset: b, as: V.self)
        re.storeBytes(of: ar + xr, toByteOffset: a, as: V.self)
        im.storeBytes(of: ai + xi, toByteOffset: a, as: V.self)
    }

    /// Autocorrelation of `input` (zero-padded to `size`) for lags 0…`maxLag`, into `output`.
    /// - Precondition: `input.count + maxLag ≤ size` so that circular wrap-around cannot alias the lags wanted.
    mutating func autocorrelation(_ input: UnsafeBufferPointer<Float>, maxLag: Int,
                                  into output: UnsafeMutableBufferPointer<Float>) {
        precondition(input.count + maxLag <= size && output.count > maxLag)
        let half = self.half
        re.withUnsafeMutableBufferPointer { reBuffer in
            im.withUnsafeMutableBufferPointer { imBuffer in
                let re = reBuffer.baseAddress!, im = imBuffer.baseAddress!
                // Pack the real sequence as N/2 complex values z[k] = x[2k] + i·x[2k+1].
                let pairs = input.count / 2
                for k in 0..<pairs { re[k] = input[2 * k]; im[k] = input[2 * k + 1] }
                var k = pairs
                if input.count % 2 == 1 { re[k] = input[input.count - 1]; im[k] = 0; k += 1 }
                while k < half { re[k] = 0; im[k] = 0; k += 1 }
            }
        }
        complexTransform(inverse: false)
        re.withUnsafeMutableBufferPointer { reBuffer in
            im.withUnsafeMutableBufferPointer { imBuffer in
                power.withUnsafeMutableBufferPointer { powerBuffer in
                    splitCos.withUnsafeBufferPointer { cosBuffer in
                        splitSin.withUnsafeBufferPointer { sinBuffer in
                            let re = reBuffer.baseAddress!, im = imBuffer.baseAddress!, power = powerBuffer.baseAddress!
                            let splitCos = cosBuffer.baseAddress!, splitSin = sinBuffer.baseAddress!
                            // The real transform X[k] and its power spectrum P[k] = |X[k]|², k = 0…N/2:
                            // X[k] = (Z[k] + conj Z[N/2−k])/2 − i·e^{−2πik/N}·(Z[k] − conj Z[N/2−k])/2.
                            power[0] = (re[0] + im[0]) * (re[0] + im[0])
                            power[half] = (re[0] - im[0]) * (re[0] - im[0])
                            func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD8<Float> {
                                UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
                            }
                            func loadReversed(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD8<Float> {
                                let v = UnsafeRawPointer(p + i - 7).loadUnaligned(as: SIMD8<Float>.self)
                                return SIMD8(v[7], v[6], v[5], v[4], v[3], v[2], v[1], v[0])
                            }
                            var k = 1
                            while k + 8 <= half {
                                let zr = load(re, k), zi = load(im, k)
                                let cr = loadReversed(re, half - k), ci = -loadReversed(im, half - k)
                                let er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci)
                                let dr = 0.5 * (zr - cr), di = 0.5 * (zi - ci)
                                let wr = UnsafeRawPointer(splitCos + k).loadUnaligned(as: SIMD8<Float>.self)
                                let wi = -UnsafeRawPointer(splitSin + k).loadUnaligned(as: SIMD8<Float>.self)
                                let pr = wr * dr - wi * di, pi = wr * di + wi * dr
                                let xr = er + pi, xi = ei - pr
                                UnsafeMutableRawPointer(power + k).storeBytes(of: xr * xr + xi * xi, as: SIMD8<Float>.self)
                                k += 8
                            }
                            while k < half {
                                let zr = re[k], zi = im[k], cr = re[half - k], ci = -im[half - k]
                                let er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci)
                                let dr = 0.5 * (zr - cr), di = 0.5 * (zi - ci)
                                let wr = splitCos[k], wi = -splitSin[k]
                                let pr = wr * dr - wi * di, pi = wr * di + wi * dr
                                let xr = er + pi, xi = ei - pr
                                power[k] = xr * xr + xi * xi
                                k += 1
                            }
                            // Back to N/2 complex values for the inverse: the power spectrum is real and even, so
                            // Z'[k] = E[k] + i·e^{+2πik/N}·O[k] with E, O its even and odd parts.
                            k = 0
                            while k + 8 <= half {
                                let pk = load(power, k)
                                let pm = loadReversed(power, half - k)
                                let er = 0.5 * (pk + pm), dr = 0.5 * (pk - pm)
                                let c = UnsafeRawPointer(splitCos + k).loadUnaligned(as: SIMD8<Float>.self)
                                let sn = UnsafeRawPointer(splitSin + k).loadUnaligned(as: SIMD8<Float>.self)
                                UnsafeMutableRawPointer(re + k).storeBytes(of: er - sn * dr, as: SIMD8<Float>.self)
                                UnsafeMutableRawPointer(im + k).storeBytes(of: c * dr, as: SIMD8<Float>.self)
                                k += 8
                            }
                            while k < half {
                                let pk = power[k], pm = power[half - k]
                                let er = 0.5 * (pk + pm), dr = 0.5 * (pk - pm)
                                re[k] = er - splitSin[k] * dr
                                im[k] = splitCos[k] * dr
                                k += 1
                            }
                        }
                    }
                }
            }
        }
        complexTransform(inverse: true)
        // x[2k] = re[k], x[2k+1] = im[k]; the half-size inverse with the split step scales by N/2.
        let scale = 2 / Float(size)
        re.withUnsafeBufferPointer { re in
            im.withUnsafeBufferPointer { im in
                var k = 0
                while 2 * k + 1 <= maxLag {
                    output[2 * k] = re[k] * scale
                    output[2 * k + 1] = im[k] * scale
                    k += 1
                }
                if 2 * k == maxLag { output[2 * k] = re[k] * scale }
            }
        }
    }
}
