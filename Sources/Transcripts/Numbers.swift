import Foundation

/// Chinese numerals read as numbers: 一万二千 → 12000, 两百 → 200, 三千五 → 3500, 三点五 → 3.5, 二十五 → 25.
public enum ChineseNumerals {
    static let digits: [Character: Double] = [
        "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]
    static let smallUnits: [Character: Double] = ["十": 10, "百": 100, "千": 1000]
    static let bigUnits: [Character: Double] = ["万": 10_000, "亿": 100_000_000]
    /// Every character that can be part of a Chinese numeral.
    static let characters: Set<Character> = Set(digits.keys).union(smallUnits.keys).union(bigUnits.keys).union(["点"])

    /// The value of a Chinese numeral (digits may be mixed in: 3万 → 30000), or nil when `text` is not one.
    public static func value(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        var total = 0.0       // completed 万/亿 groups
        var section = 0.0     // the group being read (below 万)
        var number: Double?   // the pending digit(s)
        var lastUnit = 1.0    // the last small unit read, for 三千五 = 3500
        var lastBig = 1.0
        var previousWasUnit = false
        var previousWasDigit = false
        var fraction: String?
        for character in text {
            if fraction != nil {
                if let digit = digits[character] { fraction! += String(Int(digit)); continue }
                if let digit = character.wholeNumberValue { fraction! += String(digit); continue }
                return nil
            }
            if let digit = digits[character] ?? (character.isASCII ? character.wholeNumberValue.map(Double.init) : nil) {
                // Consecutive digits read positionally (二〇二三 = 2023, 一百零五 = 105, 12万 = 120000).
                number = previousWasDigit ? (number ?? 0) * 10 + digit : digit
                previousWasUnit = false
                previousWasDigit = true
                continue
            }
            previousWasDigit = false
            if let unit = smallUnits[character] {
                section += (number ?? (unit == 10 ? 1 : 0)) * unit
                if number == nil, unit != 10 { return nil }
                number = nil
                lastUnit = unit
                previousWasUnit = true
            } else if let big = bigUnits[character] {
                section += number ?? 0
                guard section > 0 || total > 0 else { return nil }
                // 一亿二千万: a smaller group unit scales only its own section.
                total = big < lastBig ? total + section * big : (total + section) * big
                section = 0
                number = nil
                lastBig = big
                lastUnit = 1
                previousWasUnit = true
            } else if character == "点" {
                section += number ?? 0
                number = nil
                fraction = ""
            } else {
                return nil
            }
        }
        if let number {
            // A trailing digit after a unit abbreviates the next unit down: 三千五 = 3500, 一万二 = 12000.
            if previousWasUnit == false, lastUnit > 1, text.count >= 2,
               let last = text.dropLast().last, smallUnits[last] != nil {
                section += number * lastUnit / 10
            } else if lastUnit == 1, lastBig > 1, let last = text.dropLast().last, bigUnits[last] != nil {
                section += number * lastBig / 10
            } else {
                section += number
            }
        }
        var value = total + section
        if let fraction, !fraction.isEmpty, let decimals = Double("0." + fraction) { value += decimals }
        return value
    }
}

/// A number said in the transcript, with what it measures.
public struct Quantity: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case percent, money, multiple, count, duration, year
    }
    public var value: Double
    public var kind: Kind
    /// The words that said it.
    public var text: String
    /// A time span used as a time adverbial ("三个月后", "一年下来", "two weeks later"): context, not an outcome.
    public var isTimeAdverbial: Bool
    /// A span gained or saved ("a day early", "a week ahead"): a measure even when it is one.
    public var isGain = false

    /// Whether this number states a measurable outcome: percentages, money and multiples always; counts and
    /// durations when they are more than one (一个/"one" are articles as often as numbers) and not time adverbials.
    public var isMeasure: Bool {
        switch kind {
        case .percent, .money, .multiple: return true
        case .year: return false
        case .count, .duration: return (value >= 2 || isGain) && !isTimeAdverbial
        }
    }
}

