import DebriefModel
import Foundation

/// Keyword evidence for one competency dimension.
public struct DimensionEvidence: Sendable, Equatable {
    public var positive: [Evidence] = []
    public var negated: [Evidence] = []
    /// Distinct keywords found in positive scope.
    public var distinctKeywords: Set<String> = []
    /// Positive mentions in all.
    public var mentions = 0

    public init() {}
}

/// What a transcript says, measured: language, size, rate, and keyword evidence per dimension.
public struct TranscriptAnalysis: Sendable, Equatable {
    public var language: Language
    public var englishWords: Int
    public var hanCharacters: Int
    /// Words (English) plus characters (Chinese): the size of what was said.
    public var wordCount: Int { englishWords + hanCharacters }
    public var wordsPerMinute: Double?
    public var evidence: [String: DimensionEvidence]
    /// Size and language of each answer (by the index `answerOf` gave its cues).
    public var answers: [Int: AnswerText] = [:]
}

/// What one answer's cues hold.
public struct AnswerText: Sendable, Equatable {
    public var language: Language
    public var englishWords: Int
    public var hanCharacters: Int
    public var wordCount: Int { englishWords + hanCharacters }
}

/// Finds competency keywords of a model in transcript cues, keeping negated mentions apart.
///
/// English keywords match on stemmed token sequences; Chinese keywords match on normalised text (so that word
/// segmentation errors cannot hide them). A mention is negated when a negation cue ("never", "didn't", "without",
/// 没有, 从未, 缺乏 …) precedes it in the same clause, in the manner of NegEx (Chapman et al. 2001): the scope ends
/// at a clause break or a contrastive conjunction ("but", 但是).
public struct EvidenceFinder: Sendable {
    struct EnglishKeyword {
        let dimension: String
        let keyword: String
        let stems: [String]
    }
    struct ChineseKeyword {
        let dimension: String
        let keyword: String
        let normalised: String
    }

    private let english: [EnglishKeyword]
    private let chinese: [ChineseKeyword]

    static let englishNegators: Set<String> = [
        "not", "no", "never", "without", "didn't", "don't", "doesn't", "haven't", "hasn't", "hadn't", "wasn't",
        "weren't", "isn't", "aren't", "can't", "cannot", "couldn't", "won't", "wouldn't", "nor", "neither", "lack",
        "lacked", "lacking", "barely", "hardly",
    ]
    static let englishScopeBreaks: Set<String> = ["but", "however", "although", "though", "yet", "instead", "except"]
    static let chineseNegators = ["没有", "从未", "从来没", "缺乏", "没", "未曾", "未", "不会", "不懂", "不", "无"]
    static let chineseScopeBreaks: Set<Character> = ["，", ",", "、", "：", ":"]
    static let chineseContrast = ["但是", "但", "不过", "可是", "然而"]

    public init(model: CompetencyModel) {
        var english: [EnglishKeyword] = []
        var chinese: [ChineseKeyword] = []
        for dimension in model.dimensions {
            for (_, keywords) in dimension.keywords {
                for keyword in keywords {
                    let normalised = TextNormalizer.normalize(keyword)
                    if TextNormalizer.hanCount(normalised) > 0 {
                        chinese.append(ChineseKeyword(dimension: dimension.id, keyword: keyword, normalised: normalised))
                    } else {
                        let stems = TextNormalizer.englishTokens(normalised).map(\.stem)
                        if !stems.isEmpty {
                            english.append(EnglishKeyword(dimension: dimension.id, keyword: keyword, stems: stems))
                        }
                    }
                }
            }
        }
        self.english = english
        self.chinese = chinese
    }

