import DebriefModel
import TestSupport
import Testing
import Vision

@Suite struct VisionTests {
    @Test func statisticsOfKnownPlanes() {
        let grey = FrameStatistics(luma: [UInt8](repeating: 128, count: 100), width: 10, height: 10)
        #expect(isClose(grey.brightness, 128.0 / 255, tolerance: 1e-9))
        #expect(grey.contrast == 0 && grey.sharpness == 0 && grey.underExposed == 0 && grey.overExposed == 0)
        let checker = FrameStatistics(luma: (0..<100).map { ($0 + $0 / 10) % 2 == 0 ? 0 : 255 }, width: 10, height: 10)
        #expect(isClose(checker.brightness, 0.5, tolerance: 1e-9))
        #expect(isClose(checker.contrast, 0.5, tolerance: 1e-9))
        #expect(checker.underExposed == 0.5 && checker.overExposed == 0.5)
        // A checkerboard's Laplacian is ±4·255 everywhere inside: variance (4·255)².
        #expect(isClose(checker.sharpness, 1020.0 * 1020.0, tolerance: 1e-6))
        #expect(FrameStatistics(luma: [], width: 0, height: 0).brightness == 0)
    }

    @Test func blurLowersSharpness() {
        let sharp: [UInt8] = (0..<(32 * 32)).map { ($0 % 32) < 16 ? 40 : 200 }
        var blurred = sharp
        for y in 0..<32 {
            for x in 1..<31 {
                let i = y * 32 + x
                let total: Int = Int(sharp[i - 1]) + Int(sharp[i]) + Int(sharp[i + 1])
                blurred[i] = UInt8(total / 3)
            }
        }
        #expect(FrameStatistics(luma: blurred, width: 32, height: 32).sharpness
            < FrameStatistics(luma: sharp, width: 32, height: 32).sharpness / 2)
    }

    @Test func motionIsTheMeanAbsoluteDifference() {
        #expect(motionEnergy([0, 0, 0, 0], [255, 255, 0, 0]) == 0.5)
        #expect(motionEnergy([1, 2], [1, 2, 3]) == nil)
    }

    func frames(_ values: [UInt8], every seconds: Double = 0.5) -> VisionAnalyzer {
        var analyzer = VisionAnalyzer(sampleRate: 1 / seconds, keepTrack: true)
        for (index, value) in values.enumerated() {
            analyzer.consume(FrameSample(time: Double(index) * seconds, width: 4, height: 2,
                                         luma: [value, value &+ 60, value, value &+ 60, value, value, value, value]))
        }
        return analyzer
    }

    @Test func summarisesSampledFrames() throws {
        let summary = try #require(frames([40, 90, 140, 190]).finish())
        #expect(summary.framesAnalysed == 4)
        #expect(isClose(summary.motionIndex, 50.0 / 255, tolerance: 1e-6))
        #expect(summary.track?.timesSeconds == [0, 0.5, 1, 1.5])
        #expect(summary.frozenRatio == 0)
        #expect(VisionAnalyzer(sampleRate: 2).finish() == nil)
    }

    @Test func lightingVerdictsAndWarnings() throws {
        let dark = try #require(frames(Array(repeating: 5, count: 4) + [6, 5, 6, 5]).finish())
        #expect(dark.lighting == "too dark")
        #expect(dark.warnings.first?.hasPrefix("too dark: mean brightness") == true)
        let frozen = try #require(frames(Array(repeating: 100, count: 30)).finish())
        #expect(frozen.longestFrozenSeconds == 14.5)
        #expect(frozen.warnings == ["frozen video: the picture did not change for 14 s"])
        #expect(frozen.frozenRatio == 1)
    }

    @Test func oddSizesAreHandled() throws {
        var analyzer = VisionAnalyzer(sampleRate: 2)
        analyzer.consume(FrameSample(time: 0, width: 1, height: 1, luma: [7]))
        analyzer.consume(FrameSample(time: 0.5, width: 7, height: 13, luma: [UInt8](repeating: 9, count: 91)))
        let summary = try #require(analyzer.finish())
        #expect(summary.framesAnalysed == 2)
        #expect(summary.motionIndex == 0)
    }
}
