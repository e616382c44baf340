import DebriefModel
import Foundation
import Pipeline
import Transcripts

/// Measures transcript analysis against a labelled directory in the `../shared/data/star-dev` layout:
/// `labels.jsonl` (one object per answer: id, language, star{situation,task,action,result}, order,
/// resultQuantified, hypothetical, keywordStuffed, competencies{asserted,negated}, fillers, structureRating) and
/// `ID.vtt` (preferred) or `ID.txt` per answer.
public struct TranscriptEvaluation {
    public let directory: String
    public let model: CompetencyModel

    public init(directory: String, model: CompetencyModel) {
        self.directory = directory
        self.model = model
    }

    struct Label: Decodable {
        struct Parts: Decodable { var situation, task, action, result: Bool }
        struct Competencies: Decodable { var asserted: [String]; var negated: [String] }
        var id: String
        var language: String
        var star: Parts
        var order: String
        var resultQuantified: Bool
        var hypothetical: Bool
        var keywordStuffed: Bool
        var competencies: Competencies
        var fillers: Int
        var structureRating: Int?
    }

    /// One answer: the label and what Debrief found.
    public struct Case: Sendable {
        public var id: String
        public var language: String
        public var expected: [String: Bool]
        public var found: [String: Bool]
        public var expectedOrder: String
        public var foundOrder: String
        public var expectedAsserted: Set<String>
        public var foundAsserted: Set<String>
        public var expectedNegated: Set<String>
        public var foundNegated: Set<String>
        /// Competencies with any counted-scope mention, shown or not (what a keyword list alone would claim).
        public var foundMentioned: Set<String>
        public var expectedFillers: Int
        public var foundFillers: Int
        public var structureRating: Int?
        public var structureScore: Int
        public var sequence: String
    }

    /// Precision, recall and F1 of a binary decision.
    public struct Counts: Sendable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var trueNegatives = 0