/// Finds numbers in normalised (lowercased, simplified) text of either language.
public enum Quantities {
    static let englishWords: [String: Double] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1_000_000,
        "billion": 1_000_000_000, "dozen": 12, "half": 0.5, "twice": 2, "double": 2, "doubled": 2, "tripled": 3,
        "quadrupled": 4, "halved": 0.5,
    ]
    static let comparatives: Set<String> = [
        "more", "as", "faster", "quicker", "higher", "larger", "bigger", "better", "greater", "the", "over", "less",
        "fewer", "cheaper", "longer", "shorter", "lower",
    ]
    static let gains: Set<String> = [
        "early", "earlier", "ahead", "sooner", "faster", "quicker", "less", "fewer", "shorter",
    ]
    static let multipliers: Set<String> = ["hundred", "thousand", "million", "billion", "k", "m", "bn"]
    static let englishMultiples: Set<String> = ["twice", "double", "doubled", "tripled", "quadrupled", "halved", "times"]
    static let timeUnits: Set<String> = [
        "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months",
        "year", "years", "quarter", "quarters",
    ]
    static let englishAdverbialBefore: Set<String> = ["within", "after", "for", "in", "over", "during"]
    static let englishAdverbialAfter: Set<String> = ["later", "after", "afterwards", "ago", "before", "into"]
    static let moneyWords: Set<String> = ["dollars", "dollar", "pounds", "euros", "yuan", "rmb", "usd", "revenue"]
    static let percentWords: Set<String> = ["percent", "per", "%", "percentage", "points"]

    static let chineseTimeUnits = ["分钟", "小时", "天", "周", "个星期", "星期", "个月", "月", "年", "个季度", "季度", "秒"]
    static let chineseAdverbialAfter = ["后", "以后", "之后", "下来", "以来", "内", "之内", "以内", "前", "里"]
    static let chineseMoney = ["元", "块", "美元", "万元", "亿元"]

    /// Numbers in `text`.
    public static func find(in text: String) -> [Quantity] {
        var found: [Quantity] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            // Chinese fractions: 百分之三十, 千分之六, 万分之五.
            if let prefix = ["百分之", "千分之", "万分之"].first(where: { matches(characters, at: index, $0) }) {
                var end = index + prefix.count
                while end < characters.count, isNumeral(characters[end]) { end += 1 }
                let digits = String(characters[(index + prefix.count)..<end])
                if let value = ChineseNumerals.value(digits) ?? Double(digits) {
                    let divisor: Double = prefix == "百分之" ? 1 : (prefix == "千分之" ? 10 : 100)
                    found.append(Quantity(value: value / divisor, kind: .percent,
                                          text: String(characters[index..<end]), isTimeAdverbial: false))
                    index = end
                    continue
                }
            }
            if ["翻了一番", "翻一番", "翻了一倍", "翻倍", "翻番", "翻了两番"].contains(where: { matches(characters, at: index, $0) }) {
                found.append(Quantity(value: 2, kind: .multiple, text: "翻番", isTimeAdverbial: false))
                index += 3
                continue
            }
            guard isNumeral(character) || character.isASCIINumber else { index += 1; continue }
            var end = index
            while end < characters.count,
                  isNumeral(characters[end]) || characters[end].isASCIINumber
                    || ((characters[end] == "." || characters[end] == ",") && end + 1 < characters.count
                        && characters[end + 1].isASCIINumber && end > index) {
                end += 1
            }
            let raw = String(characters[index..<end])
            let plain = raw.replacingOccurrences(of: ",", with: "")
            guard let value = Double(plain) ?? ChineseNumerals.value(raw) else { index = end; continue }
            // 周五, 星期三, 礼拜一 name weekdays, not numbers.
            if !raw.contains(where: \.isASCIINumber), raw.count == 1,
               ["周", "星期", "礼拜"].contains(where: { String(characters[max(0, index - $0.count)..<index]) == $0 }) {
                index = end
                continue
            }
            // A lone 一/两 inside a word (一起, 一直, 一些, 两边) is not a number; neither is 万一 or 一下; 十 is one
            // before a measure word (十天, 十个人) but not in 十分 ("very").
            if !raw.contains(where: \.isASCIINumber), raw.count == 1, ["一", "两", "万", "千", "百", "十", "点"].contains(raw) {
                let counted = ["一", "两", "十"].contains(raw) && isMeasureWord(characters, at: end)
                    && !(raw == "十" && matches(characters, at: end, "分"))
                if !counted { index = end; continue }
            }
            let after = String(characters[end..<min(characters.count, end + 6)])
            let before = String(characters[max(0, index - 3)..<index])
            var kind = Quantity.Kind.count
            var adverbial = false
            var consumed = end
            if after.hasPrefix("%") || after.hasPrefix("％") { kind = .percent; consumed += 1 }
            else if after.hasPrefix("倍") { kind = .multiple }
            else if chineseMoney.contains(where: { after.hasPrefix($0) }) || before.hasSuffix("$") || before.hasSuffix("¥") {
                kind = .money
            } else if let unit = chineseTimeUnits.first(where: { after.hasPrefix($0) }) {
                kind = .duration
                let rest = String(after.dropFirst(unit.count))
                adverbial = chineseAdverbialAfter.contains { rest.hasPrefix($0) }
                    || (unit == "年" && value >= 1900 && value <= 2100)
                if unit == "年", value >= 1900, value <= 2100 { kind = .year }
            } else if plain.count == 4, raw.allSatisfy(\.isASCIINumber), (1900...2100).contains(value) {
                kind = .year
            } else if raw.contains(where: \.isASCIINumber) {
                // Digits in English text: the next word says what they measure.
                let rest = String(characters[end..<min(characters.count, end + 24)]).lowercased()
                    .split(whereSeparator: { !$0.isLetter }).map(String.init)
                let previousWord = String(characters[max(0, index - 12)..<index]).lowercased()
                    .split(whereSeparator: { !$0.isLetter }).last.map(String.init) ?? ""
                let next = rest.first ?? ""
                if next.hasPrefix("percent") || next == "per" && rest.dropFirst().first == "cent" { kind = .percent }
                else if next == "x" || next == "times" && rest.dropFirst().first.map(comparatives.contains) == true {
                    kind = .multiple
                }
                else if moneyWords.contains(next) || ["k", "million", "billion", "thousand"].contains(next) { kind = .money }
                else if timeUnits.contains(next) {
                    kind = .duration
                    adverbial = englishAdverbialBefore.contains(previousWord)
                        || rest.dropFirst().first.map { englishAdverbialAfter.contains($0) } == true
                }
                if kind != .count, let unit = rest.first, !after.hasPrefix("%") {
                    found.append(Quantity(value: value, kind: kind, text: "\(raw) \(unit)", isTimeAdverbial: adverbial))
                    index = consumed
                    continue
                }
            }
            found.append(Quantity(value: value, kind: kind, text: String(characters[index..<consumed]),
                                  isTimeAdverbial: adverbial))
            index = consumed
        }
        found += englishQuantities(in: text)
        return found
    }

    private static func englishQuantities(in text: String) -> [Quantity] {
        let words = text.split(whereSeparator: { $0.isWhitespace || ($0.isPunctuation && $0 != "%" && $0 != "." && $0 != "-") })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        var found: [Quantity] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            let parts = word.split(separator: "-").map(String.init)   // "forty-one"
            var value: Double?
            if parts.count == 2, let tens = englishWords[parts[0]], let ones = englishWords[parts[1]], tens >= 20, ones < 10 {
                value = tens + ones
            } else if let number = englishWords[word] {
                value = number
            }
            guard let value else {
                // "a day early", "a week ahead of schedule": one unit of time gained.
                if ["a", "an"].contains(word), index + 2 < words.count, timeUnits.contains(words[index + 1]),
                   gains.contains(words[index + 2]) {
                    found.append(Quantity(value: 1, kind: .duration,
                                          text: words[index...(index + 2)].joined(separator: " "),
                                          isTimeAdverbial: false, isGain: true))
                    index += 3
                } else {
                    index += 1
                }
                continue
            }
            var total = value
            var end = index + 1
            while end < words.count, multipliers.contains(words[end]) || (englishWords[words[end]].map { $0 >= 100 } ?? false) {
                total *= englishWords[words[end]] ?? (words[end] == "k" ? 1000 : words[end] == "m" ? 1e6 : 1e9)
                end += 1
            }
            let next = end < words.count ? words[end] : ""
            let previous = index > 0 ? words[index - 1] : ""
            var kind = Quantity.Kind.count
            var adverbial = false
            let following = end + 1 < words.count ? words[end + 1] : ""
            // "twice as fast", "three times more" multiply; "called three times", "damaged twice" count occasions.
            if ["twice", "times"].contains(word) || next == "times" {
                if comparatives.contains(next == "times" ? following : next) { kind = .multiple }
            } else if englishMultiples.contains(word) { kind = .multiple }
            else if percentWords.contains(next) || next.hasPrefix("percent") { kind = .percent }
            else if moneyWords.contains(next) || previous == "$" { kind = .money }
            else if timeUnits.contains(next) {
                kind = .duration
                adverbial = englishAdverbialBefore.contains(previous) || englishAdverbialAfter.contains(following)
            }
            found.append(Quantity(value: total, kind: kind, text: words[index..<end].joined(separator: " "),
                                  isTimeAdverbial: adverbial))
            index = end
        }
        // Digits in English text are found by the shared scan; only their units need English context.
        return found
    }

    static func isNumeral(_ character: Character) -> Bool { ChineseNumerals.characters.contains(character) }

    private static let measureWords: Set<Character> = [
        "个", "名", "位", "家", "次", "倍", "成", "万", "千", "百", "箱", "张", "台", "辆", "元", "块", "天", "周", "年",
        "月", "人", "款", "条", "项", "份", "分", "点", "所", "届",
    ]

    private static func isMeasureWord(_ characters: [Character], at index: Int) -> Bool {
        index < characters.count && measureWords.contains(characters[index])
    }

    private static func matches(_ characters: [Character], at index: Int, _ word: String) -> Bool {
        var position = index
        for character in word {
            guard position < characters.count, characters[position] == character else { return false }
            position += 1
        }
        return true
    }
}

extension Character {
    var isASCIINumber: Bool { isASCII && isNumber }
}
