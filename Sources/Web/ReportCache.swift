import DebriefModel
import Foundation
import Store
import Synchronization

/// Decoded reports and their rendered pages, most recently used first, at most `capacity` reports. An entry serves
/// only while the stored JSON is byte for byte the one it was made from, so a revision (a re-score) is never
/// shown stale. Decoding a report and drawing its page are most of a page's cost (~2 ms on this machine kind);
/// reading the stored bytes and comparing them is a fraction of that.
final class ReportCache: Sendable {
    private struct Entry {
        var json: Data
        var report: Report
        /// Rendered page bodies by variant (language, player, ideal profile), split where the review goes.
        var bodies: [String: (String, String)] = [:]
        var used: UInt64
    }

    private struct State {
        var entries: [ReportID: Entry] = [:]
        var tick: UInt64 = 0

        mutating func next() -> UInt64 {
            tick += 1
            return tick
        }
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 128) { self.capacity = capacity }

    /// The report stored as `json`, decoded once.
    func report(_ id: ReportID, json: Data) throws -> Report {
        if let report = state.withLock({ state -> Report? in
            guard var entry = state.entries[id], entry.json == json else { return nil }
            entry.used = state.next()
            state.entries[id] = entry
            return entry.report
        }) { return report }
        let report = try ReportCoding.decode(json)
        state.withLock { state in
            state.entries[id] = Entry(json: json, report: report, used: state.next())
            if state.entries.count > capacity,
               let oldest = state.entries.min(by: { $0.value.used < $1.value.used })?.key {
                state.entries[oldest] = nil
            }
        }
        return report
    }

    /// The page body of a report decoded by `report(_:json:)`, drawn once per variant: the part before the
    /// review and the part after it.
    func body(_ id: ReportID, json: Data, variant: String, draw: () -> (String, String)) -> (String, String) {
        if let drawn = state.withLock({ $0.entries[id]?.json == json ? $0.entries[id]?.bodies[variant] : nil }) {
            return drawn
        }
        let drawn = draw()
        state.withLock { state in
            if state.entries[id]?.json == json { state.entries[id]?.bodies[variant] = drawn }
        }
        return drawn
    }
}
