import DebriefModel
import Foundation
import Synchronization

/// A wall clock a test sets and moves: what is judged by the calendar (sign-in waits, session expiry) then never
/// depends on how long this busy machine took between two steps.
public final class TestClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
