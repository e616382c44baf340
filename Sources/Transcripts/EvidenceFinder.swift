import DebriefModel
import Foundation

/// Keyword and pattern evidence for one competency dimension.
public struct DimensionEvidence: Sendable, Equatable {
    public var positive: [Evidence] = []
    public var negated: [Evidence] = []
    public var hypothetical: [Evidence] = []
    /// Evidence strength: per distinct term its best-weighted mention plus a quarter of up to two repeats
    /// (repeated terms saturate). One mention inside a concrete action is 1.
    public var strength = 0.0
    /// Distinct terms (and patterns) found in positive scope.
    public var distinctTerms: Set<String> = []
    /// Behavioural indicators shown.
    public var indicators: Set<String> = []

    public init() {}

    /// The story shows the skill: one concrete action plus some support (a second term, a result, a repeat), or one
    /// concrete action's worth spread over at least three units (the skill runs through the story).
    public var asserted: Bool {
        strength >= Self.assertedStrength || (strength >= 1 && Set(positive.map(\.quote)).count >= 3)
    }
    public static let assertedStrength = 1.3
}

/// How a mention's clause frames it.
enum Scope {
    case positive, negated, hypothetical
}

/// One term or pattern found in a unit.
struct TermHit {
    var dimension: String
    var term: String
    var indicator: String?
    var implied: Bool
    var scope: Scope
}

/// Finds a model's competency terms (keywords, synonyms, indicator keywords) and implied-skill patterns in units.
///
/// English terms match on stemmed token sequences; Chinese terms on normalised Simplified text, so that word
/// segmentation errors cannot hide them. A mention is negated when a negation cue ("never", "didn't", "without",
/// 没有, 从未, 缺乏 …) precedes it in its clause, in the manner of NegEx (Chapman et al. 2001): the scope ends at a
/// clause break or a contrastive conjunction ("but", 但是). It is hypothetical when a modal or wish ("would",
/// "want to", 我会, 想学, 希望) frames it. Neither kind ever counts as positive evidence.
struct TermMatcher {
    struct EnglishTerm {
        let dimension: String
        let term: String
        let indicator: String?
        let stems: [String]
    }
    struct ChineseTerm {
        let dimension: String
        let term: String
        let indicator: String?
        let characters: [Character]
    }
    struct Pattern {
        let dimension: String
        let pattern: String
        let regex: NSRegularExpression
    }

    private var englishByFirstStem: [String: [EnglishTerm]] = [:]
    private var chineseByFirstCharacter: [Character: [ChineseTerm]] = [:]
    private var englishPatterns: [Pattern] = []
    private var chinesePatterns: [Pattern] = []

    static let englishNegators: Set<String> = [
        "not", "no", "never", "without", "didn't", "don't", "doesn't", "haven't", "hasn't", "hadn't", "wasn't",
        "weren't", "isn't", "aren't", "can't", "cannot", "couldn't", "won't", "wouldn't", "nor", "neither", "lack",
        "lacked", "lacking", "barely", "hardly", "nobody", "none",
    ]
    static let englishScopeBreaks: Set<String> = ["but", "however", "although", "though", "yet", "instead", "except",
                                                  "so", "because", "and"]
    static let englishModals: Set<String> = ["would", "i'd", "we'd", "will", "i'll", "want", "wants", "hope", "hoping",
                                             "wish", "plan", "planning", "going", "could", "should", "might", "if",
                                             "learn", "someday", "eventually"]
    static let chineseNegators = ["没有", "从未", "从来没", "从没", "缺乏", "没", "未曾", "未", "不会", "不懂", "不", "无",
                                  "并非", "谈不上"]
    static let chineseModals = ["我会", "会去", "想学", "想要", "希望", "打算", "如果", "假如", "要是", "愿意", "将来",
                                "以后想", "我想"]
    static let chineseScopeBreaks: Set<Character> = ["，", ",", "、", "：", ":", "；", ";"]
    static let chineseContrast = ["但是", "但", "不过", "可是", "然而", "只是"]

    init(model: CompetencyModel, chinese: ChineseText) {
        for dimension in model.dimensions {
            for language in ["en", "zh"] {
                for (term, indicator) in dimension.terms(language) {
                    let normalised = chinese.simplified(TextNormalizer.normalize(term))
                    if TextNormalizer.hanCount(normalised) > 0 {
                        let characters = Array(normalised)
                        chineseByFirstCharacter[characters[0], default: []].append(
                            ChineseTerm(dimension: dimension.id, term: term, indicator: indicator, characters: characters))
                    } else {
                        let stems = TextNormalizer.englishTokens(normalised).map(\.stem)
                        // "client" and "clients" are one term: the same words counted twice would be two.
                        guard let first = stems.first, !(englishByFirstStem[first] ?? []).contains(where: {
                            $0.dimension == dimension.id && $0.stems == stems
                        }) else { continue }
                        englishByFirstStem[first, default: []].append(
                            EnglishTerm(dimension: dimension.id, term: term, indicator: indicator, stems: stems))
                    }
                }
            }
            for pattern in dimension.patterns["en"] ?? [] {
                if let regex = try? NSRegularExpression(pattern: Self.englishRegex(pattern)) {
                    englishPatterns.append(Pattern(dimension: dimension.id, pattern: pattern, regex: regex))
                }
            }
            for pattern in dimension.patterns["zh"] ?? [] {
                let normalised = chinese.simplified(TextNormalizer.normalize(pattern))
                if let regex = try? NSRegularExpression(pattern: Self.chineseRegex(normalised)) {
                    chinesePatterns.append(Pattern(dimension: dimension.id, pattern: pattern, regex: regex))
                }
            }
        }
    }