        mutating func add(expected: Bool, found: Bool) {
            switch (expected, found) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (true, false): falseNegatives += 1
            case (false, false): trueNegatives += 1
            }
        }
        public var precision: Double? {
            truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
        }
        public var recall: Double? {
            truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        public var f1: Double? {
            let p = precision ?? (falseNegatives == 0 ? 1 : 0)
            let r = recall ?? 1
            return p + r == 0 ? 0 : 2 * p * r / (p + r)
        }
        /// False flags among the negatives.
        public var falseFlagRate: Double? {
            falsePositives + trueNegatives == 0 ? nil : Double(falsePositives) / Double(falsePositives + trueNegatives)
        }
        public var support: Int { truePositives + falseNegatives }
    }

    public struct Summary: Sendable {
        public var cases: [Case]

        public func subset(_ language: String?) -> [Case] {
            language.map { language in cases.filter { $0.language == language } } ?? cases
        }

        public func counts(_ key: String, language: String? = nil) -> Counts {
            var counts = Counts()
            for item in subset(language) { counts.add(expected: item.expected[key]!, found: item.found[key]!) }
            return counts
        }

        /// Competency evidence over (answer, competency) pairs.
        public func competencyCounts(language: String? = nil) -> Counts {
            setCounts(found: \.foundAsserted, expected: \.expectedAsserted, language: language)
        }

        /// Any mention taken as evidence, over (answer, competency) pairs: the bar's effect shows against it.
        public func mentionCounts(language: String? = nil) -> Counts {
            setCounts(found: \.foundMentioned, expected: \.expectedAsserted, language: language)
        }

        /// Denied competencies found as denied, over (answer, competency) pairs.
        public func negationCounts(language: String? = nil) -> Counts {
            setCounts(found: \.foundNegated, expected: \.expectedNegated, language: language)
        }

        private func setCounts(found: KeyPath<Case, Set<String>>, expected: KeyPath<Case, Set<String>>,
                               language: String?) -> Counts {
            var counts = Counts()
            for item in subset(language) {
                counts.truePositives += item[keyPath: found].intersection(item[keyPath: expected]).count
                counts.falsePositives += item[keyPath: found].subtracting(item[keyPath: expected]).count
                counts.falseNegatives += item[keyPath: expected].subtracting(item[keyPath: found]).count
            }
            return counts
        }

        /// Denied competencies that were nonetheless counted as evidence.
        public func deniedButCounted(language: String? = nil) -> Int {
            subset(language).reduce(0) { $0 + $1.foundAsserted.intersection($1.expectedNegated).count }
        }

        /// Filler tokens: per answer, matched = min(found, expected).
        public func fillerCounts(language: String? = nil) -> Counts {
            var counts = Counts()
            for item in subset(language) {
                counts.truePositives += min(item.foundFillers, item.expectedFillers)
                counts.falsePositives += max(0, item.foundFillers - item.expectedFillers)
                counts.falseNegatives += max(0, item.expectedFillers - item.foundFillers)
            }
            return counts
        }

        public func orderAccuracy(language: String? = nil) -> Double? {
            let comparable = subset(language).filter { $0.expectedOrder != "n/a" }
            guard !comparable.isEmpty else { return nil }
            return Double(comparable.filter { $0.foundOrder == $0.expectedOrder }.count) / Double(comparable.count)
        }

        /// Spearman rank correlation of the 0–100 structure score with the 1–5 holistic rating.
        public func structureCorrelation(language: String? = nil) -> Double? {
            let pairs = subset(language).compactMap { item in item.structureRating.map { (Double(item.structureScore), Double($0)) } }
            guard pairs.count >= 3 else { return nil }
            return pearson(zip(ranks(pairs.map(\.0)), ranks(pairs.map(\.1))).map { ($0, $1) })
        }

        public var report: String {
            var lines: [String] = []
            func format(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "  – " }
            for language in [nil] + Array(Set(cases.map(\.language))).sorted().map(Optional.some) {
                let name = language ?? "all"
                lines.append("[\(name)] \(subset(language).count) answers")
                for part in ["situation", "task", "action", "result"] {
                    let counts = counts(part, language: language)
                    lines.append("  \(part.padding(toLength: 22, withPad: " ", startingAt: 0))P \(format(counts.precision))  R \(format(counts.recall))  F1 \(format(counts.f1))  (n=\(counts.support))")
                }
                let quantified = counts("resultQuantified", language: language)
                lines.append("  result quantified     P \(format(quantified.precision))  R \(format(quantified.recall))  F1 \(format(quantified.f1))  (n=\(quantified.support))")
                for flag in ["hypothetical", "keywordStuffed"] {
                    let counts = counts(flag, language: language)
                    lines.append("  \(flag.padding(toLength: 22, withPad: " ", startingAt: 0))caught \(format(counts.recall))  false flags \(format(counts.falseFlagRate))  (n=\(counts.support))")
                }
                let evidence = competencyCounts(language: language)
                lines.append("  competency evidence   P \(format(evidence.precision))  R \(format(evidence.recall))  F1 \(format(evidence.f1))  (n=\(evidence.support))")
                let mentioned = mentionCounts(language: language)
                lines.append("    any mention instead P \(format(mentioned.precision))  R \(format(mentioned.recall))  F1 \(format(mentioned.f1))")
                let negation = negationCounts(language: language)
                lines.append("  denied skills found   P \(format(negation.precision))  R \(format(negation.recall))  (n=\(negation.support)); denied but counted: \(deniedButCounted(language: language))")
                let fillers = fillerCounts(language: language)
                lines.append("  fillers               P \(format(fillers.precision))  R \(format(fillers.recall))  F1 \(format(fillers.f1))  (n=\(fillers.support))")
                lines.append("  order accuracy        \(format(orderAccuracy(language: language)))   structure score vs rating: Spearman \(format(structureCorrelation(language: language)))")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Analyses every labelled answer.
    /// - Throws: `AnalysisError` naming the file when the labels or a transcript cannot be read.
    public func run() throws(AnalysisError) -> Summary {
        let labelsPath = (directory as NSString).appendingPathComponent("labels.jsonl")
        guard let data = FileManager.default.contents(atPath: labelsPath), let text = String(data: data, encoding: .utf8) else {
            throw AnalysisError(code: .input, message: "\(labelsPath): no labels (expected labels.jsonl)")
        }
        let analyzer = TranscriptAnalyzer(model: model)
        var cases: [Case] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.trimmingWhitespace.isEmpty {
            let label: Label
            do { label = try JSONDecoder().decode(Label.self, from: Data(line.utf8)) } catch {
                throw AnalysisError(code: .input, message: "\(labelsPath):\(number + 1): cannot read the label (\(error))")
            }
            let parsed = try transcript(for: label.id)
            let analysis = analyzer.analyze(parsed.cues, timed: parsed.timed)
            guard let answer = analysis.answers[0] else { continue }
            let star = answer.star
            cases.append(Case(
                id: label.id, language: label.language,
                expected: ["situation": label.star.situation, "task": label.star.task, "action": label.star.action,
                           "result": label.star.result, "resultQuantified": label.resultQuantified,
                           "hypothetical": label.hypothetical, "keywordStuffed": label.keywordStuffed],
                found: ["situation": star.situation.present, "task": star.task.present, "action": star.action.present,
                        "result": star.result.present, "resultQuantified": star.resultQuantified,
                        "hypothetical": star.hypothetical, "keywordStuffed": answer.keywordStuffed],
                expectedOrder: label.order, foundOrder: star.order,
                expectedAsserted: Set(label.competencies.asserted),
                foundAsserted: Set(analysis.evidence.filter { $0.value.asserted }.keys),
                expectedNegated: Set(label.competencies.negated),
                foundNegated: Set(analysis.evidence.filter { !$0.value.negated.isEmpty }.keys),
                foundMentioned: Set(analysis.evidence.filter { !$0.value.positive.isEmpty }.keys),
                expectedFillers: label.fillers, foundFillers: answer.fluency.fillers,
                structureRating: label.structureRating, structureScore: star.score, sequence: star.sequence))
        }
        return Summary(cases: cases)
    }

    private func transcript(for id: String) throws(AnalysisError) -> ParsedTranscript {
        for format in [TranscriptFormat.webVTT, .srt, .text] {
            let path = (directory as NSString).appendingPathComponent("\(id).\(format.rawValue)")
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                return try CueParser.parse(try CueParser.decodeText(data, file: path), format: format, file: path)
            } catch {
                throw AnalysisError(error)
            }
        }
        throw AnalysisError(code: .input, message: "\(directory): no transcript for '\(id)' (ID.vtt, ID.srt or ID.txt)")
    }
}

/// Ranks with ties averaged.
func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var result = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
        for position in start...end { result[order[position]] = Double(start + end) / 2 + 1 }
        start = end + 1
    }
    return result
}
