/// Sidecar metadata dropped beside a recording (`NAME.json` or `NAME.yaml`).
public struct RecordingMetadata: Sendable, Codable, Equatable {
    public var candidate: String?
    public var model: String?
    public var language: Language?
    public var source: String?

    public init(candidate: String? = nil, model: String? = nil, language: Language? = nil, source: String? = nil) {
        self.candidate = candidate
        self.model = model
        self.language = language
        self.source = source
    }
}

import Yams

extension RecordingMetadata {
    /// Parses sidecar metadata (YAML, or JSON — a subset of YAML). Unknown keys are ignored for forward
    /// compatibility.
    /// - Throws: `ModelError` naming the sidecar file and what is wrong.
    public static func parse(text source: String, file: String) throws(ModelError) -> RecordingMetadata {
        let root: Node?
        do {
            root = try Yams.compose(yaml: source)
        } catch let error as YamlError {
            throw ModelError(code: .syntax, file: file, line: error.line, reason: "malformed metadata: \(error.problem)")
        } catch {
            throw ModelError(code: .syntax, file: file, reason: "malformed metadata: \(error)")
        }
        guard let root else { return RecordingMetadata() }
        let reader = NodeReader(file: file)
        let map: Node.Mapping
        map = try reader.mapping(root, key: "(top level)")
        func text(_ key: String) throws(ModelError) -> String? {
            return try reader.optionalString(map, key)
        }
        var metadata = RecordingMetadata(candidate: try text("candidate"), model: try text("model"),
                                         source: try text("source"))
        if let language = try text("language") {
            guard let parsed = Language(rawValue: language.lowercased()), parsed == .en || parsed == .zh else {
                throw ModelError(code: .invalidValue, file: file, line: map["language"]?.mark?.line, key: "language",
                                 reason: "must be 'en' or 'zh', found '\(language)'")
            }
            metadata.language = parsed
        }
        return metadata
    }
}