    /// An English pattern as a regex over a stream of stems (" stem stem #n "), numbers as `#n`.
    static func englishRegex(_ pattern: String) -> String {
        var regex = " "
        var word = ""
        func flushWord() {
            guard !word.isEmpty else { return }
            if word == "{n}" {
                regex += "(?:#n )+"
                word = ""
                return
            }
            let stems = TextNormalizer.englishTokens(word.lowercased()).map(\.stem)
            regex += stems.map { NSRegularExpression.escapedPattern(for: $0) + " " }.joined()
            word = ""
        }
        for character in pattern {
            switch character {
            case "(": flushWord(); regex += "(?:"
            case ")": flushWord(); regex += ")"
            case "|": flushWord(); regex += "|"
            case "*": flushWord(); regex += "(?:\\S+ ){0,3}"
            case " ": flushWord()
            default: word.append(character)
            }
        }
        flushWord()
        return regex
    }

    /// A Chinese pattern as a regex over normalised text.
    static func chineseRegex(_ pattern: String) -> String {
        var regex = ""
        var index = pattern.startIndex
        while index < pattern.endIndex {
            let character = pattern[index]
            if pattern[index...].hasPrefix("{n}") {
                regex += "(?:[0-9]+|[零〇一二两三四五六七八九十百千万几多]+)"
                index = pattern.index(index, offsetBy: 3)
                continue
            }
            switch character {
            case "(": regex += "(?:"
            case ")", "|": regex.append(character)
            case "*": regex += "[^，。！？；,.!?;]{0,6}?"
            case " ": break
            default: regex += NSRegularExpression.escapedPattern(for: String(character))
            }
            index = pattern.index(after: index)
        }
        return regex
    }

    /// Terms and patterns in one unit's normalised text.
    func hits(in text: String) -> [TermHit] {
        var hits: [TermHit] = []
        let tokens = TextNormalizer.englishTokens(text)
        if !tokens.isEmpty {
            for (start, token) in tokens.enumerated() {
                for term in englishByFirstStem[token.stem] ?? [] where start + term.stems.count <= tokens.count {
                    guard (1..<term.stems.count).allSatisfy({ tokens[start + $0].stem == term.stems[$0] }) else { continue }
                    hits.append(TermHit(dimension: term.dimension, term: term.term, indicator: term.indicator,
                                        implied: false, scope: englishScope(tokens, before: start)))
                }
            }
            if !englishPatterns.isEmpty {
                let stream = " " + tokens.map { Self.isNumber($0.word) ? "#n" : $0.stem }.joined(separator: " ") + " "
                let range = NSRange(stream.startIndex..., in: stream)
                for pattern in englishPatterns {
                    for match in pattern.regex.matches(in: stream, range: range) {
                        // The token index where the match starts: count spaces before it.
                        let prefix = stream.utf16.prefix(match.range.location)
                        let start = prefix.filter { $0 == 32 }.count   // the stream starts with a space
                        hits.append(TermHit(dimension: pattern.dimension, term: pattern.pattern, indicator: nil,
                                            implied: true, scope: englishScope(tokens, before: start)))
                    }
                }
            }
        }
        if TextNormalizer.hanCount(text) > 0 {
            let characters = Array(text)
            for (start, character) in characters.enumerated() {
                for term in chineseByFirstCharacter[character] ?? [] where start + term.characters.count <= characters.count {
                    guard (1..<term.characters.count).allSatisfy({ characters[start + $0] == term.characters[$0] }) else { continue }
                    hits.append(TermHit(dimension: term.dimension, term: term.term, indicator: term.indicator,
                                        implied: false, scope: chineseScope(characters, before: start)))
                }
            }
            let range = NSRange(text.startIndex..., in: text)
            for pattern in chinesePatterns {
                for match in pattern.regex.matches(in: text, range: range) {
                    guard let swiftRange = Range(match.range, in: text) else { continue }
                    let start = text.distance(from: text.startIndex, to: swiftRange.lowerBound)
                    hits.append(TermHit(dimension: pattern.dimension, term: pattern.pattern, indicator: nil,
                                        implied: true, scope: chineseScope(characters, before: start)))
                }
            }
        }
        return hits
    }

    static func isNumber(_ word: String) -> Bool {
        word.first?.isNumber == true || Quantities.englishWords[word].map { $0 >= 2 } == true
    }

    private func englishScope(_ tokens: [Token], before start: Int) -> Scope {
        var position = start - 1
        var scope = Scope.positive
        while position >= 0, position >= start - 7 {
            let word = tokens[position].word
            if Self.englishScopeBreaks.contains(word) { break }
            if Self.englishNegators.contains(word) || word.hasSuffix("n't") { return .negated }
            if Self.englishModals.contains(word) { scope = .hypothetical }
            position -= 1
        }
        return scope
    }

    private func chineseScope(_ characters: [Character], before start: Int) -> Scope {
        var clauseStart = start
        while clauseStart > 0, !Self.chineseScopeBreaks.contains(characters[clauseStart - 1]),
              !"。！？".contains(characters[clauseStart - 1]) {
            clauseStart -= 1
        }
        var clause = String(characters[clauseStart..<start])
        for contrast in Self.chineseContrast {
            if let range = clause.range(of: contrast, options: .backwards) { clause = String(clause[range.upperBound...]) }
        }
        var window = String(clause.suffix(10))
        // 不 in 不但/不仅/不少/不断/不同… is not a negation.
        for lookalike in ["不但", "不仅", "不少", "不断", "不错", "不久", "不同", "不管", "不过", "不停", "无论"] {
            window = window.replacingOccurrences(of: lookalike, with: "")
        }
        if Self.chineseNegators.contains(where: { window.contains($0) }) { return .negated }
        if Self.chineseModals.contains(where: { window.contains($0) }) { return .hypothetical }
        return .positive
    }
}
