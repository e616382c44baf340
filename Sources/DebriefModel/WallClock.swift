import Foundation

/// Where the time of day is read: the system's clock in the product, a clock a test sets and moves. Everything that
/// stamps, leases, expires or retries by the calendar takes one (durations between steps use Swift's `Clock`).
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The system's clock.
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}
