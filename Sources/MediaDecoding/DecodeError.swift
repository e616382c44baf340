/// Why a recording could not be decoded, naming the file and the reason.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let missing = Code(rawValue: "missing")
        public static let empty = Code(rawValue: "empty")
        public static let unreadable = Code(rawValue: "unreadable")
        public static let notMedia = Code(rawValue: "not-media")
        public static let noStreams = Code(rawValue: "no-streams")
        public static let unsupportedCodec = Code(rawValue: "unsupported-codec")
        public static let corrupt = Code(rawValue: "corrupt")
        public static let outOfMemory = Code(rawValue: "out-of-memory")
        public static let tooLarge = Code(rawValue: "too-large")
    }

    public var code: Code
    public var file: String
    public var reason: String

    public init(code: Code, file: String, reason: String) {
        self.code = code
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
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
