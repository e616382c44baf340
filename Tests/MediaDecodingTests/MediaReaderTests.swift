import DebriefModel
import Foundation
@testable import MediaDecoding
import TestSupport
import Testing

/// Collects everything a decode pass yields.
struct Collector: MediaSink {
    var samples = 0
    var firstSamples: [Float] = []
    var chunkStartsContiguous = true
    var frames: [FrameSample] = []
    var cues: [Cue] = []

    mutating func consume(_ chunk: AudioChunk) {
        if chunk.startSample != samples { chunkStartsContiguous = false }
        samples += chunk.samples.count
        if firstSamples.count < 16_000 { firstSamples += chunk.samples.prefix(16_000 - firstSamples.count) }
    }
    mutating func consume(_ frame: FrameSample) { frames.append(frame) }
    mutating func consume(_ cue: Cue) { cues.append(cue) }
}

@Suite struct MediaReaderTests {
    static let samples = ["interview-en.mp4", "interview-zh.mkv", "phone-screen-en.m4a"]

    /// The 16 kHz mono sample count equals what `ffmpeg -ar 16000 -ac 1 -f f32le` gives for the same file,
    /// exactly; the first second of samples agrees within 1e-4 (same libswresample, same defaults).
    @Test(arguments: samples)
    func sampleCountMatchesTheFFmpegCLI(_ name: String) throws {
        let path = Fixtures.media(name)
        let reference = try Fixtures.run("ffmpeg", ["-v", "error", "-i", path, "-vn", "-ar", "16000", "-ac", "1",
                                                    "-f", "f32le", "-"])
        var collector = Collector()
        let reader = try MediaReader(path: path)
        _ = try reader.decode(into: &collector)
        #expect(collector.samples == reference.count / 4)
        #expect(collector.chunkStartsContiguous)
        let referenceFloats = reference.withUnsafeBytes { Array($0.bindMemory(to: Float.self).prefix(16_000)) }
        let worst = zip(collector.firstSamples, referenceFloats).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4)
    }

    @Test func describesTheContainer() throws {
        let facts = try MediaReader(path: Fixtures.media("interview-en.mp4")).facts
        #expect(facts.container.contains("mp4"))
        #expect(facts.audio?.codec == "aac")
        #expect(facts.audio?.channels == 1)
        #expect(facts.video?.codec == "h264")
        #expect(facts.video?.width == 480)
        #expect(facts.video?.height == 360)
        #expect(facts.video?.fps == 25)
        #expect(facts.subtitleCodecs == ["mov_text"])
        #expect(isClose(facts.durationSeconds ?? 0, 42.28, tolerance: 0.1))
    }

    /// Frames are sampled at the requested rate (2/s by default) as small grayscale planes.
    @Test func samplesFramesAtTheRequestedRate() throws {
        var collector = Collector()
        let stats = try MediaReader(path: Fixtures.media("interview-en.mp4")).decode(into: &collector)
        let duration = 42.28
        #expect(abs(collector.frames.count - Int(duration * 2)) <= 2)
        #expect(stats.framesSampled == collector.frames.count)
        #expect(collector.frames.allSatisfy { $0.width == 320 && $0.height == 240 && $0.luma.count == 320 * 240 })
        let gaps = zip(collector.frames.dropFirst(), collector.frames).map { $0.time - $1.time }
        #expect(gaps.allSatisfy { isClose($0, 0.5, tolerance: 0.041) })

        var fast = Collector()
        _ = try MediaReader(path: Fixtures.media("interview-en.mp4"), options: DecodeOptions(frameRate: 5))
            .decode(into: &fast)
        #expect(abs(fast.frames.count - Int(duration * 5)) <= 3)
    }

    @Test func readsSubtitleCuesFromMovTextAndSubRip() throws {
        var english = Collector()
        _ = try MediaReader(path: Fixtures.media("interview-en.mp4")).decode(into: &english)
        #expect(english.cues.count == 7)
        #expect(english.cues.first?.text == "Last year I worked on the payments team at an online retailer.")
        #expect(isClose(english.cues.first?.start ?? -1, 0.5, tolerance: 0.01))

        var chinese = Collector()
        _ = try MediaReader(path: Fixtures.media("interview-zh.mkv")).decode(into: &chinese)
        #expect(chinese.cues.count == 5)
        #expect(chinese.cues.first?.text == "去年我在一家软件公司负责华东区的销售。")
        #expect(chinese.cues.allSatisfy { $0.end > $0.start })
    }

    @Test func cleansASSMarkup() {
        #expect(SubtitleText.fromASS("0,0,Default,,0,0,0,,{\\i1}Hello{\\i0}\\Nworld, again")
            == "Hello world, again")
        #expect(SubtitleText.clean("  <b>not</b> markup  ") == "<b>not</b> markup")
    }

    func decodeError(_ path: String) -> DecodeError? {
        do {
            var collector = Collector()
            _ = try MediaReader(path: path).decode(into: &collector)
            return nil
        } catch {
            return error
        }
    }

    @Test func badInputGivesOneClearReason() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        #expect(decodeError("\(directory)/missing.mp4")?.description == "\(directory)/missing.mp4: no such file")

        let empty = "\(directory)/empty.mp4"
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(decodeError(empty)?.description == "\(empty): the file is empty (0 bytes)")

        let text = "\(directory)/notes.mp4"
        Fixtures.write("This is a text file, not a video.\n", to: text)
        #expect(decodeError(text)?.description
            == "\(text): not a media file FFmpeg can read (Invalid data found when processing input)")

        let truncated = "\(directory)/truncated.mp4"
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.media("phone-screen-en.m4a")))
        // faststart puts the index first in the video samples; the m4a has it last: cutting loses the index.
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(decodeError(truncated)?.description
            == "\(truncated): not a media file FFmpeg can read (Invalid data found when processing input)")

        #expect(decodeError(directory)?.description == "\(directory): not a regular file")
    }

    @Test func videoWithoutAudioAndAudioOnlyAreDecoded() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let silent = "\(directory)/silent.mp4"
        try Fixtures.makeClip(at: silent, seconds: 2, audio: false, video: true)
        var video = Collector()
        let reader = try MediaReader(path: silent)
        #expect(reader.facts.audio == nil)
        _ = try reader.decode(into: &video)
        #expect(video.samples == 0)
        #expect(video.frames.count == 4)

        let audioOnly = try MediaReader(path: Fixtures.media("phone-screen-en.m4a"))
        #expect(audioOnly.facts.video == nil)
    }
}

