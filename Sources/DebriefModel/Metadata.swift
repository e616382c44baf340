/// Sidecar metadata dropped beside a recording (`NAME.json` or `NAME.yaml`).
public struct RecordingMetadata: Sendable, Codable, Equatable {
    public var candidate: String?
    public var model: String?
    public var language: Language?
    public var source: String?
    /// The interview's question timeline: each answer's span in the recording.
    public var questions: [Question]
    /// The candidate's résumé: inline text, or a .txt/.md file (relative to the metadata file), for the two-way
    /// check of claimed and shown skills (双向校验).
    public var resume: String?
    public var resumeFile: String?
    /// Which transcript speaker is the candidate (and which the interviewers), when the metadata says.
    public var speakers: SpeakerAssignment?

    public struct Question: Sendable, Codable, Equatable {
        public var id: String
        public var text: String?
        public var start: Double
        public var end: Double

        public init(id: String, text: String?, start: Double, end: Double) {
            self.id = id
            self.text = text
            self.start = start
            self.end = end
        }
    }

    public init(candidate: String? = nil, model: String? = nil, language: Language? = nil, source: String? = nil,
                questions: [Question] = []) {
        self.candidate = candidate
        self.model = model
        self.language = language
        self.source = source
        self.questions = questions
    }
}

import Yams

extension RecordingMetadata {
    /// Parses a metadata file's bytes: UTF-8 text within `YAMLLimits.metadata`.
    public static func parse(data: [UInt8], file: String) throws(ModelError) -> RecordingMetadata {
        guard data.count <= YAMLLimits.metadata.bytes else {
            throw ModelError(code: .tooLarge, file: file, reason: "metadata larger than "
                + "\(YAMLLimits.metadata.bytes >> 10) KiB: refused unread")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ModelError(code: .syntax, file: file, reason: "metadata is not UTF-8 text")
        }
        return try parse(text: text, file: file)
    }

    /// Parses sidecar metadata (YAML, or JSON — a subset of YAML). Unknown keys are ignored for forward
    /// compatibility.
    /// - Throws: `ModelError` naming the sidecar file and what is wrong.
    public static func parse(text source: String, file: String) throws(ModelError) -> RecordingMetadata {
        guard let root = try YAMLDocument.compose(source, file: file, limits: .metadata, what: "metadata") else {
            return RecordingMetadata()
        }
        let reader = NodeReader(file: file)
        let map: Node.Mapping
        map = try reader.mapping(root, key: "(top level)")
        func text(_ key: String) throws(ModelError) -> String? {
            return try reader.optionalString(map, key)
        }
        var metadata = RecordingMetadata(candidate: try text("candidate"), model: try text("model"),
                                         source: try text("source"))
        if map["speakers"] != nil {
            let entry = try reader.mapping(map, "speakers")
            var assignment = SpeakerAssignment(candidate: try reader.optionalString(entry, "candidate", path: "speakers"))
            if let node = entry["interviewer"] ?? entry["interviewers"] {
                if node.scalar != nil {
                    assignment.interviewers = [try reader.string(entry, entry["interviewer"] != nil ? "interviewer"
                                                                 : "interviewers", path: "speakers")]
                } else {
                    assignment.interviewers = try reader.stringList(entry, entry["interviewer"] != nil ? "interviewer"
                                                                    : "interviewers", path: "speakers")
                }
            }
            metadata.speakers = assignment
        }
        metadata.resume = try text("resume")
        metadata.resumeFile = try text("resumeFile")
        if let language = try text("language") {
            guard let parsed = Language(rawValue: language.lowercased()), parsed == .en || parsed == .zh else {
                throw ModelError(code: .invalidValue, file: file, line: map["language"]?.mark?.line, key: "language",
                                 reason: "must be 'en' or 'zh', found '\(language)'")
            }
            metadata.language = parsed
        }
        if map["questions"] != nil {
            let nodes = try reader.sequence(map, "questions")
            var questions: [Question] = []
            for (index, node) in nodes.enumerated() {
                let path = "questions[\(index)]"
                let entry = try reader.mapping(node, key: path)
                let start = try time(reader, entry, "start", path: path)
                let end = try time(reader, entry, "end", path: path)
                guard end > start else {
                    throw ModelError(code: .invalidValue, file: file, line: entry["end"]?.mark?.line, key: "\(path).end",
                                     reason: "must be after start (\(start) s), found \(end) s")
                }
                if let previous = questions.last, start < previous.end {
                    throw ModelError(code: .invalidValue, file: file, line: entry["start"]?.mark?.line,
                                     key: "\(path).start", reason: "overlaps the previous question, which ends at \(previous.end) s")
                }
                let id = entry["id"] == nil ? "q\(index + 1)" : try reader.string(entry, "id", path: path)
                questions.append(Question(id: id, text: try reader.optionalString(entry, "text", path: path),
                                          start: start, end: end))
            }
            metadata.questions = questions
        }
        return metadata
    }

    /// Seconds, or a clock time `mm:ss(.fff)` / `hh:mm:ss(.fff)`.
    private static func time(_ reader: NodeReader, _ map: Node.Mapping, _ key: String, path: String)
        throws(ModelError) -> Double {
        let node = map[key]
        if let node, let seconds = node.float ?? node.int.map(Double.init), seconds.isFinite, seconds >= 0 {
            return seconds
        }
        let text = try reader.string(map, key, path: path)
        var total = 0.0
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        for field in fields {
            guard fields.count <= 3, let value = Double(field), value >= 0 else {
                throw ModelError(code: .wrongType, file: reader.file, line: node?.mark?.line, key: "\(path).\(key)",
                                 reason: "expected seconds or mm:ss, found '\(text)'")
            }
            total = total * 60 + value
        }
        return total
    }
}
