import CFFmpeg

/// An FFmpeg return code. Negative values are errors (`AVERROR(e)`); EAGAIN and EOF are decode-loop states.
struct AVResult: RawRepresentable, Equatable {
    var rawValue: Int32
    init(rawValue: Int32) { self.rawValue = rawValue }

    static let eof = AVResult(rawValue: DEBRIEF_AVERROR_EOF)
    static let again = AVResult(rawValue: DEBRIEF_AVERROR_EAGAIN)
    static let invalidData = AVResult(rawValue: DEBRIEF_AVERROR_INVALIDDATA)
    static let noEntry = AVResult(rawValue: DEBRIEF_AVERROR_ENOENT)

    var isError: Bool { rawValue < 0 }

    /// FFmpeg's own text for the code (`av_strerror`).
    var message: String {
        var buffer = [CChar](repeating: 0, count: Int(DEBRIEF_AV_ERROR_MAX_STRING_SIZE))
        av_strerror(rawValue, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Outcome of one step of a send/receive decode loop.
enum LoopState {
    case ready
    case needsInput
    case finished
}

/// Owns an `AVFormatContext` opened for reading; closed with `avformat_close_input`. It reads through the
/// `FileInput` it keeps (our own I/O context, which sees every byte once), never by opening a URL itself.
final class InputFormat {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// Outlives the format context (released after `deinit` closes it).
    let input: FileInput

    /// Opens `path` for demuxing through `input`, with bounded probing. Nested opens (a playlist's segments, a
    /// concat script's files) are refused: no protocol is allowed, so a hostile file cannot make FFmpeg read
    /// anything but itself.
    init(path: String, input: FileInput, limits: DecodeLimits, raw: RawPCM? = nil) throws(DecodeError) {
        self.input = input
        var context: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        guard let allocated = context else {
            throw DecodeError(code: .outOfMemory, file: path, reason: "cannot allocate a format context")
        }
        allocated.pointee.pb = input.context
        allocated.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        var options: OpaquePointer? = nil
        var inputFormat: UnsafePointer<AVInputFormat>? = nil
        if let raw {
            inputFormat = av_find_input_format("s16le")
            av_dict_set(&options, "sample_rate", String(raw.sampleRate), 0)
            av_dict_set(&options, "ch_layout", "mono", 0)
        }
        av_dict_set(&options, "protocol_whitelist", "none", 0)
        av_dict_set(&options, "probesize", String(limits.probeBytes), 0)
        av_dict_set(&options, "analyzeduration", String(limits.analyzeMicroseconds), 0)
        av_dict_set(&options, "max_streams", String(limits.maxStreams), 0)
        // On failure avformat_open_input frees the context (not our I/O context).
        let opened = AVResult(rawValue: avformat_open_input(&context, path, inputFormat, &options))
        av_dict_free(&options)
        guard !opened.isError, let context else {
            throw DecodeError(code: .notMedia, file: path,
                              reason: "not a media file FFmpeg can read (\(opened.message))")
        }
        pointer = context
        let probed = AVResult(rawValue: avformat_find_stream_info(context, nil))
        if probed.isError {
            throw DecodeError(code: .notMedia, file: path, reason: "cannot read stream information (\(probed.message))")
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }

    var streamCount: Int { Int(pointer.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        pointer.pointee.streams[index]!
    }
}

@available(*, unavailable)
extension InputFormat: Sendable {}

/// Owns an `AVCodecContext` opened for decoding one stream; freed with `avcodec_free_context`.
final class Decoder {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let streamIndex: Int
    let timeBase: AVRational

    /// - Parameter maxPixels: the decoder refuses frames larger than this, also when a stream changes its size
    ///   mid-way (the check at opening sees only the header).
    init(format: InputFormat, streamIndex: Int, file: String, maxPixels: Int = 8192 * 8192) throws(DecodeError) {
        let stream = format.stream(streamIndex)
        let parameters = stream.pointee.codecpar!
        let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw DecodeError(code: .unsupportedCodec, file: file, reason: "no decoder for codec '\(codecName)'")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw DecodeError(code: .outOfMemory, file: file, reason: "cannot allocate a decoder for '\(codecName)'")
        }
        pointer = context
        self.streamIndex = streamIndex
        timeBase = stream.pointee.time_base
        var result = AVResult(rawValue: avcodec_parameters_to_context(context, parameters))
        if result.isError {
            throw DecodeError(code: .unsupportedCodec, file: file,
                              reason: "bad parameters for codec '\(codecName)' (\(result.message))")
        }
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = 1
        context.pointee.max_pixels = Int64(maxPixels)
        result = AVResult(rawValue: avcodec_open2(context, codec, nil))
        if result.isError {
            throw DecodeError(code: .unsupportedCodec, file: file,
                              reason: "cannot open decoder for '\(codecName)' (\(result.message))")
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    /// Sends a packet (or nil to flush). EAGAIN is returned as `.needsInput` never happens here because we always
    /// drain frames after each send; an error is returned to the caller to count.
    func send(_ packet: Packet?) -> AVResult {
        AVResult(rawValue: avcodec_send_packet(pointer, packet?.pointer))
    }

    /// Receives the next decoded frame into `frame`.
    func receive(into frame: Frame) -> (LoopState, AVResult) {
        let result = AVResult(rawValue: avcodec_receive_frame(pointer, frame.pointer))
        if result == .again { return (.needsInput, result) }
        if result == .eof { return (.finished, result) }
        if result.isError { return (.finished, result) }
        return (.ready, result)
    }

    func seconds(_ timestamp: Int64) -> Double? {
        guard timestamp != DEBRIEF_AV_NOPTS_VALUE else { return nil }
        return Double(timestamp) * av_q2d(timeBase)
    }
}

@available(*, unavailable)
extension Decoder: Sendable {}

/// Owns an `AVFrame`; freed with `av_frame_free`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init(file: String) throws(DecodeError) {
        guard let frame = av_frame_alloc() else {
            throw DecodeError(code: .outOfMemory, file: file, reason: "cannot allocate a frame")
        }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}

@available(*, unavailable)
extension Frame: Sendable {}

/// Owns an `AVPacket`; freed with `av_packet_free`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init(file: String) throws(DecodeError) {
        guard let packet = av_packet_alloc() else {
            throw DecodeError(code: .outOfMemory, file: file, reason: "cannot allocate a packet")
        }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    func unref() { av_packet_unref(pointer) }
}

@available(*, unavailable)
extension Packet: Sendable {}

/// Owns a `SwrContext` converting one input layout/format/rate to 16 kHz mono Float32; freed with `swr_free`.
final class Resampler {
    let pointer: OpaquePointer
    let inputRate: Int32
    let inputFormat: Int32
    let inputChannels: Int32

    /// Output channels: 1 (the analysis mix), or the input's own two channels untouched (`keepChannels`).
    let outputChannels: Int

    /// - Parameter keepChannels: keep a two-channel input's channels apart (no remix), for telling the channels'
    ///   voices apart; otherwise mix to mono.
    init(for frame: UnsafeMutablePointer<AVFrame>, file: String, keepChannels: Bool = false) throws(DecodeError) {
        var output = AVChannelLayout()
        if keepChannels {
            _ = av_channel_layout_copy(&output, &frame.pointee.ch_layout)
        } else {
            av_channel_layout_default(&output, 1)
        }
        outputChannels = Int(output.nb_channels)
        var context: OpaquePointer? = nil
        let created = withUnsafeMutablePointer(to: &frame.pointee.ch_layout) { inputLayout in
            AVResult(rawValue: swr_alloc_set_opts2(
                &context, &output, AV_SAMPLE_FMT_FLT, Int32(analysisSampleRateC),
                inputLayout, AVSampleFormat(rawValue: frame.pointee.format), frame.pointee.sample_rate, 0, nil))
        }
        av_channel_layout_uninit(&output)
        guard !created.isError, let context else {
            throw DecodeError(code: .unsupportedCodec, file: file,
                              reason: "cannot convert this audio to 16 kHz mono (\(created.message))")
        }
        pointer = context
        inputRate = frame.pointee.sample_rate
        inputFormat = frame.pointee.format
        inputChannels = frame.pointee.ch_layout.nb_channels
        let initialised = AVResult(rawValue: swr_init(context))
        if initialised.isError {
            throw DecodeError(code: .unsupportedCodec, file: file,
                              reason: "cannot convert this audio to 16 kHz mono (\(initialised.message))")
        }
    }

    deinit {
        var context: OpaquePointer? = pointer
        swr_free(&context)
    }

    func matches(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        frame.pointee.sample_rate == inputRate && frame.pointee.format == inputFormat
            && frame.pointee.ch_layout.nb_channels == inputChannels
    }

    /// Converts `frame` (or flushes the delay line when nil), appending the output to `output`.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>?, appendingTo output: inout [Float]) -> AVResult {
        let inputCount = frame?.pointee.nb_samples ?? 0
        let capacity = Int(swr_get_out_samples(pointer, inputCount)) + 32
        guard capacity > 0 else { return AVResult(rawValue: 0) }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: capacity * outputChannels))
        let converted: Int32 = output.withUnsafeMutableBufferPointer { buffer in
            var destination: UnsafeMutablePointer<UInt8>? =
                UnsafeMutableRawPointer(buffer.baseAddress! + start).assumingMemoryBound(to: UInt8.self)
            return withUnsafeMutablePointer(to: &destination) { destinations in
                if let frame {
                    return swr_convert(pointer, destinations, Int32(capacity),
                                       debrief_frame_extended_data(frame), frame.pointee.nb_samples)
                }
                return swr_convert(pointer, destinations, Int32(capacity), nil, 0)
            }
        }
        output.removeLast((capacity - max(0, Int(converted))) * outputChannels)
        return AVResult(rawValue: min(converted, 0))
    }
}

@available(*, unavailable)
extension Resampler: Sendable {}

/// Owns a `SwsContext` scaling one source size/format to a small 8-bit grayscale plane; freed with `sws_freeContext`.
final class Scaler {
    let pointer: OpaquePointer
    let sourceWidth: Int32
    let sourceHeight: Int32
    let sourceFormat: Int32
    let width: Int
    let height: Int

