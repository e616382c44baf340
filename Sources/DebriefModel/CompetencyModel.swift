import Yams

/// A job's competency model: what the interview should show, and how much each part weighs.
///
/// Loaded from one YAML file per job in `Models/`. The skeleton keys (`id`, `version`, `title`, `dimensions[].{id,
/// name, weight, keywords.{en,zh}}`) are a contract; later keys are added, never renamed.
public struct CompetencyModel: Sendable, Codable, Equatable {
    public var id: String
    public var version: Int
    public var title: String
    public var titleZh: String?
    public var dimensions: [Dimension]
    /// The job description (English and Chinese), used to catch answers that copy it.
    public var description: String?
    public var descriptionZh: String?
    /// Score thresholds, highest first. The first level whose `min` the overall score reaches is the candidate's.
    public var levels: [Level]
    /// Salary bands by overall score, highest first (none: no band is reported).
    public var salaryBands: [SalaryBand] = []
    /// AI/HR blend weights and the discrepancy flag (default AI 40 %, HR 60 %, flag above 20 points).
    public var blend: ScoreBlend = .standard
    /// Voice and camera descriptors may carry weight in scores only when this is true (default false: they are
    /// reported, never weighed).
    public var deliveryOptIn = false
    /// Norms of features measured on this job's candidates, overriding the layout's defaults (versioned with the
    /// model: change them, bump `version`).
    public var norms: [String: FeatureNorm] = [:]

    public struct Dimension: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String?
        public var weight: Double
        /// Keywords per language (`en`, `zh`), matched on normalised text.
        public var keywords: [String: [String]]
        /// More words for the same skill, per language; matched like keywords.
        public var synonyms: [String: [String]]
        /// Implied-skill patterns per language ("led a (team|group) of {n}", "带着*{n}个"): `*` is a short gap,
        /// `{n}` a number, `(a|b)` alternatives; everything else is matched as words (English, by stem) or
        /// characters (Chinese).
        public var patterns: [String: [String]]
        /// Behavioural indicators: what a candidate who has the skill does, each with its own terms.
        public var indicators: [Indicator]
        /// Score levels of this competency, highest first (优秀/良好/一般/不合格 by default).
        public var levels: [DimensionLevel]
        /// More feature columns this competency's score uses, with their weights (`star.result: 0.3`). The
        /// competency's own evidence column (`content.<id>`) has weight 1 unless given here.
        public var uses: [String: Double] = [:]
        /// The ideal candidate's score on this competency (0–100) for the match percentage; by default the ideal
        /// profile has the shape of the weights.
        public var target: Double?

