import Yams

extension CompetencyModel {
    /// Parses and validates a model from YAML text.
    /// - Parameters:
    ///   - yaml: the file's contents.
    ///   - file: the path shown in error messages.
    /// - Throws: `ModelError` naming the file, line and key of the first problem.
    public static func parse(yaml: String, file: String) throws(ModelError) -> CompetencyModel {
        guard let root = try YAMLDocument.compose(yaml, file: file, limits: .model, what: "YAML") else {
            throw ModelError(code: .syntax, file: file, reason: "the file is empty")
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
