import DebriefModel

/// Why a recording could not be decoded, naming the file and the reason.
public typealias DecodeError = FileError<DecodeProblem>

/// The domain of `DecodeError`'s codes.
public enum DecodeProblem {}

extension StableCode where Domain == DecodeProblem {
    public static let missing = Self("missing"), empty = Self("empty"), unreadable = Self("unreadable"),
        notMedia = Self("not-media"), noStreams = Self("no-streams"), unsupportedCodec = Self("unsupported-codec"),
        corrupt = Self("corrupt"), outOfMemory = Self("out-of-memory"), tooLarge = Self("too-large")
}

/// Bounds that keep a hostile file from making FFmpeg probe, allocate or decode without limit.
public struct DecodeLimits: Sendable {
    public var probeBytes = 10_000_000
    public var analyzeMicroseconds = 10_000_000
    public var maxStreams = 64
    /// Frames larger than this (pixels) are refused rather than scaled.
    public var maxFramePixels = 8192 * 8192
    /// Packets larger than this are skipped and counted as decode errors (no real audio or video packet comes near).
    public var maxPacketBytes: Int32 = 64 << 20

    public init() {}
}

/// Headerless input: 16-bit little-endian mono PCM at a given rate (FFmpeg's `s16le` demuxer).
public struct RawPCM: Sendable, Equatable {
    public var sampleRate: Int
    public init(sampleRate: Int) { self.sampleRate = sampleRate }
}
