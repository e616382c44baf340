import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif
import DebriefModel

/// Options for one decode pass.
public struct DecodeOptions: Sendable {
    /// Video frames sampled per second (the nearest decoded frame at or after each sampling instant).
    public var frameRate: Double = 2
    /// Width of the grayscale planes handed to analysis (height keeps the aspect ratio).
    public var frameWidth = 320
    /// Audio chunk length in samples at 16 kHz.
    public var chunkSamples = 8_000
    public var limits = DecodeLimits()
    /// Set for headerless PCM, which has no header to probe.
    public var raw: RawPCM?

    public init(frameRate: Double = 2, frameWidth: Int = 320) {
        self.frameRate = frameRate
        self.frameWidth = frameWidth
    }
}

/// What a decode pass saw, for warnings about damaged input.
public struct DecodeStats: Sendable, Equatable {
    public var audioSamples = 0
    public var framesSampled = 0
    public var videoFramesDecoded = 0
    public var cues = 0
    public var decodeErrors = 0
    public var lastVideoTime: Double?
    /// Bytes read from the file: what FFmpeg read, and what the byte observer was caught up with (a file is read
    /// about once, whatever the container).
    public var bytesRead: Int64 = 0

    public var audioSeconds: Double { Double(audioSamples) / Double(analysisSampleRate) }
}

/// Receives decoded media in stream order. Analysis accumulators implement it; nothing is retained by the reader.
public protocol MediaSink {
    mutating func consume(_ chunk: AudioChunk)
    mutating func consume(_ frame: FrameSample)
    mutating func consume(_ cue: Cue)
}

/// Opens a recording with libavformat and decodes it in one streaming pass: the best audio stream to 16 kHz mono
/// Float32 (libswresample), video sampled at `DecodeOptions.frameRate` to small grayscale planes (libswscale),
/// and the first subtitle stream's cues. Memory stays bounded by one chunk and one frame, whatever the length.
public final class MediaReader {
    public let path: String
    public let facts: ContainerFacts
    private let format: InputFormat
    private let audioIndex: Int?
    private let videoIndex: Int?
    private let subtitleIndex: Int?
    private let options: DecodeOptions

    /// Opens the recording and reads its stream information.
    /// - Parameter observer: sees every byte of the file once, in order, as it is read (the content hash); the
    ///   bytes FFmpeg skipped over reach it in `decode`'s last step.
    public init(path: String, options: DecodeOptions = DecodeOptions(),
                observer: ByteObserver? = nil) throws(DecodeError) {
        FFmpegLog.quiet()
        self.path = path
        self.options = options
        let size = try Self.checkFile(path)
        let format = try InputFormat(path: path, input: try FileInput(path: path, observer: observer),
                                     limits: options.limits, raw: options.raw)
        self.format = format
        let context = format.pointer
        func best(_ type: AVMediaType) -> Int? {
            let index = av_find_best_stream(context, type, -1, -1, nil, 0)
            return index >= 0 ? Int(index) : nil
        }
        audioIndex = best(AVMEDIA_TYPE_AUDIO)
        videoIndex = Self.firstRealVideo(format)
        subtitleIndex = (0..<format.streamCount).first {
            format.stream($0).pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_SUBTITLE
        }
        guard audioIndex != nil || videoIndex != nil || subtitleIndex != nil else {
            throw DecodeError(code: .noStreams, file: path, reason: "contains no audio, video or subtitle stream")
        }
        for index in 0..<format.streamCount where ![audioIndex, videoIndex, subtitleIndex].contains(index) {
            format.stream(index).pointee.discard = AVDISCARD_ALL
        }
        facts = Self.describe(format, size: size, audio: audioIndex, video: videoIndex, subtitles: subtitleIndex)
        if let video = facts.video, video.width * video.height > options.limits.maxFramePixels {
            throw DecodeError(code: .tooLarge, file: path,
                              reason: "video frames of \(video.width)×\(video.height) exceed the limit of "
                                + "\(options.limits.maxFramePixels) pixels")
        }
    }

