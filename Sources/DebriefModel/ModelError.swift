/// Why a competency model could not be loaded, with the file, line and key at fault.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let syntax = Code(rawValue: "syntax")
        public static let missingKey = Code(rawValue: "missing-key")
        public static let wrongType = Code(rawValue: "wrong-type")
        public static let invalidValue = Code(rawValue: "invalid-value")
        public static let unknownModel = Code(rawValue: "unknown-model")
        public static let unreadable = Code(rawValue: "unreadable")
        /// Past a limit on outside input (size, nesting, aliases): refused before it is parsed.
        public static let tooLarge = Code(rawValue: "too-large")
    }

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