        public init(id: String, name: String, nameZh: String? = nil, weight: Double, keywords: [String: [String]],
                    synonyms: [String: [String]] = [:], patterns: [String: [String]] = [:],
                    indicators: [Indicator] = [], levels: [DimensionLevel] = DimensionLevel.defaults) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.weight = weight
            self.keywords = keywords
            self.synonyms = synonyms
            self.patterns = patterns
            self.indicators = indicators
            self.levels = levels
        }

        /// Every matching term of the dimension per language: keywords, synonyms and indicator keywords, each with
        /// the indicator it belongs to.
        public func terms(_ language: String) -> [(term: String, indicator: String?)] {
            var result = (keywords[language] ?? []).map { ($0, String?.none) }
            result += (synonyms[language] ?? []).map { ($0, String?.none) }
            for indicator in indicators {
                result += (indicator.keywords[language] ?? []).map { ($0, Optional(indicator.id)) }
            }
            return result
        }

        /// The level of a score on this dimension's scale.
        public func level(for score: Double) -> DimensionLevel {
            levels.first { score >= $0.min } ?? levels[levels.count - 1]
        }
    }

    /// A behavioural indicator of a competency ("breaks a problem down and tests hypotheses").
    public struct Indicator: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String?
        public var keywords: [String: [String]]

        public init(id: String, name: String, nameZh: String? = nil, keywords: [String: [String]]) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.keywords = keywords
        }
    }

    /// A level of one competency's score.
    public struct DimensionLevel: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String
        public var min: Double

        public init(id: String, name: String, nameZh: String, min: Double) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.min = min
        }

        public static let defaults: [DimensionLevel] = [
            DimensionLevel(id: "excellent", name: "Excellent", nameZh: "优秀", min: 80),
            DimensionLevel(id: "good", name: "Good", nameZh: "良好", min: 60),
            DimensionLevel(id: "fair", name: "Fair", nameZh: "一般", min: 40),
            DimensionLevel(id: "poor", name: "Poor", nameZh: "不合格", min: 0),
        ]
    }

    public struct Level: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String
        public var min: Double
        /// The next step HR should take at this level, in plain words (English and Chinese).
        public var recommendation: String
        public var recommendationZh: String?

        public init(id: String, name: String, nameZh: String, min: Double, recommendation: String,
                    recommendationZh: String? = nil) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.min = min
            self.recommendation = recommendation
            self.recommendationZh = recommendationZh
        }
    }

    /// Levels used when a model gives none (优秀/良好/一般/不合格).
    public static let defaultLevels: [Level] = [
        Level(id: "excellent", name: "Excellent", nameZh: "优秀", min: 80,
              recommendation: "Strong evidence across the job's competencies: advance to the next round.",
              recommendationZh: "各项岗位能力证据充分：建议进入下一轮。"),
        Level(id: "good", name: "Good", nameZh: "良好", min: 60,
              recommendation: "Solid evidence: advance, and probe the weaker competencies in the next round.",
              recommendationZh: "证据较充分：建议进入下一轮，并重点考察较弱的能力。"),
        Level(id: "fair", name: "Fair", nameZh: "一般", min: 40,
              recommendation: "Partial evidence: review the recording before deciding; consider a follow-up interview.",
              recommendationZh: "证据不完整：决定前请复看录像，可考虑补充面试。"),
        Level(id: "poor", name: "Poor", nameZh: "不合格", min: 0,
              recommendation: "Little evidence of the job's competencies in this interview: review before rejecting.",
              recommendationZh: "本次面试中岗位能力证据很少：淘汰前请先复看。"),
    ]

    public init(id: String, version: Int, title: String, titleZh: String? = nil, dimensions: [Dimension],
                levels: [Level] = CompetencyModel.defaultLevels) {
        self.id = id
        self.version = version
        self.title = title
        self.titleZh = titleZh
        self.dimensions = dimensions
        self.levels = levels
    }

    /// The level an overall score falls in.
    public func level(for score: Double) -> Level {
        levels.first { score >= $0.min } ?? levels[levels.count - 1]
    }
}

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