    /// Rejects missing, unreadable and empty files before FFmpeg sees them, with a plain reason.
    private static func checkFile(_ path: String) throws(DecodeError) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DecodeError(code: .missing, file: path, reason: "no such file")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DecodeError(code: .unreadable, file: path, reason: "not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw DecodeError(code: .unreadable, file: path, reason: "permission denied")
        }
        guard info.st_size > 0 else {
            throw DecodeError(code: .empty, file: path, reason: "the file is empty (0 bytes)")
        }
        return Int64(info.st_size)
    }

    /// The first video stream that is not an attached picture (cover art in m4a/mp3).
    private static func firstRealVideo(_ format: InputFormat) -> Int? {
        let best = av_find_best_stream(format.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard best >= 0 else { return nil }
        let stream = format.stream(Int(best))
        return (stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0 ? nil : Int(best)
    }

    private static func describe(_ format: InputFormat, size: Int64, audio: Int?, video: Int?,
                                 subtitles: Int?) -> ContainerFacts {
        let context = format.pointer.pointee
        func seconds(_ stream: UnsafeMutablePointer<AVStream>) -> Double? {
            let duration = stream.pointee.duration
            guard duration != DEBRIEF_AV_NOPTS_VALUE, duration > 0 else { return nil }
            return Double(duration) * av_q2d(stream.pointee.time_base)
        }
        let audioFacts = audio.map { index -> AudioStreamFacts in
            let stream = format.stream(index)
            let parameters = stream.pointee.codecpar.pointee
            return AudioStreamFacts(codec: String(cString: avcodec_get_name(parameters.codec_id)),
                                    sampleRate: Int(parameters.sample_rate),
                                    channels: Int(parameters.ch_layout.nb_channels),
                                    durationSeconds: seconds(stream))
        }
        let videoFacts = video.map { index -> VideoStreamFacts in
            let stream = format.stream(index)
            let parameters = stream.pointee.codecpar.pointee
            let rate = stream.pointee.avg_frame_rate.den != 0 ? av_q2d(stream.pointee.avg_frame_rate) : 0
            return VideoStreamFacts(codec: String(cString: avcodec_get_name(parameters.codec_id)),
                                    width: Int(parameters.width), height: Int(parameters.height),
                                    fps: rate > 0 ? (rate * 1000).rounded() / 1000 : nil,
                                    rotationDegrees: debrief_stream_rotation(stream))
        }
        let subtitleCodecs = (0..<format.streamCount).compactMap { index -> String? in
            let parameters = format.stream(index).pointee.codecpar.pointee
            guard parameters.codec_type == AVMEDIA_TYPE_SUBTITLE else { return nil }
            return String(cString: avcodec_get_name(parameters.codec_id))
        }
        let duration = context.duration != DEBRIEF_AV_NOPTS_VALUE && context.duration > 0
            ? Double(context.duration) / Double(AV_TIME_BASE) : nil
        return ContainerFacts(container: String(cString: context.iformat.pointee.name),
                              durationSeconds: duration, sizeBytes: size,
                              bitRate: context.bit_rate > 0 ? context.bit_rate : nil,
                              audio: audioFacts, video: videoFacts, subtitleCodecs: subtitleCodecs)
    }

    /// Decodes every selected stream once, handing chunks, frames and cues to `sink` as they come.
    /// - Returns: counts that let the caller warn about partial decodes.
    /// - Throws: `DecodeError` only when nothing at all could be decoded; damage mid-stream is counted instead.
    public func decode<Sink: MediaSink>(into sink: inout Sink) throws(DecodeError) -> DecodeStats {
        var stats = DecodeStats()
        let packet = try Packet(file: path)
        let frame = try Frame(file: path)
        let audio = try audioIndex.map { index throws(DecodeError) in
            try AudioPath(decoder: Decoder(format: format, streamIndex: index, file: path), options: options)
        }
        let video = try videoIndex.map { index throws(DecodeError) in
            try VideoPath(decoder: Decoder(format: format, streamIndex: index, file: path,
                                           maxPixels: options.limits.maxFramePixels),
                          options: options, startTime: startSeconds(index),
                          rotationDegrees: facts.video?.rotationDegrees ?? 0)
        }
        let subtitles: Decoder? = try subtitleIndex.map { index throws(DecodeError) in
            try Decoder(format: format, streamIndex: index, file: path)
        }

        while true {
            let read = AVResult(rawValue: av_read_frame(format.pointer, packet.pointer))
            if read == .eof { break }
            if read.isError {
                // A read error mid-file (truncation, I/O): stop here, keep what was decoded.
                stats.decodeErrors += 1
                break
            }
            defer { packet.unref() }
            if packet.pointer.pointee.size > options.limits.maxPacketBytes {
                stats.decodeErrors += 1
                continue
            }
            let index = Int(packet.pointer.pointee.stream_index)
            if let audio, index == audio.decoder.streamIndex {
                try audio.decode(packet, frame: frame, file: path, stats: &stats, sink: &sink)
            } else if let video, index == video.decoder.streamIndex {
                try video.decode(packet, frame: frame, file: path, stats: &stats, sink: &sink)
            } else if let subtitles, index == subtitles.streamIndex {
                decodeSubtitle(packet, decoder: subtitles, stats: &stats, sink: &sink)
            }
        }
        try audio?.decode(nil, frame: frame, file: path, stats: &stats, sink: &sink)
        try audio?.finish(stats: &stats, sink: &sink)
        try video?.decode(nil, frame: frame, file: path, stats: &stats, sink: &sink)
        format.input.finish()
        stats.bytesRead = format.input.bytesRead
        return stats
    }

    private func startSeconds(_ index: Int) -> Double {
        let stream = format.stream(index)
        guard stream.pointee.start_time != DEBRIEF_AV_NOPTS_VALUE else { return 0 }
        return Double(stream.pointee.start_time) * av_q2d(stream.pointee.time_base)
    }

    private func decodeSubtitle<Sink: MediaSink>(_ packet: Packet, decoder: Decoder, stats: inout DecodeStats,
                                                 sink: inout Sink) {
        var subtitle = AVSubtitle()
        var got: Int32 = 0
        let result = AVResult(rawValue: avcodec_decode_subtitle2(decoder.pointer, &subtitle, &got, packet.pointer))
        if result.isError { stats.decodeErrors += 1; return }
        guard got != 0 else { return }
        defer { avsubtitle_free(&subtitle) }
        guard let packetStart = decoder.seconds(packet.pointer.pointee.pts) else { return }
        let start = packetStart + Double(subtitle.start_display_time) / 1000
        var end = packetStart + Double(subtitle.end_display_time) / 1000
        if subtitle.end_display_time == 0 || subtitle.end_display_time == UInt32.max,
           packet.pointer.pointee.duration > 0 {
            end = packetStart + Double(packet.pointer.pointee.duration) * av_q2d(decoder.timeBase)
        }
        var texts: [String] = []
        for index in 0..<Int(subtitle.num_rects) {
            guard let rect = subtitle.rects[index]?.pointee else { continue }
            if let ass = rect.ass {
                texts.append(SubtitleText.fromASS(String(cString: ass)))
            } else if let text = rect.text {
                texts.append(SubtitleText.clean(String(cString: text)))
            }
        }
        let text = texts.filter { !$0.isEmpty }.joined(separator: " ")
        guard !text.isEmpty else { return }  // mov_text gap packets
        stats.cues += 1
        sink.consume(Cue(start: start, end: max(end, start), text: text))
    }
}

@available(*, unavailable)
extension MediaReader: Sendable {}

/// Audio decoding, resampling and chunking for one stream.
private final class AudioPath {
    let decoder: Decoder
    private var resampler: Resampler?
    private var pending: [Float] = []
    /// A two-channel source's channels at 16 kHz, interleaved, beside the mono mix (same resampling, same delay).
    private var channelResampler: Resampler?
    private var pendingStereo: [Float] = []
    private let chunkSamples: Int

    init(decoder: Decoder, options: DecodeOptions) {
        self.decoder = decoder
        chunkSamples = options.chunkSamples
        pending.reserveCapacity(chunkSamples * 2)
    }

    func decode<Sink: MediaSink>(_ packet: Packet?, frame: Frame, file: String, stats: inout DecodeStats,
                                 sink: inout Sink) throws(DecodeError) {
        if decoder.send(packet).isError, packet != nil { stats.decodeErrors += 1 }
        while true {
            let (state, result) = decoder.receive(into: frame)
            guard state == .ready else {
                if result.isError, result != .eof, result != .again { stats.decodeErrors += 1 }
                return
            }
            defer { av_frame_unref(frame.pointer) }
            if resampler == nil || !resampler!.matches(frame.pointer) {
                if let old = resampler { _ = old.convert(nil, appendingTo: &pending) }
                if let old = channelResampler { _ = old.convert(nil, appendingTo: &pendingStereo) }
                resampler = try Resampler(for: frame.pointer, file: file)
                channelResampler = frame.pointer.pointee.ch_layout.nb_channels == 2
                    ? try? Resampler(for: frame.pointer, file: file, keepChannels: true) : nil
                // Channels kept apart only while they line up with the mix: a layout change mid-stream ends them.
                if channelResampler == nil { pendingStereo.removeAll() }
            }
            if resampler!.convert(frame.pointer, appendingTo: &pending).isError { stats.decodeErrors += 1 }
            if let channelResampler, channelResampler.convert(frame.pointer, appendingTo: &pendingStereo).isError {
                self.channelResampler = nil
                pendingStereo.removeAll()
            }
            emitFullChunks(stats: &stats, sink: &sink)
        }
    }

    func finish<Sink: MediaSink>(stats: inout DecodeStats, sink: inout Sink) throws(DecodeError) {
        if let resampler { _ = resampler.convert(nil, appendingTo: &pending) }
        if let channelResampler { _ = channelResampler.convert(nil, appendingTo: &pendingStereo) }
        emitFullChunks(stats: &stats, sink: &sink)
        if !pending.isEmpty {
            sink.consume(AudioChunk(startSample: stats.audioSamples, samples: pending, stereo: takeStereo(pending.count)))
            stats.audioSamples += pending.count
            pending.removeAll()
        }
    }

    private func emitFullChunks<Sink: MediaSink>(stats: inout DecodeStats, sink: inout Sink) {
        while pending.count >= chunkSamples {
            let chunk = Array(pending[0..<chunkSamples])
            pending.removeFirst(chunkSamples)
            sink.consume(AudioChunk(startSample: stats.audioSamples, samples: chunk, stereo: takeStereo(chunk.count)))
            stats.audioSamples += chunk.count
        }
    }

    /// The channels of the next `count` samples, when the source has two (what the channel resampler has made of
    /// them so far; both resamplers run the same filter, so they stay in step).
    private func takeStereo(_ count: Int) -> [Float]? {
        guard channelResampler != nil || !pendingStereo.isEmpty else { return nil }
        let taken = min(pendingStereo.count, count * 2)
        let stereo = Array(pendingStereo[0..<taken])
        pendingStereo.removeFirst(taken)
        return stereo
    }
}

/// Video decoding and sampling at a fixed rate for one stream.
private final class VideoPath {
    let decoder: Decoder
    private var scaler: Scaler?
    private let step: Double
    private let width: Int
    private let startTime: Double
    /// Clockwise quarter turns that make the picture upright, from the stream's display matrix (FFmpeg's
    /// autorotate rule: a matrix rotation of θ° counter-clockwise is undone by turning −θ).
    private let quarterTurns: Int
    private var nextSampleTime = 0.0

    init(decoder: Decoder, options: DecodeOptions, startTime: Double, rotationDegrees: Double) {
        self.decoder = decoder
        step = 1 / max(0.01, options.frameRate)
        width = options.frameWidth
        self.startTime = startTime
        let clockwise = (-rotationDegrees / 90).rounded()
        quarterTurns = ((Int(clockwise) % 4) + 4) % 4
    }

    func decode<Sink: MediaSink>(_ packet: Packet?, frame: Frame, file: String, stats: inout DecodeStats,
                                 sink: inout Sink) throws(DecodeError) {
        if decoder.send(packet).isError, packet != nil { stats.decodeErrors += 1 }
        while true {
            let (state, result) = decoder.receive(into: frame)
            guard state == .ready else {
                if result.isError, result != .eof, result != .again { stats.decodeErrors += 1 }
                return
            }
            defer { av_frame_unref(frame.pointer) }
            stats.videoFramesDecoded += 1
            let timestamp = frame.pointer.pointee.best_effort_timestamp
            guard let absolute = decoder.seconds(timestamp) else { continue }
            let time = absolute - startTime
            stats.lastVideoTime = max(stats.lastVideoTime ?? time, time)
            // Take the first frame at or after each sampling instant (half a frame early counts as on time).
            guard time + 0.001 >= nextSampleTime else { continue }
            while nextSampleTime <= time + 0.001 { nextSampleTime += step }
            if scaler == nil || !scaler!.matches(frame.pointer) {
                scaler = try Scaler(for: frame.pointer, maxWidth: width, quarterTurns: quarterTurns, file: file)
            }
            guard let scaler, let luma = scaler.scale(frame.pointer) else { stats.decodeErrors += 1; continue }
            stats.framesSampled += 1
            let upright = turnClockwise(luma, width: scaler.width, height: scaler.height, quarterTurns: quarterTurns)
            sink.consume(FrameSample(time: max(0, time), width: upright.width, height: upright.height,
                                     luma: upright.plane))
        }
    }
}

/// Turns a plane clockwise by quarter turns.
func turnClockwise(_ plane: [UInt8], width: Int, height: Int, quarterTurns: Int)
    -> (plane: [UInt8], width: Int, height: Int) {
    switch quarterTurns {
    case 1:
        var out = [UInt8](repeating: 0, count: plane.count)
        for y in 0..<height { for x in 0..<width { out[x * height + (height - 1 - y)] = plane[y * width + x] } }
        return (out, height, width)
    case 2:
        return (Array(plane.reversed()), width, height)
    case 3:
        var out = [UInt8](repeating: 0, count: plane.count)
        for y in 0..<height { for x in 0..<width { out[(width - 1 - x) * height + y] = plane[y * width + x] } }
        return (out, height, width)
    default:
        return (plane, width, height)
    }
}

/// Text of subtitle events without markup.
enum SubtitleText {
    /// An ASS event line is `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`: the text follows the
    /// 8th comma. Override blocks `{...}` are dropped and `\N` / `\n` become spaces.
    static func fromASS(_ line: String) -> String {
        var commas = 0
        var index = line.startIndex
        while index < line.endIndex, commas < 8 {
            if line[index] == "," { commas += 1 }
            index = line.index(after: index)
        }
        let text = commas == 8 ? String(line[index...]) : line
        return clean(text.replacingOccurrences(of: "\\N", with: " ").replacingOccurrences(of: "\\n", with: " "))
    }

    static func clean(_ text: String) -> String {
        var output = ""
        var depth = 0
        for character in text {
            if character == "{" { depth += 1; continue }
            if character == "}" { depth = max(0, depth - 1); continue }
            if depth == 0 { output.append(character) }
        }
        return output.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var remainder = self[...]
        while let range = remainder.range(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        return result + remainder
    }
}

/// FFmpeg's own log lines go to stderr by default; Debrief reports problems itself, so they are silenced unless
/// `DEBRIEF_FFMPEG_LOG` is set.
enum FFmpegLog {
    static func quiet() {
        if getenv("DEBRIEF_FFMPEG_LOG") == nil { av_log_set_level(AV_LOG_QUIET) }
    }
}
