import DebriefModel
import TestSupport
import Testing
import Vision

@Suite struct VisionTests {
    @Test func brightnessAndContrastOfKnownPlanes() {
        let grey = FrameStatistics(luma: [UInt8](repeating: 128, count: 100))
        #expect(isClose(grey.brightness, 128.0 / 255, tolerance: 1e-9))
        #expect(grey.contrast == 0)
        let checker = FrameStatistics(luma: (0..<100).map { $0 % 2 == 0 ? 0 : 255 })
        #expect(isClose(checker.brightness, 0.5, tolerance: 1e-9))
        #expect(isClose(checker.contrast, 0.5, tolerance: 1e-9))
        #expect(FrameStatistics(luma: []).brightness == 0)
    }

    @Test func motionIsTheMeanAbsoluteDifference() {
        #expect(motionEnergy([0, 0, 0, 0], [255, 255, 0, 0]) == 0.5)
        #expect(motionEnergy([1, 2], [1, 2, 3]) == nil)
    }

    @Test func summarisesSampledFrames() throws {
        var analyzer = VisionAnalyzer(sampleRate: 2, keepTrack: true)
        for index in 0..<4 {
            let value = UInt8(index * 50)
            analyzer.consume(FrameSample(time: Double(index) / 2, width: 4, height: 2,
                                         luma: [UInt8](repeating: value, count: 8)))
        }
        let summary = try #require(analyzer.finish())
        #expect(summary.framesAnalysed == 4)
        #expect(isClose(summary.brightnessMean, 75.0 / 255, tolerance: 1e-6))
        #expect(isClose(summary.motionIndex, 50.0 / 255, tolerance: 1e-6))
        #expect(summary.track?.timesSeconds == [0, 0.5, 1, 1.5])
        #expect(VisionAnalyzer(sampleRate: 2).finish() == nil)
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