    /// Analyses `cues` (all in answer `answer`); `timed` says whether cue times are real.
    public func analyze(_ cues: [Cue], timed: Bool, answerOf: (Cue) -> Int = { _ in 0 }) -> TranscriptAnalysis {
        var evidence: [String: DimensionEvidence] = [:]
        var englishWords = 0
        var hanCharacters = 0
        var allText = ""
        var perAnswer: [Int: (text: String, english: Int, han: Int)] = [:]
        for cue in cues {
            allText += cue.text + "\n"
            let answer = answerOf(cue)
            perAnswer[answer, default: ("", 0, 0)].text += cue.text + "\n"
            for sentence in Sentences.split(cue.text) {
                let normalised = TextNormalizer.normalize(sentence)
                let tokens = TextNormalizer.englishTokens(normalised)
                let words = tokens.filter { $0.word.unicodeScalars.contains { $0.properties.isAlphabetic } }.count
                let han = TextNormalizer.hanCount(normalised)
                englishWords += words
                hanCharacters += han
                perAnswer[answer]!.english += words
                perAnswer[answer]!.han += han
                var found: [String: (keywords: [String], negated: Bool)] = [:]
                for keyword in english {
                    for negated in englishMatches(keyword.stems, in: tokens) {
                        let key = "\(keyword.dimension)|\(negated)"
                        found[key, default: ([], negated)].keywords.append(keyword.keyword)
                    }
                }
                for keyword in chinese {
                    for negated in chineseMatches(keyword.normalised, in: normalised) {
                        let key = "\(keyword.dimension)|\(negated)"
                        found[key, default: ([], negated)].keywords.append(keyword.keyword)
                    }
                }
                for (key, hit) in found.sorted(by: { $0.key < $1.key }) {
                    let dimension = String(key.split(separator: "|")[0])
                    let unique = Array(Set(hit.keywords)).sorted()
                    let item = Evidence(quote: String(sentence.prefix(300)), keyword: unique.joined(separator: ", "),
                                        answer: answer, start: cue.start, end: cue.end)
                    if hit.negated {
                        evidence[dimension, default: DimensionEvidence()].negated.append(item)
                    } else {
                        evidence[dimension, default: DimensionEvidence()].positive.append(item)
                        evidence[dimension, default: DimensionEvidence()].mentions += hit.keywords.count
                        evidence[dimension, default: DimensionEvidence()].distinctKeywords.formUnion(unique)
                    }
                }
            }
        }
        var rate: Double?
        if timed, let first = cues.map(\.start).min(), let last = cues.map(\.end).max(), last - first >= 5 {
            rate = Double(englishWords + hanCharacters) / ((last - first) / 60)
        }
        return TranscriptAnalysis(
            language: Language.detect(allText), englishWords: englishWords, hanCharacters: hanCharacters,
            wordsPerMinute: rate, evidence: evidence,
            answers: perAnswer.mapValues {
                AnswerText(language: Language.detect($0.text), englishWords: $0.english, hanCharacters: $0.han)
            })
    }

    /// For each occurrence of `stems` in `tokens`, whether it lies in a negated scope.
    private func englishMatches(_ stems: [String], in tokens: [Token]) -> [Bool] {
        guard stems.count <= tokens.count else { return [] }
        var results: [Bool] = []
        for start in 0...(tokens.count - stems.count) {
            guard (0..<stems.count).allSatisfy({ tokens[start + $0].stem == stems[$0] }) else { continue }
            var negated = false
            var position = start - 1
            while position >= 0, position >= start - 6 {
                let word = tokens[position].word
                if Self.englishScopeBreaks.contains(word) { break }
                if Self.englishNegators.contains(word) || word.hasSuffix("n't") { negated = true; break }
                position -= 1
            }
            results.append(negated)
        }
        return results
    }

    /// For each occurrence of `keyword` in `text`, whether a negator precedes it in the same clause.
    private func chineseMatches(_ keyword: String, in text: String) -> [Bool] {
        var results: [Bool] = []
        var searchStart = text.startIndex
        while let range = text.range(of: keyword, range: searchStart..<text.endIndex) {
            var clause = text[text.startIndex..<range.lowerBound]
            if let breakIndex = clause.lastIndex(where: { Self.chineseScopeBreaks.contains($0) }) {
                clause = clause[clause.index(after: breakIndex)...]
            }
            for contrast in Self.chineseContrast {
                if let contrastRange = clause.range(of: contrast, options: .backwards) {
                    clause = clause[contrastRange.upperBound...]
                }
            }
            let window = String(clause.suffix(8))
            results.append(Self.chineseNegators.contains { window.contains($0) })
            searchStart = range.upperBound
        }
        return results
    }
}