extension CompetencyModel {
    /// Parses and validates a model from YAML text.
    /// - Parameters:
    ///   - yaml: the file's contents.
    ///   - file: the path shown in error messages.
    /// - Throws: `ModelError` naming the file, line and key of the first problem.
    public static func parse(yaml: String, file: String) throws(ModelError) -> CompetencyModel {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ModelError(code: .syntax, file: file, reason: "the file is empty")
            }
            root = node
        } catch let error as ModelError {
            throw error
        } catch let error as YamlError {
            throw ModelError(code: .syntax, file: file, line: error.line, reason: "malformed YAML: \(error.problem)")
        } catch {
            throw ModelError(code: .syntax, file: file, reason: "malformed YAML: \(error)")
        }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, key: "(top level)")
        let id = try reader.identifier(top, "id")
        let version = try reader.int(top, "version")
        guard version >= 1 else {
            throw reader.error(.invalidValue, top["version"], "version", "must be a positive integer, found \(version)")
        }
        let title = try reader.string(top, "title")
        let titleZh = try reader.optionalString(top, "titleZh")
        let dimensionNodes = try reader.sequence(top, "dimensions")
        guard !dimensionNodes.isEmpty else {
            throw reader.error(.invalidValue, top["dimensions"], "dimensions", "must list at least one dimension")
        }
        var dimensions: [Dimension] = []
        var seen = Set<String>()
        for (index, node) in dimensionNodes.enumerated() {
            let path = "dimensions[\(index)]"
            let map = try reader.mapping(node, key: path)
            let dimensionID = try reader.identifier(map, "id", path: path)
            guard seen.insert(dimensionID).inserted else {
                throw reader.error(.invalidValue, map["id"], "\(path).id", "duplicate dimension id '\(dimensionID)'")
            }
            let weight = try reader.double(map, "weight", path: path)
            guard weight.isFinite, weight > 0, weight <= 1 else {
                throw reader.error(.invalidValue, map["weight"], "\(path).weight", "must be in (0, 1], found \(weight)")
            }
            let keywordMap = try reader.mapping(map, "keywords", path: path)
            var keywords: [String: [String]] = [:]
            for language in ["en", "zh"] {
                let list = try reader.stringList(keywordMap, language, path: "\(path).keywords")
                guard !list.isEmpty else {
                    throw reader.error(.invalidValue, keywordMap[language], "\(path).keywords.\(language)",
                                       "must list at least one keyword")
                }
                keywords[language] = list
            }
            let synonyms = try reader.optionalLanguageLists(map, "synonyms", path: path)
            let patterns = try reader.optionalLanguageLists(map, "patterns", path: path)
            for (language, list) in patterns {
                for (index, pattern) in list.enumerated() {
                    if let problem = PatternSyntax.problem(in: pattern) {
                        throw reader.error(.invalidValue, map["patterns"], "\(path).patterns.\(language)[\(index)]",
                                           "\(problem) in '\(pattern)'")
                    }
                }
            }
            var indicators: [Indicator] = []
            for (index, node) in (try reader.optionalSequence(map, "indicators", path: path) ?? []).enumerated() {
                let indicatorPath = "\(path).indicators[\(index)]"
                let entry = try reader.mapping(node, key: indicatorPath)
                let indicatorKeywords = try reader.optionalLanguageLists(entry, "keywords", path: indicatorPath)
                guard !indicatorKeywords.isEmpty else {
                    throw ModelError(code: .missingKey, file: file, line: entry.mark?.line,
                                     key: "\(indicatorPath).keywords", reason: "is required (en and/or zh lists)")
                }
                indicators.append(Indicator(id: try reader.identifier(entry, "id", path: indicatorPath),
                                            name: try reader.string(entry, "name", path: indicatorPath),
                                            nameZh: try reader.optionalString(entry, "nameZh", path: indicatorPath),
                                            keywords: indicatorKeywords))
            }
            var dimensionLevels = DimensionLevel.defaults
            if let levelNodes = try reader.optionalSequence(map, "levels", path: path) {
                dimensionLevels = try levelNodes.enumerated().map { (index, node) throws(ModelError) -> DimensionLevel in
                    let levelPath = "\(path).levels[\(index)]"
                    let entry = try reader.mapping(node, key: levelPath)
                    let min = try reader.double(entry, "min", path: levelPath)
                    return DimensionLevel(id: try reader.identifier(entry, "id", path: levelPath),
                                          name: try reader.string(entry, "name", path: levelPath),
                                          nameZh: try reader.string(entry, "nameZh", path: levelPath), min: min)
                }
                guard !dimensionLevels.isEmpty,
                      zip(dimensionLevels, dimensionLevels.dropFirst()).allSatisfy({ $0.min > $1.min }),
                      dimensionLevels.last?.min == 0 else {
                    throw reader.error(.invalidValue, map["levels"], "\(path).levels",
                                       "must be ordered by strictly decreasing min and end with min 0")
                }
            }
            let uses = try reader.optionalNumberMap(map, "uses", path: path)
            var target: Double?
            if map["target"] != nil {
                let value = try reader.double(map, "target", path: path)
                guard value.isFinite, (0...100).contains(value) else {
                    throw reader.error(.invalidValue, map["target"], "\(path).target", "must be within 0…100, found \(value)")
                }
                target = value
            }
            var dimension = Dimension(
                id: dimensionID,
                name: try reader.string(map, "name", path: path),
                nameZh: try reader.optionalString(map, "nameZh", path: path),
                weight: weight,
                keywords: keywords,
                synonyms: synonyms,
                patterns: patterns,
                indicators: indicators,
                levels: dimensionLevels)
            dimension.uses = uses.mapValues(\.value)
            dimension.target = target
            dimensions.append(dimension)
        }
        let weightSum = dimensions.reduce(0) { $0 + $1.weight }
        guard abs(weightSum - 1) <= 0.001 else {
            throw reader.error(.invalidValue, top["dimensions"], "dimensions",
                               "weights must sum to 1, they sum to \(weightSum.formatted3)")
        }
        var levels = defaultLevels
        if let levelNodes = try reader.optionalSequence(top, "levels") {
            levels = try levelNodes.enumerated().map { (index, node) throws(ModelError) -> Level in
                let path = "levels[\(index)]"
                let map = try reader.mapping(node, key: path)
                let min = try reader.double(map, "min", path: path)
                guard (0...100).contains(min) else {
                    throw reader.error(.invalidValue, map["min"], "\(path).min", "must be within 0…100, found \(min)")
                }
                return Level(id: try reader.identifier(map, "id", path: path),
                             name: try reader.string(map, "name", path: path),
                             nameZh: try reader.string(map, "nameZh", path: path),
                             min: min,
                             recommendation: try reader.string(map, "recommendation", path: path),
                             recommendationZh: try reader.optionalString(map, "recommendationZh", path: path))
            }
            guard !levels.isEmpty else {
                throw reader.error(.invalidValue, top["levels"], "levels", "must list at least one level")
            }
            guard zip(levels, levels.dropFirst()).allSatisfy({ $0.min > $1.min }), levels.last?.min == 0 else {
                throw reader.error(.invalidValue, top["levels"], "levels",
                                   "must be ordered by strictly decreasing min and end with min 0")
            }
        }
        var model = CompetencyModel(id: id, version: version, title: title, titleZh: titleZh,
                                    dimensions: dimensions, levels: levels)
        model.description = try reader.optionalString(top, "description")
        model.descriptionZh = try reader.optionalString(top, "descriptionZh")
        try readScoringSettings(into: &model, top: top, reader: reader, dimensionNodes: dimensionNodes)
        return model
    }
}

