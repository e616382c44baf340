import DebriefModel
import Foundation
import Pipeline
import TestSupport
import Testing

/// Awkward audio gives sensible values or an explicit warning: never NaN, never a crash.
@Suite struct BadAudioTests {
    let analyzer = Analyzer()

    func analyse(_ expression: String, rate: Int = 16_000, seconds: Double = 2, codec: [String] = [])
        throws -> Report {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let path = "\(directory)/clip.wav"
        try Fixtures.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i",
                                    "aevalsrc=exprs=\(expression):s=\(rate):d=\(seconds)"] + codec + [path])
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: path))
        // Encodes: JSONEncoder refuses NaN and infinities.
        _ = try ReportCoding.encode(report)
        return report
    }

    @Test func silenceIsUnvoicedWithAWarning() throws {
        let report = try analyse("0")
        #expect(report.prosody?.voicedFraction == 0)
        #expect(report.prosody?.f0MedianHz == nil)
        #expect(report.prosody?.jitterLocal == nil)
        #expect(report.warnings.contains("not enough voiced speech: pitch statistics are unreliable or missing"))
    }

    @Test func aSingleClickIsNotSpeech() throws {
        let report = try analyse("'if(eq(n\\,8000)\\,1\\,0)'")
        #expect((report.prosody?.voicedFraction ?? 1) < 0.05)
    }

    /// F0 within 2 % whatever the sampling rate, channel layout, clipping or DC offset.
    @Test(arguments: [
        ("0.3*sin(2*PI*140*t)+0.1*sin(2*PI*280*t)", 8_000, 140.0),                       // telephone band
        ("'0.3*sin(2*PI*180*t)|0'", 48_000, 180.0),                                        // stereo, dead channel
        ("'max(-0.3\\,min(0.3\\,0.9*sin(2*PI*200*t)))'", 16_000, 200.0),                 // hard clipping
        ("0.3*sin(2*PI*120*t)+0.5", 16_000, 120.0),                                        // DC offset
    ])
    func pitchSurvivesAwkwardChannels(_ setup: (expression: String, rate: Int, f0: Double)) throws {
        let report = try analyse(setup.expression, rate: setup.rate)
        #expect(isClose(report.prosody?.f0MedianHz ?? 0, setup.f0, tolerance: setup.f0 * 0.02))
        #expect((report.prosody?.voicedFraction ?? 0) > 0.8)
    }

    @Test func tooShortAudioSaysSo() throws {
        let report = try analyse("0.3*sin(2*PI*150*t)", seconds: 0.3)
        #expect(report.prosody == nil)
        #expect(report.warnings.contains("only 0.30 s of audio: too short to measure the voice"))
    }
}

/// The same speech in every audio-only container gives the same voice measures (lossy codecs within 1 % F0 and
/// two syllables of the lossless ones).
@Suite struct AudioOnlyFormatTests {
    @Test(arguments: ["m4a", "mp3", "opus", "flac"])
    func formatsAgreeWithWAV(_ fileExtension: String) throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let analyzer = Analyzer()
        var reports: [Report] = []
        for ext in ["wav", fileExtension] {
            let path = "\(directory)/speech.\(ext)"
            try Fixtures.run("ffmpeg", ["-v", "error", "-i", Fixtures.media("phone-screen-en.m4a"), "-t", "12", path])
            reports.append(try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: path, options: .init(tracks: true))))
        }
        let (reference, other) = (try #require(reports[0].prosody), try #require(reports[1].prosody))
        #expect(other.track != nil && reports[1].recording.video == nil)
        #expect(isClose(other.f0MedianHz ?? 0, reference.f0MedianHz ?? 0, tolerance: (reference.f0MedianHz ?? 0) * 0.01))
        #expect(abs((other.syllables ?? 0) - (reference.syllables ?? 0)) <= 2)
        #expect(reports[1].warnings.contains("no video stream (audio-only): picture not measured"))
    }
}

/// Recording-quality warnings on real decoded video.
@Suite struct PictureQualityTests {
    static let portrait = "\(Fixtures.sharedData)/faces-dev/astronaut.png"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: portrait),
                   "needs ../shared/data/faces-dev/astronaut.png beside the repository"))
    func darkAndFrozenVideoAreFlagged() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let path = "\(directory)/dark.mp4"
        try Fixtures.run("ffmpeg", ["-v", "error", "-loop", "1", "-i", Self.portrait,
                                    "-vf", "scale=320:320,eq=brightness=-0.55,format=yuv420p", "-t", "8",
                                    "-c:v", "libx264", "-preset", "ultrafast", path])
        let report = try Analyzer().analyze(AnalysisRequest(catalog: Fixtures.models, input: path))
        let visual = try #require(report.visual)
        #expect(visual.lighting == "too dark")
        #expect(visual.longestFrozenSeconds >= 7)
        #expect(report.warnings.contains { $0.hasPrefix("too dark") })
        #expect(report.warnings.contains { $0.hasPrefix("frozen video: the picture did not change for") })
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: portrait) && Fixtures.cascadesInstalled,
                   "needs the portrait and Debian's opencv-data"))
    func aSidewaysPhoneVideoIsTurnedUprightBeforeFaceDetection() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let sideways = "\(directory)/sideways.mp4", rotated = "\(directory)/rotated.mp4"
        try Fixtures.run("ffmpeg", ["-v", "error", "-loop", "1", "-i", Self.portrait, "-vf",
                                    "scale=320:320,transpose=cclock,format=yuv420p", "-t", "2", "-c:v", "libx264",
                                    "-preset", "ultrafast", sideways])
        try Fixtures.run("ffmpeg", ["-v", "error", "-i", sideways, "-c", "copy", "-metadata:s:v:0", "rotate=270", rotated])
        let analyzer = Analyzer()
        #expect(try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: rotated)).visual?.faceVisibleRatio == 1)
        #expect(try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: sideways)).visual?.faceVisibleRatio == 0)
    }

    @Test func theSampleInterviewIsWellLitAndMoving() throws {
        let report = try Analyzer()
            .analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4")))
        let visual = try #require(report.visual)
        #expect(visual.lighting == "good")
        #expect(visual.warnings.isEmpty)
        #expect(visual.frozenRatio < 0.1)
        #expect(visual.sharpnessMean > 10)
        // A head-and-shoulders portrait in every frame (when Debian's opencv-data is installed).
        if Fixtures.cascadesInstalled {
            #expect((visual.faceVisibleRatio ?? 0) >= 0.95)
            #expect((visual.faceCentredRatio ?? 0) >= 0.9)
            #expect((0.2...0.4).contains(visual.medianFaceHeightRatio ?? 0))
            // The portrait looks into the camera and smiles throughout.
            #expect((visual.gazeProxyRatio ?? 0) >= 0.8)
            #expect((visual.smileRatio ?? 0) >= 0.8)
        } else {
            #expect(report.warnings.contains { $0.hasPrefix("face detection unavailable: ") })
        }
    }
}
