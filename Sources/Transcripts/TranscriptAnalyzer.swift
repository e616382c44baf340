import DebriefModel
import Foundation

/// What a transcript says, measured: language, size, rate, STAR and fluency per answer, and competency evidence.
public struct TranscriptAnalysis: Sendable, Equatable {
    public var language: Language
    public var englishWords: Int
    public var hanCharacters: Int
    /// Words (English) plus characters (Chinese): the size of what was said.
    public var wordCount: Int { englishWords + hanCharacters }
    public var wordsPerMinute: Double?
    public var evidence: [String: DimensionEvidence]
    /// Each answer's analysis, by the index `answerOf` gave its cues.
    public var answers: [Int: AnswerAnalysis] = [:]
}

/// One answer's language, size, structure, fluency and stuffing flag.
public struct AnswerAnalysis: Sendable, Equatable {
    public var language: Language
    public var englishWords: Int
    public var hanCharacters: Int
    public var wordCount: Int { englishWords + hanCharacters }
    public var start: Double
    public var end: Double
    public var units: [Unit]
    public var star: StarSummary
    public var keywordStuffed: Bool
    public var stuffingReasons: [String]
    public var fluency: FluencySummary
}

/// Analyses transcript cues against a competency model. Pure: cues in, values out.
public struct TranscriptAnalyzer: Sendable {
    public let model: CompetencyModel
    /// A silence between cues at least this long is a long gap.
    public static let longGapSeconds = 3.0

    public init(model: CompetencyModel) {
        self.model = model
    }

    /// Analyses `cues`; `timed` says whether cue times are real; `answerOf` gives each cue's answer index.
    public func analyze(_ cues: [Cue], timed: Bool, answerOf: (Cue) -> Int = { _ in 0 }) -> TranscriptAnalysis {
        analyze(cues, timed: timed, answers: cues.map(answerOf))
    }

