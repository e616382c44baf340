import DebriefModel
import MediaDecoding
import Transcripts

/// Why a recording could not be analysed: one line naming the file and the reason.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    public typealias Code = StableCode<AnalysisError>

    public var code: Code
    /// The full message, already naming the file: "path: reason".
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ error: DecodeError) { self.init(code: .decode, message: error.description) }
    public init(_ error: TranscriptError) { self.init(code: .transcript, message: error.description) }
    public init(_ error: ModelError) { self.init(code: .model, message: error.description) }

    public var description: String { message }

    /// Whether trying again later may succeed (a recogniser down, a crash or time-out that may have been the
    /// machine's); a corrupt file, a broken model or metadata will fail the same way every time.
    public var isTransient: Bool { [.recognizer, .crashed, .timeout].contains(code) }
}

extension StableCode where Domain == AnalysisError {
    public static let input = Self("input"), decode = Self("decode"), transcript = Self("transcript"),
        model = Self("model"), metadata = Self("metadata")
    /// The speech recogniser failed or was unreachable (`--asr always`).
    public static let recognizer = Self("recognizer")
    /// The analysis process died (a signal, or the memory cap).
    public static let crashed = Self("crashed")
    /// The analysis ran past its wall-clock limit and was stopped.
    public static let timeout = Self("timeout")
}