@Suite struct RotationTests {
    /// 2×3 plane  1 2 3 / 4 5 6  turned clockwise a quarter is 3×2  4 1 / 5 2 / 6 3.
    @Test func quarterTurns() {
        let plane: [UInt8] = [1, 2, 3, 4, 5, 6]
        let once = turnClockwise(plane, width: 3, height: 2, quarterTurns: 1)
        #expect(once.plane == [4, 1, 5, 2, 6, 3] && once.width == 2 && once.height == 3)
        #expect(turnClockwise(plane, width: 3, height: 2, quarterTurns: 2).plane == [6, 5, 4, 3, 2, 1])
        let thrice = turnClockwise(plane, width: 3, height: 2, quarterTurns: 3)
        #expect(thrice.plane == [3, 6, 2, 5, 1, 4] && thrice.width == 2 && thrice.height == 3)
        #expect(turnClockwise(plane, width: 3, height: 2, quarterTurns: 0).plane == plane)
    }

    /// A phone-style clip: the picture stored sideways with a display matrix of −90°. Frames come out upright and
    /// as wide as the displayed picture.
    @Test func displayMatrixIsApplied() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let sideways = "\(directory)/sideways.mp4", rotated = "\(directory)/rotated.mp4"
        try Fixtures.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=10:duration=1",
                                    "-vf", "transpose=cclock", "-c:v", "libx264", "-preset", "ultrafast", sideways])
        try Fixtures.run("ffmpeg", ["-v", "error", "-i", sideways, "-c", "copy", "-metadata:s:v:0", "rotate=270", rotated])
        let reader = try MediaReader(path: rotated)
        #expect(reader.facts.video?.rotationDegrees == -90)
        var collector = Collector()
        _ = try reader.decode(into: &collector)
        // Stored 360×640; displayed 640×360, sampled at 320 px wide.
        #expect(collector.frames.first.map { ($0.width, $0.height) } ?? (0, 0) == (320, 180))
    }
}
