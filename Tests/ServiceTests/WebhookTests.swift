import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Service
import Store
import Testing

/// Webhooks: signed deliveries to a real receiver on loopback, retried with backoff until it answers 2xx, given up
/// after the last attempt; events queued by the rating API and by a worker storing a report.
@Suite struct WebhookTests {
    /// A receiver that fails its first `failures` requests with 500 and records every request.
    final class Receiver: @unchecked Sendable {
        struct Received { var headers: HTTPFields; var body: Data }
        let lock = NSLock()
        var received: [Received] = []
        var failures: Int
        init(failures: Int) { self.failures = failures }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.post("/hook") { request, _ -> HTTPResponse.Status in
                var request = request
                let body = Data(buffer: try await request.collectBody(upTo: 1 << 20))
                return self.lock.withLock {
                    self.received.append(Received(headers: request.headers, body: body))
                    if self.failures > 0 {
                        self.failures -= 1
                        return .internalServerError
                    }
                    return .noContent
                }
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    func header(_ fields: HTTPFields, _ name: String) -> String? {
        fields.first { $0.name.canonicalName == name }?.value
    }

    @Test func theSignatureIsHMACSHA256OfTimestampAndBody() {
        // Python: hmac.new(b"0123456789abcdef0123", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
        #expect(WebhookSettings.signature(secret: "0123456789abcdef0123", timestamp: 1_700_000_000,
                                          body: Data(#"{"a":1}"#.utf8))
            == "t=1700000000,sha256=34e41bd41c08899dd901e050eca2824e8dfecfe16d4778add8a6f330817db525")
        #expect(throws: WebhookError.self) { try WebhookSettings(urls: ["ftp://x"], secret: String(repeating: "s", count: 16)).validated() }
        #expect(throws: WebhookError.self) { try WebhookSettings(urls: ["http://x"], secret: "short").validated() }
        var settings = WebhookSettings(urls: [], secret: "")
        #expect((1...9).map { settings.delay(afterAttempt: $0) } == [10, 20, 40, 80, 160, 320, 640, 1280, 2560])
        settings.maxDelay = 100
        #expect(settings.delay(afterAttempt: 9) == 100)
    }

    /// The waits are generous: under the whole suite on 2 cores the loopback receiver once took over 10 s to answer.
    @Test(.timeLimit(.minutes(3)))
    func deliveriesAreSignedRetriedAndGivenUp() async throws {
        let receiver = Receiver(failures: 2)
        try await receiver.application().test(.live) { client in
            let store = MemoryStore()
            let url = "http://127.0.0.1:\(client.port!)/hook"
            var settings = WebhookSettings(urls: [url], secret: "a-secret-of-enough-length")
            settings.maxAttempts = 3
            settings.baseDelay = 0.05
            settings.timeout = 40
            let sender = WebhookSender(store: store, settings: settings, logger: Logger(label: "t"))
            var report = WorkerPoolLeaseTests.report()
            report.candidate = "王芳"
            let payload = WebhookEvents.reportCreated(id: 7, report: report, now: Date(timeIntervalSince1970: 1_700_000_000))
            try await store.enqueueWebhook(event: WebhookEvents.reportCreated, payload: payload, reportID: 7,
                                           urls: [url, "http://127.0.0.1:9/closed"], now: Date())
            // Run the sender until both deliveries are settled: one delivered on its third try, one given up.
            let running = Task { try await sender.run() }
            let deadline = ContinuousClock.now + .seconds(150)
            while ContinuousClock.now < deadline {
                let settled = await store.webhookDeliveries(limit: 10).allSatisfy { $0.status != .pending }
                if settled { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            running.cancel()
            let deliveries = await store.webhookDeliveries(limit: 10)
            let delivered = try #require(deliveries.first { $0.url == url })
            #expect(delivered.status == .delivered && delivered.attempts == 3 && delivered.lastError == "HTTP 500")
            let closed = try #require(deliveries.first { $0.url != url })
            #expect(closed.status == .failed && closed.attempts == 3 && closed.lastError != nil)

            let received = receiver.lock.withLock { receiver.received }
            #expect(received.count == 3)
            for (index, request) in received.enumerated() {
                #expect(request.body == payload)
                #expect(header(request.headers, "debrief-event") == "report.created")
                #expect(header(request.headers, "debrief-attempt") == "\(index + 1)")
                let signature = try #require(header(request.headers, "debrief-signature"))
                let timestamp = try #require(Int(signature.dropFirst(2).prefix { $0 != "," }))
                #expect(signature == WebhookSettings.signature(secret: settings.secret, timestamp: timestamp, body: payload))
                #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 60)
            }
            let body = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            let data = try #require(body["data"] as? [String: Any])
            #expect(body["event"] as? String == "report.created" && data["reportID"] as? Int == 7)
            #expect(data["candidate"] as? String == "王芳" && data["url"] as? String == "/api/v1/reports/7")
        }
    }
}
