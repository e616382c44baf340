import DebriefModel
import Foundation

/// Fillers, hedges and self-corrections in one stretch of normalised text.
///
/// Unambiguous fillers (um, uh; 嗯, 呃) always count. Ambiguous ones count only in filler position:
/// "like" set off by commas or between a verb and a number ("we had, like, six"; "had like a 9 percent"), never as a
/// verb or comparison ("I'd like to", "something like 12,000"); "you know" / "I mean" as interjections, not with an
/// object ("you know what", "I mean it"); 那个 before a pause or a function word (那个，; 那个如果), never as a
/// determiner (那个月, 那个客户); 就是 before a pause (就是，) or as 就是说 opening a clause, not as a copula
/// (主要就是做…); 然后 only when stuttered (然后然后).
struct DisfluencyCounter {
    var fillers: [String: Int] = [:]
    var hedges = 0
    var corrections = 0

    var fillerCount: Int { fillers.values.reduce(0, +) }

    mutating func count(_ text: String) {
        if UnitSplitter.isHanText(text) { countChinese(text) } else { countEnglish(text) }
    }

    // MARK: English

    private enum Item: Equatable {
        case word(String)
        case pause
    }

    static let likeVerbContext: Set<String> = [
        "would", "i'd", "you'd", "we'd", "i", "you", "we", "they", "to", "feel", "felt", "feels", "look", "looks",
        "looked", "sound", "sounds", "sounded", "seem", "seems", "something", "anything", "nothing", "just", "more",
        "much", "don't", "didn't", "really", "would've", "people", "things", "stuff", "he", "she", "it", "exactly",
        "not",
    ]
    static let likeFillerBefore: Set<String> = ["had", "was", "is", "were", "it's", "there's", "with", "been", "got",
                                                 "took", "takes", "about", "and", "but", "so", "of", "for"]
    static let objectWords: Set<String> = ["what", "how", "that", "who", "where", "why", "when", "the", "him", "her",
                                           "it", "them", "about", "this", "me", "you", "whether", "if"]

    private mutating func countEnglish(_ text: String) {
        var items: [Item] = []
        var word = ""
        for character in text.replacingOccurrences(of: "’", with: "'") {
            if character.isLetter || character.isNumber || character == "'" || character == "-" {
                word.append(character)
            } else {
                if !word.isEmpty { items.append(.word(word)); word = "" }
                if ",;:.!?—–()\"".contains(character) { items.append(.pause) }
            }
        }
        if !word.isEmpty { items.append(.word(word)) }
        func wordAt(_ index: Int) -> String? {
            guard index >= 0, index < items.count, case .word(let value) = items[index] else { return nil }
            return value
        }
        func isBoundary(_ index: Int) -> Bool { index < 0 || index >= items.count || items[index] == .pause }
        var index = 0
        while index < items.count {
            guard let current = wordAt(index) else { index += 1; continue }
            let next = wordAt(index + 1)
            if Lexicon.englishFillers.contains(current) {
                fillers[current, default: 0] += 1
            } else if current == "like" {
                let previous = wordAt(index - 1)
                let setOff = isBoundary(index - 1) || isBoundary(index + 1)
                let verbContext = previous.map { Self.likeVerbContext.contains($0) } ?? false
                let beforeAmount = next.map { ["a", "an", "the", "about", "maybe", "half"].contains($0)
                    || $0.first?.isNumber == true || Quantities.englishWords[$0] != nil } ?? false
                let fillerBefore = previous.map { Self.likeFillerBefore.contains($0) } ?? false
                if !verbContext, setOff || (fillerBefore && beforeAmount) { fillers["like", default: 0] += 1 }
            } else if current == "you", next == "know" {
                let after = wordAt(index + 2)
                let interjection = isBoundary(index + 2) || isBoundary(index - 1)
                if interjection, !(after.map { Self.objectWords.contains($0) } ?? false) {
                    fillers["you know", default: 0] += 1
                    index += 2
                    continue
                }
            } else if current == "i", next == "mean" {
                let after = wordAt(index + 2)
                let previous = wordAt(index - 1)
                let object = after.map { ["it", "that", "what", "to"].contains($0) } ?? false
                let reported = previous.map { ["what", "know", "see", "that's"].contains($0) } ?? false
                if isBoundary(index + 2) || isBoundary(index - 1), !object, !reported {
                    fillers["i mean", default: 0] += 1
                    index += 2
                    continue
                }
            }
            // Self-corrections: a word said twice in a row ("I I", "the the"), or a repair phrase.
            if let next, next == current, !["had", "that", "very", "really", "bye", "no", "so"].contains(current) {
                corrections += 1
            }
            index += 1
        }
        let words = items.compactMap { item -> String? in
            if case .word(let value) = item { return value }
            return nil
        }
        hedges += Phrases.hedges.count(words: words)
        corrections += Phrases.corrections.count(words: words)
    }

    // MARK: Chinese

    static let chinesePause: Set<Character> = ["，", ",", "。", "！", "？", "；", "、", " ", "…", "：", "!", "?", "."]
    static let functionWords = ["如果", "就", "我", "他", "她", "每", "也", "还", "都", "其实", "然后", "因为", "所以",
                                "就是", "反正", "嗯", "呃", "这个", "是", "在", "对", "比如", "有", "怎么说", "你", "咱",
                                "那", "要", "可能", "当", "不"]

    private mutating func countChinese(_ text: String) {
        let characters = Array(text)
        func pauseAt(_ index: Int) -> Bool {
            index < 0 || index >= characters.count || Self.chinesePause.contains(characters[index])
        }
        /// A word at `index` opens a clause: after a pause, the start, or another filler (嗯那个…).
        func opensClause(_ index: Int) -> Bool {
            pauseAt(index - 1) || Lexicon.chineseFillers.contains(characters[index - 1])
        }
        func follows(_ index: Int, _ words: [String]) -> Bool {
            let rest = String(characters[min(index, characters.count)...].prefix(4))
            return words.contains { rest.hasPrefix($0) }
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if Lexicon.chineseFillers.contains(character) {
                fillers[String(character), default: 0] += 1
            } else if character == "额", opensClause(index) || pauseAt(index + 1) {
                // 额 as a filler stands alone; inside a word (金额, 销售额, 额外) it is not one.
                fillers["额", default: 0] += 1
            } else if follows(index, ["那个"]) {
                let end = index + 2
                if pauseAt(end) || (opensClause(index) && follows(end, Self.functionWords)) {
                    fillers["那个", default: 0] += 1
                }
                index = end
                continue
            } else if follows(index, ["就是"]) {
                let end = index + 2
                if pauseAt(end) || (opensClause(index) && follows(end, ["说"])) {
                    fillers["就是", default: 0] += 1
                    index = end + (follows(end, ["说"]) ? 1 : 0)
                    continue
                }
                index = end
                continue
            } else if follows(index, ["然后然后"]) {
                fillers["然后", default: 0] += 1
                index += 2
                continue
            }
            index += 1
        }
        hedges += Phrases.hedges.count(characters: characters)
        corrections += Phrases.corrections.count(characters: characters)
    }
}
