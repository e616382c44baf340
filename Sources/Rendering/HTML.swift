import DebriefModel
import Foundation
/// Minimal HTML building with escaping by default: every piece of text passes through `escape`.
public enum HTML {
    /// Escapes the five characters that matter in element content and quoted attributes. Works on UTF-8 bytes (the
    /// five are ASCII, which never occurs inside a multi-byte sequence) and returns the text itself when it has none.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case 0x26: output.append(contentsOf: "&amp;".utf8)
            case 0x3C: output.append(contentsOf: "&lt;".utf8)
            case 0x3E: output.append(contentsOf: "&gt;".utf8)
            case 0x22: output.append(contentsOf: "&quot;".utf8)
            case 0x27: output.append(contentsOf: "&#39;".utf8)
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A whole page with the shared style. `title` is escaped; `body` is trusted markup built with `escape`.
    /// Who is signed in, shown in the header with a sign-out button (a form carrying the session's CSRF token).
    public struct Account: Sendable {
        public var name: String
        public var csrf: String?
        /// An administrator: the header links the users page.
        public var admin: Bool
        public init(name: String, csrf: String?, admin: Bool = false) {
            self.name = name
            self.csrf = csrf
            self.admin = admin
        }
    }

    /// A whole page. `query` is the request's query string: the language switch keeps its other parameters (a filter,
    /// a sort order, where to go after signing in) and only changes `lang`.
    public static func page(title: String, body: String, language: UILanguage, account: Account? = nil,
                            query: String? = nil) -> String {
        let signOut = account.map { account in
            "<span class=\"who\">\(escape(account.name))</span>" + (account.csrf.map { csrf in
                "<form method=\"post\" action=\"/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" "
                    + "value=\"\(escape(csrf))\"><button>\(language == .zh ? "退出" : "Sign out")</button></form>"
            } ?? "")
        } ?? ""
        return """
        <!doctype html>
        <html lang="\(language == .zh ? "zh-CN" : "en")">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
        header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:center}
        header a{color:#fff;text-decoration:none;margin-left:12px}
        main{max-width:1000px;margin:0 auto;padding:16px 24px}
        section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.15em;margin:.2em 0 .6em}
        table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7ec;vertical-align:top}
        .score{font-size:2.2em;font-weight:700} .muted{color:#667085} tr.interviewer td{color:#475467;background:#f2f4f7} .warn{color:#9a3412}
        .bar{background:#e4e7ec;border-radius:4px;height:10px;width:160px;display:inline-block;vertical-align:middle}
        .bar>span{display:block;height:10px;border-radius:4px;background:#2563eb}
        blockquote{margin:4px 0;padding:4px 10px;border-left:3px solid #2563eb;background:#f1f5ff}
        blockquote.neg{border-color:#9ca3af;background:#f3f4f6}
        blockquote.mention{border-color:#d1d5db;background:#fafafa;color:#4b5563}
        .pill{display:inline-block;padding:1px 8px;border-radius:10px;background:#e0e7ff;font-size:.85em}
        .failed{color:#b42318}
        .player{position:sticky;top:0;z-index:2} .player video{max-width:100%;max-height:240px;display:block}
        .player audio{width:100%} svg.chart{max-width:100%;height:auto;display:block;margin:6px 0 10px}
        a.seek{color:#1d4ed8;font-size:.9em}
        form.inline{display:inline;margin-left:12px} .who{margin-left:16px;color:#cbd5e1}
        form.inline button{background:none;border:1px solid #667085;color:#fff;border-radius:4px;cursor:pointer}
        form.login{max-width:320px} form.login label{display:block;margin:10px 0 4px}
        form.login input{width:100%;padding:6px;box-sizing:border-box} form.login button{margin-top:14px;padding:6px 16px}
        form.admin{max-width:440px} form.admin>label{display:block;margin:10px 0 4px} form.admin fieldset{margin:12px 0 0}
        form.admin fieldset label{display:block;margin:3px 0} form.admin button{margin-top:14px;padding:6px 16px}
        form.admin>input,form.admin select{width:100%;padding:6px;box-sizing:border-box} form.plain{margin:0}
        @media print{header,.noprint{display:none} body{background:#fff} section{box-shadow:none;margin:8px 0}}
        </style></head>
        <body>
        <header><strong>Debrief</strong><nav><a href="/">\(language == .zh ? "报告" : "Reports")</a>
        <a href="/jobs">\(language == .zh ? "岗位" : "Jobs")</a>\(account?.admin == true
            ? "<a href=\"/admin/models\">\(language == .zh ? "模型" : "Models")</a>"
                + "<a href=\"/admin/users\">\(language == .zh ? "用户" : "Users")</a>" : "")
        <a href="\(languageLink(.en, query: query))">English</a><a href="\(languageLink(.zh, query: query))">中文</a>\(signOut)</nav></header>
        <main>
        \(body)
        </main></body></html>
        """
    }
}

extension HTML {
    /// `?…&lang=xx` for this page: the request's other query items kept as they came (already percent-encoded), any
    /// `lang` item replaced; escaped for an attribute.
    static func languageLink(_ language: UILanguage, query: String?) -> String {
        let kept = (query ?? "").split(separator: "&").filter { item in
            !item.isEmpty && item.split(separator: "=", maxSplits: 1).first.map(String.init) != "lang"
        }
        return escape("?" + (kept.map(String.init) + ["lang=" + language.rawValue]).joined(separator: "&"))
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        var text = String(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return text
    }
}

/// Formats seconds as m:ss.
public func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–" }
    let total = Int(seconds.rounded(.down))
    return "\(total / 60):" + (total % 60 < 10 ? "0" : "") + "\(total % 60)"
}

/// Formats a number with a fixed count of decimals.
public func fixed(_ value: Double?, _ decimals: Int = 1) -> String {
    guard let value, value.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if decimals == 0 { return String(Int(rounded)) }
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
    }
    return text
}

/// CSV for spreadsheets (RFC 4180).
public enum CSV {
    /// One field: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is neutralised with an
    /// apostrophe so that a spreadsheet never runs it as a formula (CSV injection).
    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Rows as CSV text, CRLF line ends.
    public static func table(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

extension HTML {
    /// A moment for people: date and time to the minute, with its time zone said (UTC, as the server keeps time).
    public static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
