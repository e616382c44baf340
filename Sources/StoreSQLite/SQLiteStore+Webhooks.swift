import DebriefModel
import Foundation
import GRDB
import Store

/// The webhook outbox.
extension SQLiteStore {
    public func enqueueWebhook(event: String, payload: Data, reportID: ReportID?, urls: [String], now: Date) async throws {
        guard !urls.isEmpty else { return }
        try await write { db in
            try Self.queueDeliveries(db, event: event, payload: payload, reportID: reportID, urls: urls, now: now)
        }
    }

    /// One pending delivery per receiver (inside a write transaction).
    static func queueDeliveries(_ db: Database, event: String, payload: Data, reportID: ReportID?,
                                        urls: [String], now: Date) throws {
        for url in urls {
            try db.execute(sql: """
                INSERT INTO webhookDelivery (url, event, payload, reportID, status, nextAttemptAt, createdAt)
                VALUES (?, ?, ?, ?, 'pending', ?, ?)
                """, arguments: [url, event, payload, reportID, now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    public func claimWebhook(leaseSeconds: Double, now: Date) async throws -> WebhookDelivery? {
        try await write { db in
            try Row.fetchOne(db, sql: """
                UPDATE webhookDelivery SET attempts = attempts + 1, nextAttemptAt = ?
                WHERE id = (SELECT id FROM webhookDelivery WHERE status = 'pending' AND nextAttemptAt <= ?
                            ORDER BY nextAttemptAt, id LIMIT 1)
                RETURNING *
                """, arguments: [now.timeIntervalSince1970 + leaseSeconds, now.timeIntervalSince1970]).map(Self.delivery)
        }
    }

    public func finishWebhook(_ delivery: WebhookDelivery, _ outcome: WebhookOutcome, now: Date) async throws {
        let (status, next, error, delivered) = outcome.columns(now: now)
        try await write { db in
            try db.execute(sql: """
                UPDATE webhookDelivery SET status = ?, nextAttemptAt = COALESCE(?, nextAttemptAt),
                       lastError = COALESCE(?, lastError), deliveredAt = ?
                WHERE id = ? AND attempts = ? AND status = 'pending'
                """, arguments: [status, next, error, delivered, delivery.id, delivery.attempts])
        }
    }

    public func webhookDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhookDelivery ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.delivery)
        }
    }

    static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], url: row["url"], event: row["event"], payload: row["payload"],
                        reportID: row["reportID"], attempts: row["attempts"],
                        status: WebhookDelivery.Status(rawValue: row["status"]) ?? .failed,
                        nextAttemptAt: Date(timeIntervalSince1970: row["nextAttemptAt"]), lastError: row["lastError"],
                        createdAt: Date(timeIntervalSince1970: row["createdAt"]),
                        deliveredAt: (row["deliveredAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