    /// Analyses `cues`; `answers[i]` is the answer index of `cues[i]` (one transcript file per answer).
    public func analyze(_ cues: [Cue], timed: Bool, answers: [Int]) -> TranscriptAnalysis {
        let chinese = ChineseText()
        let splitter = UnitSplitter(chinese: chinese)
        let matcher = TermMatcher(model: model, chinese: chinese)
        var grouped: [Int: [Cue]] = [:]
        for (cue, answer) in zip(cues, answers) { grouped[answer, default: []].append(cue) }

        var evidence: [String: DimensionEvidence] = [:]
        var termWeights: [String: [String: [Double]]] = [:]   // dimension → term → weights of positive mentions
        var answers: [Int: AnswerAnalysis] = [:]
        var englishWords = 0
        var hanCharacters = 0
        var allText = ""
        for (answer, answerCues) in grouped.sorted(by: { $0.key < $1.key }) {
            let text = answerCues.map(\.text).joined(separator: "\n")
            allText += text + "\n"
            let units = splitter.split(answerCues, timed: timed)
            let features = units.map(StarClassifier.features)
            var labels = StarClassifier.label(features)
            let hits = units.map { matcher.hits(in: $0.normalised) }
            let hypothetical = Self.isHypothetical(features)
            let stuffing = hypothetical ? [] : stuffingReasons(units: units, features: features, hits: hits)
            if hypothetical || !stuffing.isEmpty { labels = labels.map { _ in .other } }
            let star = Self.summary(units: units, features: features, labels: labels, hypothetical: hypothetical)
            let size = Self.size(of: text)
            let fluency = Self.fluency(answerCues, size: size, timed: timed, chinese: chinese)
            englishWords += size.english
            hanCharacters += size.han
            answers[answer] = AnswerAnalysis(
                language: Language.detect(text), englishWords: size.english, hanCharacters: size.han,
                start: answerCues.map(\.start).min() ?? 0, end: answerCues.map(\.end).max() ?? 0, units: units,
                star: star, keywordStuffed: !stuffing.isEmpty, stuffingReasons: stuffing, fluency: fluency)

            for (index, unit) in units.enumerated() {
                let part = labels[index]
                let counted = !hypothetical && stuffing.isEmpty
                // One evidence item per unit, dimension and scope, naming every term it holds.
                var groups: [String: [TermHit]] = [:]
                for hit in hits[index] { groups["\(hit.dimension)|\(hit.scope)", default: []].append(hit) }
                for key in groups.keys.sorted() {
                    let group = groups[key]!
                    let first = group[0]
                    let terms = Array(Set(group.map(\.term))).sorted()
                    var item = Evidence(quote: String(unit.text.prefix(300)), keyword: terms.joined(separator: ", "),
                                        answer: answer, start: unit.start, end: unit.end, part: part.name, weight: 0,
                                        indicator: group.compactMap(\.indicator).first,
                                        implied: group.contains(where: \.implied) ? true : nil)
                    // Mutated in place: copying the evidence arrays per mention would be quadratic.
                    func update(_ body: (inout DimensionEvidence) -> Void) { body(&evidence[first.dimension, default: DimensionEvidence()]) }
                    switch first.scope {
                    case .negated:
                        update { $0.negated.append(item) }
                    case .hypothetical:
                        update { $0.hypothetical.append(item) }
                    case .positive where !counted:
                        break   // a hypothetical or stuffed answer is shown by its flag, not as evidence
                    case .positive:
                        // A first-person past action weighs as an action whatever part the unit was given.
                        let weight = features[index].hypothetical ? 0
                            : max(part.evidenceWeight, features[index].personalAction ? 1.0 : 0)
                        guard weight > 0 else { update { $0.hypothetical.append(item) }; break }
                        item.weight = weight
                        update {
                            $0.positive.append(item)
                            $0.distinctTerms.formUnion(terms)
                            $0.indicators.formUnion(group.compactMap(\.indicator))
                        }
                        // An implied-skill pattern names a behaviour and its object ("led a team of five"): it
                        // weighs more than a bare keyword in the same unit.
                        let implied = Set(group.filter(\.implied).map(\.term))
                        for term in terms {
                            termWeights[first.dimension, default: [:]][term, default: []].append(
                                implied.contains(term) ? weight * Self.impliedPatternWeight : weight)
                        }
                    }
                }
            }
        }
        for (dimension, terms) in termWeights {
            evidence[dimension]?.strength = terms.values.reduce(0) { total, weights in
                let sorted = weights.sorted(by: >)
                return total + sorted[0] + 0.25 * sorted.dropFirst().prefix(2).reduce(0, +)
            }
        }
        var rate: Double?
        if timed, let first = cues.map(\.start).min(), let last = cues.map(\.end).max(), last - first >= 5 {
            rate = Double(englishWords + hanCharacters) / ((last - first) / 60)
        }
        return TranscriptAnalysis(language: Language.detect(allText), englishWords: englishWords,
                                  hanCharacters: hanCharacters, wordsPerMinute: rate, evidence: evidence,
                                  answers: answers)
    }

    static let impliedPatternWeight = 1.3

    static func size(of text: String) -> (english: Int, han: Int) {
        let normalised = TextNormalizer.normalize(text)
        let words = TextNormalizer.englishTokens(normalised)
            .filter { $0.word.unicodeScalars.contains { $0.properties.isAlphabetic } }.count
        return (words, TextNormalizer.hanCount(normalised))
    }

    /// Most units are framed as what the speaker would do, and at most one tells a real past action.
    static func isHypothetical(_ features: [UnitFeatures]) -> Bool {
        guard !features.isEmpty else { return false }
        let framed = features.filter(\.hypothetical).count
        let real = features.filter { $0.personalAction && !$0.hypothetical }.count
        return framed >= max(1, Int((0.4 * Double(features.count)).rounded(.up))) && real <= 1
    }

