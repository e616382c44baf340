import DebriefModel
import Foundation

/// Charts drawn on the server as inline SVG (no script, no library): they print, and they show in any browser.
/// Every text in them is escaped; every number is formatted with a fixed number of decimals.
public enum Charts {
    /// One competency of the profile chart.
    public struct ProfileRow: Sendable {
        public var label: String
        /// The candidate's score (0–100); nil when the competency could not be scored.
        public var score: Double?
        /// The job's ideal score for it (0–100).
        public var ideal: Double

        public init(label: String, score: Double?, ideal: Double) {
            self.label = label
            self.score = score
            self.ideal = ideal
        }
    }

    /// The candidate's competency profile (bars) against the job's ideal profile (a mark on each bar).
    public static func profile(_ rows: [ProfileRow], caption: String, notScored: String) -> String {
        let labelWidth = 170, barWidth = 300, rowHeight = 26
        let height = rows.count * rowHeight + 22
        var svg = open(width: labelWidth + barWidth + 50, height: height, label: caption)
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight + 4
            // A long name goes on two lines rather than being cut (a Chinese character is two columns wide).
            let lines = wrap(row.label, columns: 27)
            if lines.count == 1 {
                svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(HTML.escape(lines[0]))</text>"
            } else {
                svg += "<text x=\"0\" y=\"\(y + 9)\" font-size=\"11\">\(HTML.escape(lines[0]))"
                    + "<tspan x=\"0\" y=\"\(y + 21)\">\(HTML.escape(lines[1]))</tspan></text>"
            }
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(barWidth)\" height=\"14\" fill=\"#eef0f3\"/>"
            if let score = row.score {
                let width = Int((max(0, min(100, score)) / 100 * Double(barWidth)).rounded())
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"14\" fill=\"#2563eb\">"
                    + "<title>\(HTML.escape(row.label)): \(fixed(score))</title></rect>"
                svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 15)\" font-size=\"12\">\(fixed(score, 0))</text>"
            } else {
                svg += "<text x=\"\(labelWidth + 6)\" y=\"\(y + 15)\" font-size=\"11\" fill=\"#667085\">"
                    + "\(HTML.escape(notScored))</text>"
            }
            let x = labelWidth + Int((max(0, min(100, row.ideal)) / 100 * Double(barWidth)).rounded())
            svg += "<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(x)\" y2=\"\(y + 22)\" stroke=\"#111827\" stroke-width=\"2\">"
                + "<title>ideal \(fixed(row.ideal, 0))</title></line>"
        }
        let axis = rows.count * rowHeight + 16
        for tick in stride(from: 0, through: 100, by: 25) {
            let x = labelWidth + tick * barWidth / 100
            svg += "<text x=\"\(x)\" y=\"\(axis)\" font-size=\"10\" fill=\"#667085\" text-anchor=\"middle\">\(tick)</text>"
        }
        return svg + "</svg>"
    }

    /// STAR coverage: a row per answer, a square per part (filled when the answer has it).
    public static func star(_ answers: [(label: String, parts: [Bool])], headings: [String], caption: String) -> String {
        let labelWidth = 90, cell = 22
        let height = (answers.count + 1) * cell + 4
        var svg = open(width: labelWidth + headings.count * cell + 10, height: height, label: caption)
        for (column, heading) in headings.enumerated() {
            svg += "<text x=\"\(labelWidth + column * cell + cell / 2 - 1)\" y=\"14\" font-size=\"12\" "
                + "text-anchor=\"middle\">\(HTML.escape(heading))</text>"
        }
        for (row, answer) in answers.enumerated() {
            let y = (row + 1) * cell
            svg += "<text x=\"0\" y=\"\(y + 14)\" font-size=\"12\">\(HTML.escape(clip(answer.label, 12)))</text>"
            for (column, present) in answer.parts.enumerated() {
                svg += "<rect x=\"\(labelWidth + column * cell)\" y=\"\(y + 2)\" width=\"\(cell - 4)\" height=\"\(cell - 4)\" "
                    + "rx=\"3\" fill=\"\(present ? "#16a34a" : "#e5e7eb")\"><title>\(HTML.escape(answer.label)) "
                    + "\(HTML.escape(headings[column])): \(present ? "✓" : "–")</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    /// Pitch (F0, Hz) and loudness (dB) over the recording, with the answers' boundaries and the pauses shaded.
    /// `f0Hz` is 0 where unvoiced (no line is drawn there).
    public static func voice(startSeconds: Double, hopSeconds: Double, f0Hz: [Float], intensityDb: [Float],
                             duration: Double, boundaries: [(start: Double, label: String)], pauses: [TimeSpan],
                             caption: String, legend: (pitch: String, loudness: String, pause: String)) -> String {
        let width = 640, plotHeight = 150, left = 40, right = 40
        let plotWidth = width - left - right
        let total = max(duration, startSeconds + Double(max(f0Hz.count, intensityDb.count)) * hopSeconds, 1)
        func x(_ seconds: Double) -> Double { Double(left) + seconds / total * Double(plotWidth) }
        // The pitch axis spans the speaker's range (2nd–98th percentile), so that a stray octave jump does not
        // flatten the line.
        let voiced = f0Hz.filter { $0 > 0 }.sorted()
        func quantile(_ q: Double) -> Float? { voiced.isEmpty ? nil : voiced[Int(Double(voiced.count - 1) * q)] }
        let f0Low = Double(max(50, (quantile(0.02) ?? 75) - 10)), f0High = Double((quantile(0.98) ?? 300) + 10)
        let loud = intensityDb.filter { $0 > 0 }
        let dbLow = Double((loud.min() ?? 20).rounded(.down)), dbHigh = max(dbLow + 10, Double((loud.max() ?? 80).rounded(.up)))
        func y(_ value: Double, _ low: Double, _ high: Double) -> Double {
            10 + (1 - (value - low) / max(high - low, 1e-6)) * Double(plotHeight)
        }
        var svg = open(width: width, height: plotHeight + 52, label: caption)
        svg += "<rect x=\"\(left)\" y=\"10\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"#fafbfc\" stroke=\"#e4e7ec\"/>"
        for pause in pauses {
            svg += "<rect x=\"\(fixed(x(pause.start), 1))\" y=\"10\" width=\"\(fixed(max(0.5, x(pause.end) - x(pause.start)), 1))\" "
                + "height=\"\(plotHeight)\" fill=\"#fde68a\" opacity=\"0.6\"><title>\(HTML.escape(legend.pause)) "
                + "\(clock(pause.start))–\(clock(pause.end))</title></rect>"
        }
        svg += polyline(intensityDb.enumerated().map { index, value in
            value > 0 ? (x(startSeconds + Double(index) * hopSeconds), y(Double(value), dbLow, dbHigh)) : nil
        }, colour: "#94a3b8")
        svg += polyline(f0Hz.enumerated().map { index, value in
            value > 0 ? (x(startSeconds + Double(index) * hopSeconds),
                         y(min(max(Double(value), f0Low), f0High), f0Low, f0High)) : nil
        }, colour: "#2563eb")
        for boundary in boundaries {
            let bx = fixed(x(boundary.start), 1)
            svg += "<line x1=\"\(bx)\" y1=\"10\" x2=\"\(bx)\" y2=\"\(10 + plotHeight)\" stroke=\"#111827\" "
                + "stroke-dasharray=\"4 3\"/><text x=\"\(bx)\" y=\"\(plotHeight + 22)\" font-size=\"10\" "
                + "text-anchor=\"middle\">\(HTML.escape(clip(boundary.label, 6)))</text>"
        }
        svg += "<text x=\"\(left - 4)\" y=\"18\" font-size=\"10\" fill=\"#2563eb\" text-anchor=\"end\">\(fixed(f0High, 0))</text>"
            + "<text x=\"\(left - 4)\" y=\"\(plotHeight + 10)\" font-size=\"10\" fill=\"#2563eb\" text-anchor=\"end\">"
            + "\(fixed(f0Low, 0))</text>"
            + "<text x=\"\(width - right + 4)\" y=\"18\" font-size=\"10\" fill=\"#64748b\">\(fixed(dbHigh, 0))</text>"
            + "<text x=\"\(width - right + 4)\" y=\"\(plotHeight + 10)\" font-size=\"10\" fill=\"#64748b\">\(fixed(dbLow, 0))</text>"
        let legendY = plotHeight + 42
        svg += "<text x=\"\(left)\" y=\"\(legendY)\" font-size=\"11\" fill=\"#2563eb\">— \(HTML.escape(legend.pitch)) (Hz)</text>"
            + "<text x=\"\(left + 200)\" y=\"\(legendY)\" font-size=\"11\" fill=\"#64748b\">— \(HTML.escape(legend.loudness)) (dB)</text>"
            + "<rect x=\"\(left + 400)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"#fde68a\" "
            + "opacity=\"0.6\" stroke=\"#d6b656\"/><text x=\"\(left + 414)\" y=\"\(legendY)\" font-size=\"11\" "
            + "fill=\"#475467\">\(HTML.escape(legend.pause))</text>"
            + "<text x=\"\(left)\" y=\"\(plotHeight + 22)\" font-size=\"10\">0:00</text>"
            + "<text x=\"\(width - right)\" y=\"\(plotHeight + 22)\" font-size=\"10\" text-anchor=\"end\">\(clock(total))</text>"
            + "<text x=\"\(left - 4)\" y=\"\(10 + plotHeight / 2)\" font-size=\"10\" fill=\"#2563eb\" text-anchor=\"end\">Hz</text>"
            + "<text x=\"\(width - right + 4)\" y=\"\(10 + plotHeight / 2)\" font-size=\"10\" fill=\"#64748b\">dB</text>"
        return svg + "</svg>"
    }

    private static func open(width: Int, height: Int, label: String) -> String {
        "<svg role=\"img\" aria-label=\"\(HTML.escape(label))\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
            + "font-family=\"system-ui,sans-serif\">"
    }

    /// Lines through the points, broken where a point is missing (unvoiced or silent).
    private static func polyline(_ points: [(Double, Double)?], colour: String) -> String {
        var svg = "", run: [String] = []
        func flush() {
            if run.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.2\" points=\"\(run.joined(separator: " "))\"/>"
            }
            run = []
        }
        for point in points {
            if let (x, y) = point { run.append("\(fixed(x, 1)),\(fixed(y, 1))") } else { flush() }
        }
        flush()
        return svg
    }

    private static func clip(_ text: String, _ count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }

    /// `text` in at most two lines of `columns` (a Han character counts two), broken at a space where there is
    /// one; only what does not fit in two lines is cut.
    static func wrap(_ text: String, columns: Int) -> [String] {
        func width(_ part: Substring) -> Int { part.reduce(0) { $0 + ($1.unicodeScalars.contains(where: \.isHan) ? 2 : 1) } }
        guard width(text[...]) > columns else { return [text] }
        var end = text.startIndex, used = 0
        while end < text.endIndex, used + width(text[end...end]) <= columns {
            used += width(text[end...end])
            end = text.index(after: end)
        }
        if let space = text[..<end].lastIndex(of: " "), space > text.startIndex { end = space }
        let first = String(text[..<end]).trimmingCharacters(in: .whitespaces)
        var rest = String(text[end...]).trimmingCharacters(in: .whitespaces)
        if width(rest[...]) > columns {
            var cut = "", taken = 0
            for character in rest {
                let w = character.unicodeScalars.contains(where: \.isHan) ? 2 : 1
                if taken + w > columns - 1 { break }
                cut.append(character)
                taken += w
            }
            rest = cut + "…"
        }
        return [first, rest]
    }
}
