import DebriefModel
import Foundation
import Store

/// Decoded reports and their rendered pages, most recently used first, at most `capacity` reports. An entry serves
/// only while the stored JSON is byte for byte the one it was made from, so a revision (a re-score) is never
/// shown stale. Decoding a report and drawing its page are most of a page's cost (~2 ms on this machine kind);
/// reading the stored bytes and comparing them is a fraction of that.
final class ReportCache: @unchecked Sendable {
    private struct Entry {
        var json: Data
        var report: Report
        /// Rendered page bodies by variant (language, player, ideal profile), split where the review goes.
        var bodies: [String: (String, String)] = [:]
        var used: UInt64
    }

    private let lock = NSLock()
    private var entries: [ReportID: Entry] = [:]
    private var tick: UInt64 = 0
    let capacity: Int

    init(capacity: Int = 128) { self.capacity = capacity }

    /// The report stored as `json`, decoded once.
    func report(_ id: ReportID, json: Data) throws -> Report {
        if let report = locked({ () -> Report? in
            guard var entry = entries[id], entry.json == json else { return nil }
            entry.used = next()
            entries[id] = entry
            return entry.report
        }) { return report }
        let report = try ReportCoding.decode(json)
        locked {
            entries[id] = Entry(json: json, report: report, used: next())
            if entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
                entries[oldest] = nil
            }
        }
        return report
    }

    /// The page body of a report decoded by `report(_:json:)`, drawn once per variant: the part before the
    /// review and the part after it.
    func body(_ id: ReportID, json: Data, variant: String, draw: () -> (String, String)) -> (String, String) {
        if let drawn = locked({ entries[id]?.json == json ? entries[id]?.bodies[variant] : nil }) { return drawn }
        let drawn = draw()
        locked { if entries[id]?.json == json { entries[id]?.bodies[variant] = drawn } }
        return drawn
    }

    private func next() -> UInt64 {
        tick += 1
        return tick
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