extension CompetencyModel {
    /// Reads `deliveryOptIn`, `blend`, `salaryBands`, `norms` and checks every dimension's `uses`.
    fileprivate static func readScoringSettings(into model: inout CompetencyModel, top: Node.Mapping,
                                                reader: NodeReader, dimensionNodes: [Node]) throws(ModelError) {
        model.deliveryOptIn = try reader.optionalBool(top, "deliveryOptIn") ?? false
        let dimensionIDs = Set(model.dimensions.map(\.id))
        func check(_ feature: String, _ node: Node, _ key: String) throws(ModelError) {
            guard let group = FeatureGroupName.group(of: feature) else {
                throw reader.error(.invalidValue, node, key, "'\(feature)' is not a feature (content.<competency>, "
                    + "star.*, fluency.*, prosody.*, visual.*)")
            }
            if group == FeatureGroupName.content, !dimensionIDs.contains(String(feature.dropFirst(group.count + 1))) {
                throw reader.error(.invalidValue, node, key, "'\(feature)' names no dimension of this model")
            }
        }
        for (index, node) in dimensionNodes.enumerated() {
            let path = "dimensions[\(index)]"
            let map = try reader.mapping(node, key: path)
            for (feature, entry) in try reader.optionalNumberMap(map, "uses", path: path) {
                let key = "\(path).uses.\(feature)"
                try check(feature, entry.node, key)
                if let group = FeatureGroupName.group(of: feature), FeatureGroupName.delivery.contains(group),
                   entry.value != 0, !model.deliveryOptIn {
                    throw reader.error(.invalidValue, entry.node, key, "voice and camera descriptors carry no weight "
                        + "unless the model says 'deliveryOptIn: true' (and has a lawful reason to)")
                }
                guard abs(entry.value) <= 5 else {
                    throw reader.error(.invalidValue, entry.node, key, "must be within -5…5, found \(entry.value)")
                }
            }
        }
        if top["norms"] != nil {
            for (name, _) in try reader.mapping(top, "norms") {
                let feature = name.string ?? ""
                let key = "norms.\(feature)"
                try check(feature, name, key)
                let entry = try reader.mapping(try reader.mapping(top, "norms"), feature, path: "norms")
                let median = try reader.double(entry, "median", path: key)
                let mad = try reader.double(entry, "mad", path: key)
                guard median.isFinite, mad.isFinite, mad > 0 else {
                    throw reader.error(.invalidValue, name, key, "median must be finite and mad positive")
                }
                model.norms[feature] = FeatureNorm(median: median, mad: mad)
            }
        }
        if top["blend"] != nil {
            let map = try reader.mapping(top, "blend")
            let ai = try reader.double(map, "ai", path: "blend")
            guard (0...1).contains(ai) else {
                throw reader.error(.invalidValue, map["ai"], "blend.ai", "must be within 0…1, found \(ai)")
            }
            var blend = ScoreBlend(ai: ai)
            if map["flagPoints"] != nil {
                blend.flagPoints = try reader.double(map, "flagPoints", path: "blend")
                guard blend.flagPoints > 0, blend.flagPoints <= 100 else {
                    throw reader.error(.invalidValue, map["flagPoints"], "blend.flagPoints", "must be within (0, 100]")
                }
            }
            model.blend = blend
        }
        if let nodes = try reader.optionalSequence(top, "salaryBands") {
            model.salaryBands = try nodes.enumerated().map { (index, node) throws(ModelError) -> SalaryBand in
                let path = "salaryBands[\(index)]"
                let map = try reader.mapping(node, key: path)
                let min = try reader.double(map, "min", path: path)
                guard (0...100).contains(min) else {
                    throw reader.error(.invalidValue, map["min"], "\(path).min", "must be within 0…100, found \(min)")
                }
                return SalaryBand(id: try reader.identifier(map, "id", path: path),
                                  name: try reader.string(map, "name", path: path),
                                  nameZh: try reader.optionalString(map, "nameZh", path: path), min: min)
            }
            guard zip(model.salaryBands, model.salaryBands.dropFirst()).allSatisfy({ $0.min > $1.min }) else {
                throw reader.error(.invalidValue, top["salaryBands"], "salaryBands",
                                   "must be ordered by strictly decreasing min")
            }
        }
    }

