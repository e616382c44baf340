/// A stable code of an error or a warning: what programs and tests act on, beside the sentence people read. One
/// type per domain (`StableCode<DecodeError>`, `StableCode<AnalysisWarning>`, …), so codes of different domains
/// never mix; each domain lists its codes in an extension, and can grow them without breaking callers.
public struct StableCode<Domain>: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
