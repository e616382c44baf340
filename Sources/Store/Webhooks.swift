import DebriefModel
import Foundation

/// One notification to one receiver, kept in the store until it is delivered (an outbox): a restart, or a receiver
/// that is down for an hour, loses nothing.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case pending, delivered, failed }

    public var id: Int64
    public var url: String
    public var event: String
    public var payload: Data
    /// The report it is about (erasing the candidate removes it).
    public var reportID: ReportID?
    /// Attempts so far, the one under way included; also the claim's fencing token.
    public var attempts: Int
    public var status: Status
    /// When it is next due (while claimed: when the claim lapses).
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(id: Int64, url: String, event: String, payload: Data, reportID: ReportID?, attempts: Int,
                status: Status, nextAttemptAt: Date, lastError: String?, createdAt: Date, deliveredAt: Date?) {
        self.id = id
        self.url = url
        self.event = event
        self.payload = payload
        self.reportID = reportID
        self.attempts = attempts
        self.status = status
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

/// The outcome of one delivery attempt.
public enum WebhookOutcome: Sendable, Equatable {
    case delivered
    /// Try again at that time.
    case retry(at: Date, error: String)
    /// Give up (attempts exhausted).
    case failed(error: String)
}

extension WebhookOutcome {
    /// What a driver writes for it: the status, the next due time (nil: unchanged), the error (nil: unchanged) and
    /// the delivery time, as seconds since 1970.
    public func columns(now: Date) -> (status: String, nextAttemptAt: Double?, error: String?, deliveredAt: Double?) {
        switch self {
        case .delivered: ("delivered", nil, nil, now.timeIntervalSince1970)
        case .retry(let at, let error): ("pending", at.timeIntervalSince1970, error, nil)
        case .failed(let error): ("failed", nil, error, nil)
        }
    }
}

/// The webhook outbox: every driver passes the same contract (`Tests/StoreTests`).
public protocol WebhookStore: Sendable {
    /// One pending delivery per receiver, due now.
    func enqueueWebhook(event: String, payload: Data, reportID: ReportID?, urls: [String], now: Date) async throws
    /// The oldest due pending delivery, claimed until `now + leaseSeconds` (then due again, should its sender die),
    /// with its attempt count raised; nil when none is due. Two senders never get the same one.
    func claimWebhook(leaseSeconds: Double, now: Date) async throws -> WebhookDelivery?
    /// Records the attempt of `delivery` (as claimed: a stale claim changes nothing).
    func finishWebhook(_ delivery: WebhookDelivery, _ outcome: WebhookOutcome, now: Date) async throws
    /// The newest deliveries, for operators.
    func webhookDeliveries(limit: Int) async throws -> [WebhookDelivery]
}

/// Webhook deliveries to queue in the same transaction as the record they announce, so a crash never keeps the
/// record and loses its notification (or the reverse). `payload` draws the body from the stored record (its id is
/// known only inside the transaction) and the time it was stored.
public struct WebhookNote<Record>: Sendable {
    public var event: String
    public var urls: [String]
    public var payload: @Sendable (Record, Date) -> Data

    /// Nil when there is nobody to tell.
    public init?(event: String, urls: [String], payload: @escaping @Sendable (Record, Date) -> Data) {
        guard !urls.isEmpty else { return nil }
        self.event = event
        self.urls = urls
        self.payload = payload
    }
}

extension WebhookNote where Record == ReportID {
    public static func reportCreated(_ report: Report, urls: [String]) -> WebhookNote? {
        WebhookNote(event: WebhookEvents.reportCreated, urls: urls) { id, now in
            WebhookEvents.reportCreated(id: id, report: report, now: now)
        }
    }
}

extension WebhookNote where Record == Rating {
    public static func ratingCreated(job: String, urls: [String]) -> WebhookNote? {
        WebhookNote(event: WebhookEvents.ratingCreated, urls: urls) { rating, now in
            WebhookEvents.ratingCreated(rating, job: job, now: now)
        }
    }
}

/// The events Debrief sends, as JSON bodies: `{"event", "createdAt", "data"}`.
public enum WebhookEvents {
    public static let reportCreated = "report.created"
    public static let ratingCreated = "rating.created"

    private static func body(_ event: String, now: Date, data: [String: Any]) -> Data {
        let formatter = ISO8601DateFormatter()
        let object: [String: Any] = ["event": event, "createdAt": formatter.string(from: now), "data": data]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
    }

    public static func reportCreated(id: ReportID, report: Report, now: Date) -> Data {
        var overall: [String: Any] = ["level": report.overall.level]
        if let score = report.overall.score { overall["score"] = score }
        if let match = report.overall.matchPercent { overall["matchPercent"] = match }
        var data: [String: Any] = ["reportID": id, "job": report.model.id, "modelVersion": report.model.version,
                                   "file": report.recording.file, "overall": overall,
                                   "url": "/api/v1/reports/\(id)"]
        if let candidate = report.candidate { data["candidate"] = candidate }
        return body(reportCreated, now: now, data: data)
    }

    public static func ratingCreated(_ rating: Rating, job: String, now: Date) -> Data {
        var data: [String: Any] = ["ratingID": rating.id, "reportID": rating.reportID, "job": job,
                                   "rater": rating.rater, "competencies": rating.competencies,
                                   "url": "/api/v1/reports/\(rating.reportID)/ratings"]
        if let overall = rating.overall { data["overall"] = overall }
        return body(ratingCreated, now: now, data: data)
    }
}
