import DebriefModel
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import Store

/// Where webhooks go and how they are signed and retried.
public struct WebhookSettings: Sendable {
    public var urls: [String]
    /// The shared secret of the HMAC-SHA256 signature.
    public var secret: String
    /// Attempts before a delivery is given up (marked failed, kept for operators).
    public var maxAttempts = 8
    /// Backoff: `baseDelay · 2^(attempt − 1)` seconds, at most `maxDelay` (10 s, 20 s, … 21 min with the defaults).
    public var baseDelay = 10.0
    public var maxDelay = 3600.0
    /// Seconds a receiver has to answer.
    public var timeout = 10.0
    public var idleInterval: Duration = .seconds(1)

    public init(urls: [String], secret: String) {
        self.urls = urls
        self.secret = secret
    }

    /// Checks the receivers (http or https URLs) and the secret (at least 16 characters); the reason names what.
    public func validated() throws -> WebhookSettings {
        for url in urls {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                  parsed.host != nil else {
                throw WebhookError("--webhook \(url): not an http(s) URL")
            }
        }
        guard secret.count >= 16 else {
            throw WebhookError("the webhook secret (DEBRIEF_WEBHOOK_SECRET or --webhook-secret-file) must have at "
                + "least 16 characters, not \(secret.count)")
        }
        return self
    }

    /// `t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the body, so a
    /// receiver can refuse replays of old deliveries.
    public static func signature(secret: String, timestamp: Int, body: Data) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "t=\(timestamp),sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public func delay(afterAttempt attempt: Int) -> Double {
        min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
    }
}

public struct WebhookError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Delivers the store's webhook outbox: claims a due delivery, POSTs it signed, and records the outcome (retry with
/// backoff until `maxAttempts`). Several senders (machines) share one outbox without sending anything twice at once;
/// a receiver that answers 2xx has it.
public struct WebhookSender: Service {
    let store: any DebriefStore
    let settings: WebhookSettings
    let clock: any WallClock
    let logger: Logger

    public init(store: any DebriefStore, settings: WebhookSettings, clock: any WallClock = SystemClock(),
                logger: Logger) {
        self.store = store
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard let delivery = try await store.claimWebhook(leaseSeconds: settings.timeout * 3 + 5, now: clock.now)
                else {
                    try? await Task.sleep(for: settings.idleInterval)
                    continue
                }
                try await store.finishWebhook(delivery, await attempt(delivery), now: clock.now)
            } catch {
                logger.error("webhook outbox: \(error)")
                try? await Task.sleep(for: settings.idleInterval)
            }
        }
    }

    /// One attempt: the outcome to record.
    func attempt(_ delivery: WebhookDelivery) async -> WebhookOutcome {
        let error: String
        do {
            let status = try await post(delivery)
            if (200..<300).contains(status) {
                logger.info("webhook delivered", metadata: ["event": "\(delivery.event)", "url": "\(delivery.url)",
                                                            "attempt": "\(delivery.attempts)"])
                return .delivered
            }
            error = "HTTP \(status)"
        } catch let failure {
            error = "\(failure)"
        }
        guard delivery.attempts < settings.maxAttempts else {
            logger.error("webhook given up", metadata: ["event": "\(delivery.event)", "url": "\(delivery.url)",
                                                        "attempts": "\(delivery.attempts)", "reason": "\(error)"])
            return .failed(error: error)
        }
        let wait = settings.delay(afterAttempt: delivery.attempts)
        logger.warning("webhook failed; it will be tried again", metadata: [
            "event": "\(delivery.event)", "url": "\(delivery.url)", "attempt": "\(delivery.attempts)",
            "reason": "\(error)", "retryInSeconds": "\(wait)"])
        return .retry(at: clock.now.addingTimeInterval(wait), error: error)
    }

    private func post(_ delivery: WebhookDelivery) async throws -> Int {
        guard let url = URL(string: delivery.url) else { throw WebhookError("not a URL") }
        var request = URLRequest(url: url, timeoutInterval: settings.timeout)
        request.httpMethod = "POST"
        request.httpBody = delivery.payload
        let timestamp = Int(clock.now.timeIntervalSince1970)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Debrief-Webhooks/1", forHTTPHeaderField: "User-Agent")
        request.setValue(delivery.event, forHTTPHeaderField: "Debrief-Event")
        request.setValue("\(delivery.id)", forHTTPHeaderField: "Debrief-Delivery")
        request.setValue("\(delivery.attempts)", forHTTPHeaderField: "Debrief-Attempt")
        request.setValue(WebhookSettings.signature(secret: settings.secret, timestamp: timestamp, body: delivery.payload),
                         forHTTPHeaderField: "Debrief-Signature")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.timeout
        configuration.timeoutIntervalForResource = settings.timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
