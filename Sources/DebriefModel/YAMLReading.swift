import Yams

/// Composes YAML that came from outside: checked against `limits` first (no node is built for a bomb), then parsed
/// by Yams with its errors turned into `ModelError`s with a line.
enum YAMLDocument {
    static func compose(_ text: String, file: String, limits: YAMLLimits, what: String) throws(ModelError) -> Node? {
        try YAMLGuard.check(text, file: file, limits: limits)
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ModelError(code: .syntax, file: file, line: error.line, reason: "malformed \(what): \(error.problem)")
        } catch {
            throw ModelError(code: .syntax, file: file, reason: "malformed \(what): \(error)")
        }
    }
}

extension Double {
    var formatted3: String {
        let scaled = (self * 1000).rounded() / 1000
        return String(scaled)
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        default: return nil
        }
    }

    var problem: String {
        switch self {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _),
             let .composer(context, problem, _, _):
            return (context.map { "\($0.text) " } ?? "") + problem
        case let .reader(problem, _, _, _): return problem
        default: return "\(self)"
        }
    }
}

/// Reads typed values out of a composed YAML tree, turning every mismatch into a `ModelError` with its line.
struct NodeReader {
    let file: String

    func error(_ code: ModelError.Code, _ node: Node?, _ key: String, _ reason: String) -> ModelError {
        ModelError(code: code, file: file, line: node?.mark?.line, key: key, reason: reason)
    }

    func mapping(_ node: Node, key: String) throws(ModelError) -> Node.Mapping {
        guard let map = node.mapping else {
            throw error(.wrongType, node, key, "expected a mapping of keys to values")
        }
        return map
    }

    private func required(_ map: Node.Mapping, _ key: String, path: String?) throws(ModelError) -> Node {
        guard let node = map[key] else {
            let full = path.map { "\($0).\(key)" } ?? key
            throw ModelError(code: .missingKey, file: file, line: map.mark?.line, key: full, reason: "is required")
        }
        return node
    }

    private func full(_ key: String, _ path: String?) -> String { path.map { "\($0).\(key)" } ?? key }

    func mapping(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> Node.Mapping {
        try mapping(try required(map, key, path: path), key: full(key, path))
    }

    func string(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> String {
        let node = try required(map, key, path: path)
        guard let scalar = node.scalar else { throw error(.wrongType, node, full(key, path), "expected text") }
        let text = scalar.string.trimmingWhitespace
        guard !text.isEmpty else { throw error(.invalidValue, node, full(key, path), "must not be empty") }
        return text
    }

    func optionalString(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> String? {
        guard map[key] != nil else { return nil }
        return try string(map, key, path: path)
    }

    func identifier(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> String {
        let value = try string(map, key, path: path)
        let allowed = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard allowed else {
            throw error(.invalidValue, map[key], full(key, path),
                        "must use only lowercase letters, digits, '-' and '_', found '\(value)'")
        }
        return value
    }

    func int(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> Int {
        let node = try required(map, key, path: path)
        guard let value = node.int else { throw error(.wrongType, node, full(key, path), "expected an integer") }
        return value
    }

    func double(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> Double {
        let node = try required(map, key, path: path)
        if let value = node.float { return value }
        if let value = node.int { return Double(value) }
        throw error(.wrongType, node, full(key, path), "expected a number")
    }

    func sequence(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> [Node] {
        let node = try required(map, key, path: path)
        guard let items = node.sequence else { throw error(.wrongType, node, full(key, path), "expected a list") }
        return Array(items)
    }

    /// `key: {name: number, ...}`; empty when the key is absent. Each value comes with the node of its name.
    func optionalNumberMap(_ map: Node.Mapping, _ key: String, path: String) throws(ModelError)
        -> [String: (value: Double, node: Node)] {
        guard map[key] != nil else { return [:] }
        var result: [String: (value: Double, node: Node)] = [:]
        for (name, _) in try mapping(map, key, path: path) {
            guard let text = name.string, !text.isEmpty else {
                throw error(.wrongType, name, "\(path).\(key)", "expected feature names as keys")
            }
            let value = try double(try mapping(map, key, path: path), text, path: "\(path).\(key)")
            guard value.isFinite else {
                throw error(.invalidValue, name, "\(path).\(key).\(text)", "must be a finite number")
            }
            result[text] = (value, name)
        }
        return result
    }

    func optionalBool(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> Bool? {
        guard let node = map[key] else { return nil }
        guard let value = node.bool else { throw error(.wrongType, node, full(key, path), "expected true or false") }
        return value
    }

    func optionalSequence(_ map: Node.Mapping, _ key: String, path: String? = nil) throws(ModelError) -> [Node]? {
        guard map[key] != nil else { return nil }
        return try sequence(map, key, path: path)
    }

    /// `key: {en: [...], zh: [...]}` with either language optional; empty when the key is absent.
    func optionalLanguageLists(_ map: Node.Mapping, _ key: String, path: String) throws(ModelError) -> [String: [String]] {
        guard map[key] != nil else { return [:] }
        let languages = try mapping(map, key, path: path)
        var result: [String: [String]] = [:]
        for (name, _) in languages {
            guard let language = name.string, ["en", "zh"].contains(language) else {
                throw error(.invalidValue, name, "\(path).\(key)", "languages are 'en' and 'zh', found '\(name.string ?? "?")'")
            }
            result[language] = try stringList(languages, language, path: "\(path).\(key)")
        }
        return result
    }

    func stringList(_ map: Node.Mapping, _ key: String, path: String) throws(ModelError) -> [String] {
        try sequence(map, key, path: path).enumerated().map { (index, node) throws(ModelError) -> String in
            guard let scalar = node.scalar, !scalar.string.trimmingWhitespace.isEmpty else {
                throw error(.wrongType, node, "\(path).\(key)[\(index)]", "expected non-empty text")
            }
            return scalar.string.trimmingWhitespace
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    public var trimmingWhitespace: String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
