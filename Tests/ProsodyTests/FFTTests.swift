@testable import Prosody
import TestSupport
import Testing

@Suite struct FFTTests {
    /// FFT autocorrelation against the direct sum, for the sizes the pitch analysis uses; tolerance 1e-4 of r(0).
    @Test(arguments: [(8, 4, 3), (64, 40, 20), (1024, 638, 286), (2048, 1276, 572)])
    func autocorrelationMatchesTheDirectSum(_ setup: (size: Int, length: Int, maxLag: Int)) {
        let x = (0..<setup.length).map { _ in Float.random(in: -1...1) }
        var fft = RealFFT(size: setup.size)
        var output = [Float](repeating: 0, count: setup.maxLag + 1)
        x.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { fft.autocorrelation(input, maxLag: setup.maxLag, into: $0) }
        }
        let zero = ScalarReference.dot(x, x)
        for lag in 0...setup.maxLag {
            let direct = ScalarReference.dot(Array(x[0..<(x.count - lag)]), Array(x[lag...]))
            #expect(isClose(Double(output[lag]), direct, tolerance: 1e-4 * zero), "lag \(lag)")
        }
    }
}