    /// The salary band an overall score reaches, or nil (below every band, or the model has none).
    public func salaryBand(for score: Double) -> SalaryBand? {
        salaryBands.first { score >= $0.min }
    }
}

/// The syntax of implied-skill patterns: words or characters, `*` (a short gap), `{n}` (a number) and
/// `(a|b)` alternatives without nesting.
public enum PatternSyntax {
    /// What is wrong with `pattern`, or nil when it is well formed.
    public static func problem(in pattern: String) -> String? {
        var depth = 0
        var index = pattern.startIndex
        while index < pattern.endIndex {
            let character = pattern[index]
            switch character {
            case "(":
                depth += 1
                if depth > 1 { return "nested parentheses" }
            case ")":
                depth -= 1
                if depth < 0 { return "')' without '('" }
            case "|" where depth == 0:
                return "'|' outside parentheses"
            case "{":
                guard pattern[index...].hasPrefix("{n}") else { return "only {n} may appear in braces" }
                index = pattern.index(index, offsetBy: 2)
            case "}", "[", "]", "\\", "^", "$", "+", "?", ".":
                return "'\(character)' is not allowed (patterns are words, *, {n} and (a|b))"
            default:
                break
            }
            index = pattern.index(after: index)
        }
        if depth != 0 { return "unbalanced parentheses" }
        if pattern.trimmingWhitespace.isEmpty { return "empty pattern" }
        return nil
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
