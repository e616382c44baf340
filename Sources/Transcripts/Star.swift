import DebriefModel
import Foundation

/// The parts of a STAR answer, plus units that are none of them.
public enum StarPart: Int, Sendable, CaseIterable, Codable {
    case situation, task, action, result, other
}

/// What the classifier measured in one unit.
struct UnitFeatures {
    /// Evidence towards situation, task, action, result (index by `StarPart.rawValue`).
    var scores: [Double] = [0, 0, 0, 0]
    var hypothetical = false
    /// A first-person-singular past action ("I set up…", 我联系了…).
    var personalAction = false
    var singular = 0
    var plural = 0
    var quantities: [Quantity] = []
    var measured: Bool { quantities.contains(where: \.isMeasure) }
    /// The result score from cue phrases and grammar alone, before numbers add to it.
    var resultCues = 0.0
    /// Numbers that state an outcome: a rate, money, a multiple or a time gained; a count ("three hundred rooms",
    /// "two features") only where the unit also says that something came of it ("ended up with", 签了).
    var outcomeQuantities: [Quantity] {
        quantities.filter { $0.isMeasure && ($0.kind != .count || resultCues >= StarClassifier.countOutcomeCues) }
    }
}

/// Classifies the units of one answer as Situation / Task / Action / Result / other.
///
/// Each unit earns scores from cue phrases (`Lexicon`), grammar (first-person past actions, stative past, modal
/// "would"/我会), numbers and its position in the answer; a Viterbi pass over the answer then smooths the labels,
/// preferring the canonical S→T→A→R order but keeping strongly cued out-of-order parts (a result told first).
enum StarClassifier {
    /// The score a unit needs for any part; below it the unit is "other".
    static let otherScore = 0.95
    /// Cost of stepping back in S→T→A→R order between consecutive units.
    static let backwardCost = 0.35
    /// Result cues a unit needs before a plain count in it is read as a measured outcome.
    static let countOutcomeCues = 0.8

    static func features(of unit: Unit) -> UnitFeatures {
        TextNormalizer.hanCount(unit.normalised) * 2 > unit.normalised.filter(\.isLetter).count
            ? chineseFeatures(unit.normalised) : englishFeatures(unit.normalised)
    }

    static func englishFeatures(_ text: String) -> UnitFeatures {
        var features = UnitFeatures()
        let words = englishWords(text)
        features.scores = [Phrases.situation.score(words: words), Phrases.task.score(words: words),
                           Phrases.action.score(words: words), Phrases.result.score(words: words)]
        features.singular = words.filter { ["i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself"].contains($0) }.count
        features.plural = words.filter { ["we", "we're", "we've", "we'd", "us", "our", "ourselves"].contains($0) }.count
        features.hypothetical = Phrases.englishHypothetical.count(words: words) > 0
            && Phrases.englishPolite.count(words: words) == 0
        // Grammar: subject + past verb (skipping adverbs).
        for (index, word) in words.enumerated() where ["i", "we", "he", "she", "they"].contains(word) {
            var next = index + 1
            while next < words.count, englishAdverbs.contains(words[next]) { next += 1 }
            guard next < words.count, isPast(words[next]) else { continue }
            let verb = words[next]
            let stative = Lexicon.englishStative.contains(verb)
            if word == "i" {
                if stative {
                    features.scores[StarPart.situation.rawValue] += 0.5
                } else {
                    features.scores[StarPart.action.rawValue] += 1.4
                    features.personalAction = true
                }
            } else if !stative {
                features.scores[StarPart.action.rawValue] += word == "we" ? 0.3 : 0.1
                features.scores[StarPart.result.rawValue] += 0.3
            } else {
                features.scores[StarPart.situation.rawValue] += 0.4
            }
        }
        return withNumbersAndFraming(features, text)
    }