    /// - Parameter quarterTurns: how the picture will be turned for display; the *displayed* width is held to
    ///   `maxWidth` (a portrait phone video turned a quarter is as wide as its coded height).
    init(for frame: UnsafeMutablePointer<AVFrame>, maxWidth: Int, quarterTurns: Int, file: String) throws(DecodeError) {
        sourceWidth = frame.pointee.width
        sourceHeight = frame.pointee.height
        sourceFormat = frame.pointee.format
        guard sourceWidth > 0, sourceHeight > 0 else {
            throw DecodeError(code: .corrupt, file: file, reason: "video frame has no size")
        }
        let displayedWidth = quarterTurns % 2 == 1 ? sourceHeight : sourceWidth
        let scale = min(1.0, Double(maxWidth) / Double(displayedWidth))
        width = max(1, Int((Double(sourceWidth) * scale).rounded()))
        height = max(1, Int((Double(sourceHeight) * scale).rounded()))
        guard let context = sws_getContext(sourceWidth, sourceHeight, AVPixelFormat(rawValue: sourceFormat),
                                           Int32(width), Int32(height), AV_PIX_FMT_GRAY8,
                                           SWS_AREA, nil, nil, nil) else {
            throw DecodeError(code: .unsupportedCodec, file: file,
                              reason: "cannot scale video frames of pixel format \(sourceFormat)")
        }
        pointer = context
    }

    deinit { sws_freeContext(pointer) }

    func matches(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        frame.pointee.width == sourceWidth && frame.pointee.height == sourceHeight && frame.pointee.format == sourceFormat
    }

    /// Scales `frame` into a new grayscale plane of `width × height` bytes (stride == width).
    func scale(_ frame: UnsafeMutablePointer<AVFrame>) -> [UInt8]? {
        var plane = [UInt8](repeating: 0, count: width * height)
        let rows: Int32 = plane.withUnsafeMutableBufferPointer { buffer in
            var destinations: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(width), 0, 0, 0]
            return sws_scale(pointer, debrief_frame_data(frame), debrief_frame_linesize(frame), 0, sourceHeight,
                             &destinations, &strides)
        }
        return rows > 0 ? plane : nil
    }
}

@available(*, unavailable)
extension Scaler: Sendable {}

let analysisSampleRateC = 16_000