    /// Why an answer is keyword stuffing: dense skill terms with no story, or text copied from the job description.
    func stuffingReasons(units: [Unit], features: [UnitFeatures], hits: [[TermHit]]) -> [String] {
        var reasons: [String] = []
        let text = units.map(\.normalised).joined(separator: " ")
        let han = UnitSplitter.isHanText(text)
        var buzz = 0
        buzz = han ? Phrases.chineseBuzzwords.count(characters: Array(text))
                   : Phrases.englishBuzzwords.count(words: StarClassifier.englishWords(text))
        // Model terms count towards stuffing only where no story carries them.
        buzz += zip(hits, features).reduce(0) { total, pair in
            pair.1.personalAction ? total : total + Set(pair.0.map(\.term)).count
        }
        let fragments = text.split(whereSeparator: { ",，、;；。.!?！？".contains($0) }).count
        let story = features.filter {
            !$0.hypothetical && ($0.personalAction || $0.measured || $0.scores[StarPart.situation.rawValue] >= 1
                || $0.scores[StarPart.result.rawValue] >= 1.2)
        }.count
        let size = han ? Double(TextNormalizer.hanCount(text)) / 2 : Double(StarClassifier.englishWords(text).count)
        if buzz >= 5, story <= 1, Double(buzz) >= 0.5 * Double(fragments) || Double(buzz) >= size / 8 {
            reasons.append(han ? "罗列能力词汇，没有具体事例（\(buzz) 个）"
                               : "a list of \(buzz) skill terms with no concrete story")
        }
        if let copied = copiedFromDescription(text, han: han) {
            reasons.append(han ? "照搬岗位描述：“\(copied)”" : "copies the job description: \"\(copied)\"")
        }
        return reasons
    }

    /// The longest stretch of the answer also in the job description, when long enough to be copied
    /// (8 English words, 16 Chinese characters).
    func copiedFromDescription(_ text: String, han: Bool) -> String? {
        let descriptions = [model.description, model.descriptionZh].compactMap { $0 }
            .map { TextNormalizer.normalize($0) }
        guard !descriptions.isEmpty else { return nil }
        if han {
            let characters = Array(text.filter { $0.unicodeScalars.first!.isHan })
            let window = 16
            guard characters.count >= window else { return nil }
            let targets = descriptions.map { String($0.filter { $0.unicodeScalars.first!.isHan }) }
            for start in 0...(characters.count - window) {
                let piece = String(characters[start..<(start + window)])
                if targets.contains(where: { $0.contains(piece) }) { return piece }
            }
        } else {
            let words = StarClassifier.englishWords(text)
            let window = 8
            guard words.count >= window else { return nil }
            let targets = descriptions.map { " " + StarClassifier.englishWords($0).joined(separator: " ") + " " }
            for start in 0...(words.count - window) {
                let piece = words[start..<(start + window)].joined(separator: " ")
                if targets.contains(where: { $0.contains(" \(piece) ") }) { return piece }
            }
        }
        return nil
    }

