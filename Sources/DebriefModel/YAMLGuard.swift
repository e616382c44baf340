import CYaml

/// Hard limits on YAML (and JSON, a subset) that comes from outside: metadata sidecars, uploaded metadata,
/// competency models. Checked on libyaml's event stream before any node is built, because Yams builds the whole node
/// graph first and its duplicate-key check hashes aliased structures in full — a 688-byte file of nested aliases
/// expands to 10¹² nodes and never finishes.
public struct YAMLLimits: Sendable, Equatable {
    /// The largest document, in bytes.
    public var bytes: Int
    /// The deepest nesting of sequences and mappings.
    public var depth: Int
    /// Alias uses (`*name`).
    public var aliases: Int
    /// Nodes of the document with every alias expanded to what it names.
    public var expandedNodes: Int

    public init(bytes: Int, depth: Int = 64, aliases: Int = 64, expandedNodes: Int = 200_000) {
        self.bytes = bytes
        self.depth = depth
        self.aliases = aliases
        self.expandedNodes = expandedNodes
    }

    /// A metadata sidecar: small by nature.
    public static let metadata = YAMLLimits(bytes: 1 << 20)
    /// A competency model.
    public static let model = YAMLLimits(bytes: 2 << 20)
}

/// Checks YAML text against `YAMLLimits` in one linear pass over libyaml's events: no node is built, an alias counts
/// as the size of what it names, and an alias used as a mapping key is refused outright (nothing Debrief reads
/// needs one, and it is how a key check is made to hash a bomb).
public enum YAMLGuard {
    /// - Throws: `ModelError` naming the file, the line and the limit that was passed. Syntax errors are left to
    ///   the parser that follows, which words them better.
    public static func check(_ text: String, file: String, limits: YAMLLimits) throws(ModelError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= limits.bytes else {
            throw ModelError(code: .tooLarge, file: file,
                             reason: "larger than \(limits.bytes >> 10) KiB (\(bytes.count >> 10) KiB): refused unread")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        try bytes.withUnsafeBufferPointer { buffer throws(ModelError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            try walk(&parser, file: file, limits: limits)
        }
    }

    private struct Frame {
        var mapping: Bool
        var anchor: String?
        var size = 1
        /// In a mapping: the next node is a key.
        var expectingKey = true
    }

    private static func walk(_ parser: inout yaml_parser_t, file: String, limits: YAMLLimits) throws(ModelError) {
        var stack: [Frame] = []
        var anchorSizes: [String: Int] = [:]
        var aliases = 0
        var total = 0
        func refuse(_ line: Int, _ reason: String) -> ModelError {
            ModelError(code: .tooLarge, file: file, line: line, reason: reason)
        }
        func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
        /// Counts `size` more nodes of the expanded document.
        func count(_ size: Int, line: Int) throws(ModelError) {
            total = min(total + size, limits.expandedNodes + 1)
            guard total <= limits.expandedNodes else {
                throw refuse(line, "expands to more than \(limits.expandedNodes) nodes (aliases of aliases): refused")
            }
        }
        /// A node of `size` (expanded) is complete: it belongs to its parent.
        func completed(_ size: Int) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].size = min(stack[stack.count - 1].size + size, limits.expandedNodes + 1)
            if stack[stack.count - 1].mapping { stack[stack.count - 1].expectingKey.toggle() }
        }
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                // libyaml's own nesting limit: the same refusal as ours, said the same way.
                if let problem = parser.problem, String(cString: problem).lowercased().contains("nesting") {
                    throw refuse(Int(parser.problem_mark.line) + 1, "nests deeper than \(limits.depth) levels: refused")
                }
                return
            }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                if let anchor = anchorName(event.data.scalar.anchor) { anchorSizes[anchor] = 1 }
                try count(1, line: line)
                completed(1)
            case YAML_ALIAS_EVENT:
                aliases += 1
                guard aliases <= limits.aliases else {
                    throw refuse(line, "uses more than \(limits.aliases) aliases: refused")
                }
                if let parent = stack.last, parent.mapping, parent.expectingKey {
                    throw refuse(line, "uses an alias as a mapping key: refused")
                }
                guard let name = anchorName(event.data.alias.anchor), let size = anchorSizes[name] else { return }
                try count(size, line: line)
                completed(size)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let mapping = event.type == YAML_MAPPING_START_EVENT
                guard stack.count < limits.depth else {
                    throw refuse(line, "nests deeper than \(limits.depth) levels: refused")
                }
                try count(1, line: line)
                stack.append(Frame(mapping: mapping, anchor: anchorName(mapping ? event.data.mapping_start.anchor
                    : event.data.sequence_start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return }
                if let anchor = frame.anchor { anchorSizes[anchor] = frame.size }
                completed(frame.size)
            default:
                continue
            }
        }
    }
}
