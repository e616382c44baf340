import Foundation
import Evaluation
@testable import Pipeline
import TestSupport
import Testing
import Vision
import DebriefModel

/// Debrief's Haar cascade evaluation against OpenCV's own `CascadeClassifier.detectMultiScale` with the same XML
/// and parameters (scaleFactor 1.1, minNeighbors 3) on frames of a real photograph and of the `Media/` samples.
/// Target: ≥ 95 % of OpenCV's detections matched at IoU ≥ 0.5, ≤ 5 % extra.
@Suite struct FaceDetectionTests {
    static let openCVAvailable: Bool = (try? Fixtures.run("python3", ["-c", "import cv2"])) != nil
    static let portraitPresent = FileManager.default.fileExists(atPath: "\(Fixtures.sharedData)/faces-dev/astronaut.png")

    @Test(.enabled(if: Fixtures.cascadesInstalled, "needs Debian's opencv-data (apt-get install opencv-data)"),
          .enabled(if: openCVAvailable, "needs the reference: pip install \"opencv-python-headless<5\""),
          .enabled(if: portraitPresent, "needs ../shared/data/faces-dev beside the repository"),
          .timeLimit(.minutes(3)))
    func agreesWithOpenCV() throws {
        let directory = Fixtures.temporaryDirectory("faces")
        defer { Fixtures.cleanUp(directory) }
        try Fixtures.run("python3", ["\(Fixtures.root)/scripts/face-frames.py", directory])
        let summary = try FaceEvaluation(directory: directory).run(detectors: CascadeLibrary.faceDetectors())
        #expect(summary.frames >= 50)
        #expect(summary.reference >= 50)
        #expect(summary.matchedShare >= 0.95)
        #expect(summary.extraShare <= 0.05)
        // Eyes inside the face, and smiles (whose cascade uses 45° tilted features) inside its lower half.
        #expect(summary.eyes.reference >= 40 && summary.eyes.matchedShare >= 0.95 && summary.eyes.extraShare <= 0.05)
        #expect(summary.smiles.reference >= 30 && summary.smiles.matchedShare >= 0.95 && summary.smiles.extraShare <= 0.05)
    }

    @Test func missingAndCorruptCascadesNameThePathAndPackage() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        #expect(throws: AnalysisError.self) { try CascadeLibrary.load("nope.xml", directory: directory) }
        do { _ = try CascadeLibrary.load("nope.xml", directory: directory) } catch {
            #expect(error.message == "\(directory)/nope.xml: cascade file not found (apt-get install opencv-data)")
        }
        Fixtures.write("<opencv_storage><cascade><stageType>BOOST</stageType>", to: "\(directory)/broken.xml")
        Fixtures.write("this is not XML", to: "\(directory)/text.xml")
        if Fixtures.cascadesInstalled {
            let whole = try Data(contentsOf: URL(fileURLWithPath:
                "\(CascadeLibrary.directory)/haarcascade_frontalface_default.xml"))
            try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: "\(directory)/truncated.xml"))
        }
        for name in ["broken.xml", "text.xml"] + (Fixtures.cascadesInstalled ? ["truncated.xml"] : []) {
            #expect(throws: AnalysisError.self) { try CascadeLibrary.load(name, directory: directory) }
            do throws(AnalysisError) { _ = try CascadeLibrary.load(name, directory: directory) } catch {
                #expect(error.message.hasPrefix("\(directory)/\(name): unusable cascade file: "))
                #expect(error.message.hasSuffix("(reinstall it: apt-get install --reinstall opencv-data)"))
            }
        }
    }

    @Test func boxesAndGrouping() {
        let a = DetectionBox(x: 0, y: 0, width: 10, height: 10)
        #expect(a.iou(DetectionBox(x: 5, y: 0, width: 10, height: 10)) == 50.0 / 150.0)
        // Four similar boxes group into their average; a lone box is dropped (minNeighbors 3).
        let hits = [a, DetectionBox(x: 1, y: 1, width: 10, height: 10), DetectionBox(x: 0, y: 1, width: 11, height: 10),
                    DetectionBox(x: 1, y: 0, width: 10, height: 11), DetectionBox(x: 50, y: 50, width: 10, height: 10)]
        #expect(Vision.groupRectangles(hits, threshold: 3, eps: 0.2) == [DetectionBox(x: 0, y: 0, width: 10, height: 10)])
    }
}

/// Awkward frames with the detectors running: defined values, no crash.
@Suite struct AwkwardFrameTests {
    @Test(.enabled(if: Fixtures.cascadesInstalled, "needs Debian's opencv-data (apt-get install opencv-data)"))
    func blackNoiseAndTinyFrames() throws {
        let detectors = try CascadeLibrary.faceDetectors()
        var generator = SystemRandomNumberGenerator()
        let frames: [(Int, Int, [UInt8])] = [
            (320, 180, [UInt8](repeating: 0, count: 320 * 180)),
            (320, 180, (0..<(320 * 180)).map { _ in UInt8.random(in: 0...255, using: &generator) }),
            (1, 1, [128]),
            (7, 13, [UInt8](repeating: 77, count: 91)),
        ]
        for (width, height, luma) in frames {
            var analyzer = VisionAnalyzer(sampleRate: 2, faces: detectors)
            analyzer.consume(FrameSample(time: 0, width: width, height: height, luma: luma))
            let summary = try #require(analyzer.finish())
            #expect(summary.faceVisibleRatio == 0, "\(width)×\(height)")
            #expect(summary.gazeProxyRatio == nil && summary.smileRatio == nil)
        }
        // A black frame is called dark; the tiny ones still get a verdict.
        var black = VisionAnalyzer(sampleRate: 2, faces: detectors)
        black.consume(FrameSample(time: 0, width: 320, height: 180, luma: frames[0].2))
        #expect(black.finish()?.lighting == "too dark")
    }

    @Test func fourKFramesAreSampledSmall() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let path = "\(directory)/uhd.mp4"
        try Fixtures.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=5:duration=1",
                                    "-c:v", "libx264", "-preset", "ultrafast", path])
        let report = try Analyzer().analyze(AnalysisRequest(catalog: Fixtures.models, input: path))
        #expect(report.recording.video?.width == 3840)
        #expect(report.visual?.framesAnalysed == 2)
    }
}