    static func chineseFeatures(_ text: String) -> UnitFeatures {
        var features = UnitFeatures()
        let characters = Array(text)
        features.scores = [Phrases.situation.score(characters: characters), Phrases.task.score(characters: characters),
                           Phrases.action.score(characters: characters), Phrases.result.score(characters: characters)]
        // 我先…, 我主动…, 我联系…: a first-person action cue is a personal action even without 了.
        features.personalAction = Phrases.chinesePersonalAction.count(characters: characters) > 0
        let plural = text.occurrences(of: "我们") + text.occurrences(of: "咱们")
        features.plural = plural
        features.singular = max(0, text.occurrences(of: "我") - text.occurrences(of: "我们"))
        features.hypothetical = Phrases.chineseHypothetical.count(characters: characters) > 0
            && Phrases.chineseHypotheticalExceptions.count(characters: characters) == 0
        // Grammar: 我 + verb phrase with the perfective 了 (or experiential 过) in the same clause.
        for clause in text.split(whereSeparator: { "，,、：:".contains($0) }) {
            let clause = String(clause)
            guard let subject = clause.range(of: "我") else { continue }
            let rest = clause[subject.upperBound...]
            let isPlural = rest.hasPrefix("们")
            let hasAspect = rest.contains("了") || rest.contains("过")
            let stative = ["是", "在", "觉得", "有", "知道", "想", "们是", "们在", "们有"].contains { rest.hasPrefix($0) }
            if hasAspect, !stative {
                if isPlural {
                    features.scores[StarPart.action.rawValue] += 0.3
                    features.scores[StarPart.result.rawValue] += 0.3
                } else {
                    features.scores[StarPart.action.rawValue] += 1.2
                    features.personalAction = true
                }
            } else if stative, !isPlural {
                features.scores[StarPart.situation.rawValue] += 0.5
            }
        }
        return withNumbersAndFraming(features, text)
    }

    /// What both languages add last: numbers that measure something point to a result; a hypothetical frame
    /// ("I would…", 我会…) takes weight from action and result.
    private static func withNumbersAndFraming(_ features: UnitFeatures, _ text: String) -> UnitFeatures {
        var features = features
        features.quantities = Quantities.find(in: text)
        features.resultCues = features.scores[StarPart.result.rawValue]
        if features.measured { features.scores[StarPart.result.rawValue] += 0.8 }
        if features.hypothetical {
            features.scores[StarPart.action.rawValue] -= 1.0
            features.scores[StarPart.result.rawValue] -= 0.5
        }
        return features
    }

    /// Labels for the units of one answer (Viterbi over part scores plus position priors).
    static func label(_ features: [UnitFeatures]) -> [StarPart] {
        guard !features.isEmpty else { return [] }
        let count = features.count
        let parts = StarPart.allCases
        func emission(_ index: Int, _ part: StarPart) -> Double {
            if part == .other { return otherScore }
            let position = count == 1 ? 0.5 : Double(index) / Double(count - 1)
            var value = features[index].scores[part.rawValue]
            switch part {
            case .situation: value += position < 0.34 ? 0.35 : (position > 0.7 ? -0.3 : 0)
            case .result: value += position > 0.66 ? 0.35 : (position < 0.2 ? -0.2 : 0)
            case .task: value += position < 0.5 ? 0.1 : -0.1
            default: break
            }
            return value
        }
        func transition(_ from: StarPart, _ to: StarPart) -> Double {
            if from == .other || to == .other || to.rawValue >= from.rawValue { return 0 }
            return -backwardCost
        }
        var best = parts.map { emission(0, $0) }
        var back: [[Int]] = []
        for index in 1..<count {
            var next = [Double](repeating: -.infinity, count: parts.count)
            var pointers = [Int](repeating: 0, count: parts.count)
            for (toIndex, to) in parts.enumerated() {
                for (fromIndex, from) in parts.enumerated() {
                    let value = best[fromIndex] + transition(from, to)
                    if value > next[toIndex] { next[toIndex] = value; pointers[toIndex] = fromIndex }
                }
                next[toIndex] += emission(index, to)
            }
            best = next
            back.append(pointers)
        }
        var state = best.indices.max { best[$0] < best[$1] }!
        var labels = [parts[state]]
        for pointers in back.reversed() {
            state = pointers[state]
            labels.append(parts[state])
        }
        return labels.reversed()
    }

    static let englishAdverbs: Set<String> = [
        "also", "then", "just", "quickly", "immediately", "personally", "actually", "first", "finally", "eventually",
        "basically", "really", "even", "still", "later", "soon", "again", "only", "simply", "carefully", "always",
        "myself", "both", "all",
    ]

    static func isPast(_ word: String) -> Bool {
        if Lexicon.englishNotPast.contains(word) { return false }
        if Lexicon.englishIrregularPast.contains(word) { return true }
        return word.count > 4 && word.hasSuffix("ed")
    }

    /// Lowercase English words of normalised text, apostrophes kept ("i'd"), hyphens kept ("re-slotted").
    static func englishWords(_ text: String) -> [String] {
        text.replacingOccurrences(of: "’", with: "'")
            .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == "-" || $0 == "/") })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'-")) }
            .filter { !$0.isEmpty }
    }
}

extension String {
    func occurrences(of needle: String) -> Int {
        var count = 0
        var searchStart = startIndex
        while let range = range(of: needle, range: searchStart..<endIndex) {
            count += 1
            searchStart = range.upperBound
        }
        return count
    }
}