    static func summary(units: [Unit], features: [UnitFeatures], labels: [StarPart], hypothetical: Bool) -> StarSummary {
        func element(_ part: StarPart) -> StarElement {
            let evidence = units.indices.filter { labels[$0] == part }
                .map { TimedText(text: String(units[$0].text.prefix(300)), start: units[$0].start, end: units[$0].end) }
            return StarElement(present: !evidence.isEmpty, evidence: evidence)
        }
        let parts: [StarPart] = [.situation, .task, .action, .result]
        let firsts = parts.compactMap { part in labels.firstIndex(of: part).map { (part, $0) } }
        let order = firsts.count < 2 ? "n/a"
            : (zip(firsts, firsts.dropFirst()).allSatisfy { $0.1 <= $1.1 } ? "in-order" : "out-of-order")
        let resultQuantities = units.indices.filter { labels[$0] == .result }
            .flatMap { features[$0].outcomeQuantities.map(\.text) }
        let singular = features.reduce(0) { $0 + $1.singular }
        let plural = features.reduce(0) { $0 + $1.plural }
        let present = Dictionary(uniqueKeysWithValues: parts.map { part in (part, labels.contains(part)) })
        var score = 0
        if present[.situation]! { score += 15 }
        if present[.task]! { score += 15 }
        if present[.action]! { score += 30 }
        if present[.result]! { score += 25 }
        if !resultQuantities.isEmpty { score += 10 }
        if order == "in-order", firsts.count >= 3 { score += 5 }
        return StarSummary(situation: element(.situation), task: element(.task), action: element(.action),
                           result: element(.result), order: order,
                           sequence: labels.map(\.letter).joined(),
                           resultQuantified: !resultQuantities.isEmpty, resultQuantities: resultQuantities,
                           hypothetical: hypothetical,
                           iShare: singular + plural > 0 ? Double(singular) / Double(singular + plural) : nil,
                           iCount: singular, weCount: plural, score: score)
    }

    static func fluency(_ cues: [Cue], size: (english: Int, han: Int), timed: Bool, chinese: ChineseText)
        -> FluencySummary {
        var counter = DisfluencyCounter()
        for cue in cues { counter.count(TextNormalizer.normalize(cue.text)) }
        let text = cues.map(\.text).joined(separator: " ")
        let han = size.han * 2 > size.english
        // Fillers per 100 words in both languages: Chinese words from ICU's dictionary segmentation.
        let base = han ? chinese.words(text).filter(\.isWord).count : size.english
        var wordsPerMinute: Double?
        var charactersPerMinute: Double?
        var gaps: [Double] = []
        // With word timings (a recogniser's, or a JSON transcript's) on every cue, the speaking span runs from the
        // first word to the last rather than over padded segments, and pauses inside a long segment count too.
        let words = cues.allSatisfy { !($0.words ?? []).isEmpty } ? cues.flatMap { $0.words! } : nil
        if timed, let first = words?.first?.start ?? cues.first?.start,
           let last = words?.map(\.end).max() ?? cues.map(\.end).max(), last - first >= 5 {
            let minutes = (last - first) / 60
            if size.english >= 10 { wordsPerMinute = (Double(size.english) / minutes * 10).rounded() / 10 }
            if size.han >= 10 { charactersPerMinute = (Double(size.han) / minutes * 10).rounded() / 10 }
            gaps = if let words { zip(words, words.dropFirst()).map { $1.start - $0.end } }
                else { zip(cues, cues.dropFirst()).map { $1.start - $0.end } }
        }
        let long = gaps.filter { $0 >= longGapSeconds }
        return FluencySummary(
            fillers: counter.fillerCount,
            fillersPer100: base > 0 ? (Double(counter.fillerCount) / Double(base) * 1000).rounded() / 10 : nil,
            fillerCounts: counter.fillers, hedges: counter.hedges, selfCorrections: counter.corrections,
            wordsPerMinute: wordsPerMinute, charactersPerMinute: charactersPerMinute, longGaps: long.count,
            longGapSeconds: longGapSeconds, longestGapSeconds: gaps.max().map { ($0 * 100).rounded() / 100 })
    }
}

extension StarPart {
    var name: String {
        switch self {
        case .situation: "situation"
        case .task: "task"
        case .action: "action"
        case .result: "result"
        case .other: "other"
        }
    }

    var letter: String {
        switch self {
        case .situation: "S"
        case .task: "T"
        case .action: "A"
        case .result: "R"
        case .other: "-"
        }
    }

    /// What a mention in a unit of this part adds to a competency's evidence: concrete actions most, passing
    /// mentions least.
    var evidenceWeight: Double {
        switch self {
        case .action: 1.0
        case .result: 0.6
        case .task: 0.4
        case .situation: 0.3
        case .other: 0.2
        }
    }
}
