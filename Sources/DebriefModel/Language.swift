/// Languages Debrief analyses. Reports, models and pages exist in both.
public enum Language: String, Sendable, Codable, CaseIterable {
    case en
    case zh
    case mixed
    case unknown

    /// Detects the dominant script of `text`: Han characters versus Latin letters.
    /// A text where the minority script holds more than a quarter of the letters is `mixed`.
    public static func detect(_ text: String) -> Language {
        var han = 0
        var latin = 0
        for scalar in text.unicodeScalars {
            if scalar.isHan { han += 1 } else if scalar.properties.isAlphabetic && scalar.value < 0x250 { latin += 1 }
        }
        // One Han character carries about as much as one Latin word (~4.5 letters).
        let latinWeight = Double(latin) / 4.5
        let hanWeight = Double(han)
        let total = latinWeight + hanWeight
        guard total >= 1 else { return .unknown }
        let hanShare = hanWeight / total
        if hanShare > 0.75 { return .zh }
        if hanShare < 0.25 { return .en }
        return .mixed
    }
}

extension Unicode.Scalar {
    /// CJK unified ideographs (basic, extension A, compatibility).
    public var isHan: Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x2A6DF: return true
        default: return false
        }
    }
}

/// Language of a rendered page.
public enum UILanguage: String, Sendable {
    case en
    case zh

    /// Picks the language from an explicit `?lang=` value, else the first supported tag of `Accept-Language`.
    public static func negotiate(query: String?, acceptLanguage: String?) -> UILanguage {
        if let query, let language = UILanguage(rawValue: query.lowercased()) { return language }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let tag = part.split(separator: ";")[0].trimmingWhitespace.lowercased()
            if tag.hasPrefix("zh") { return .zh }
            if tag.hasPrefix("en") { return .en }
        }
        return .en
    }
}
