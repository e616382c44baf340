import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    public func enqueueWebhook(event: String, payload: Data, reportID: ReportID?, urls: [String], now: Date) async throws {
        guard !urls.isEmpty else { return }
        _ = try await rows("queueing a webhook", try Self.deliveries(event: event, payload: payload, reportID: reportID,
                                                                 urls: urls, now: now))
    }

    /// One pending delivery per receiver, in one statement (run alone, or inside the transaction of its record).
    static func deliveries(event: String, payload: Data, reportID: ReportID?, urls: [String],
                                   now: Date) throws -> PostgresQuery {
        try """
        INSERT INTO webhook_delivery (url, event, payload, report_id, status, next_attempt_at, created_at)
        SELECT url, \(event), \(payload), \(reportID), 'pending', \(now.timeIntervalSince1970), \(now.timeIntervalSince1970)
        FROM unnest(\(urls)::text[]) AS url RETURNING id
        """
    }

    public func claimWebhook(leaseSeconds: Double, now: Date) async throws -> WebhookDelivery? {
        try await rows("claiming a webhook", """
            UPDATE webhook_delivery SET attempts = attempts + 1,
                   next_attempt_at = \(now.timeIntervalSince1970 + leaseSeconds)
            WHERE id = (SELECT id FROM webhook_delivery WHERE status = 'pending'
                        AND next_attempt_at <= \(now.timeIntervalSince1970)
                        ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).first.map(Self.delivery)
    }

    public func finishWebhook(_ delivery: WebhookDelivery, _ outcome: WebhookOutcome, now: Date) async throws {
        let (status, next, error, delivered) = outcome.columns(now: now)
        _ = try await rows("recording a webhook attempt", """
            UPDATE webhook_delivery SET status = \(status), next_attempt_at = COALESCE(\(next), next_attempt_at),
                   last_error = COALESCE(\(error), last_error), delivered_at = \(delivered)
            WHERE id = \(delivery.id) AND attempts = \(delivery.attempts) AND status = 'pending' RETURNING id
            """)
    }

    public func webhookDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        try await rows("listing webhooks", "SELECT * FROM webhook_delivery ORDER BY id DESC LIMIT \(limit)")
            .map(Self.delivery)
    }

    static func delivery(_ row: PostgresRandomAccessRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row["id"].decode(Int64.self), url: try row["url"].decode(String.self),
            event: try row["event"].decode(String.self), payload: try row["payload"].decode(Data.self),
            reportID: try row["report_id"].decode(Int64?.self), attempts: try row["attempts"].decode(Int.self),
            status: WebhookDelivery.Status(rawValue: try row["status"].decode(String.self)) ?? .failed,
            nextAttemptAt: Date(timeIntervalSince1970: try row["next_attempt_at"].decode(Double.self)),
            lastError: try row["last_error"].decode(String?.self),
            createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)),
            deliveredAt: try row["delivered_at"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)))
    }
}
