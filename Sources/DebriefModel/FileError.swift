/// Why a file could not be used: a stable code, the file, where in it (line, key) when known, and the reason, said
/// in one line (`Models/x.yaml:7: dimensions[0].weight: must be in (0, 1], found 1.6`). One type per domain —
/// `ModelError` (models and metadata), `DecodeError` (recordings), `TranscriptError` (transcripts) — so a caller
/// always knows which kind of problem it holds.
public struct FileError<Domain>: Error, Sendable, Equatable, CustomStringConvertible {
    public typealias Code = StableCode<Domain>

    public var code: Code
    public var file: String
    public var line: Int?
    public var key: String?
    public var reason: String

    public init(code: Code, file: String, line: Int? = nil, key: String? = nil, reason: String) {
        self.code = code
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let key { return "\(location): \(key): \(reason)" }
        return "\(location): \(reason)"
    }
}
