import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Web

/// The rating API queues its `rating.created` event in the store's outbox (delivered by the Service's sender).
@Suite struct WebhookEventTests {
    @Test func ratingsAndReportsQueueTheirEvents() async throws {
        let (store, headers) = try await AuthTests().seeded()
        let app = Application(router: makeRouter(store: store, models: { AuthTests.models },
                                                 webhooks: ["http://hr.example/hook"]))
        try await app.test(.router) { client async throws in
            var json = headers["hr"]!
            json[.contentType] = "application/json"
            #expect(try await client.execute(uri: "/api/v1/reports/1/ratings", method: .post, headers: json,
                                             body: ByteBuffer(string: #"{"overall": 55, "comment": "ok"}"#)).status
                == .created)
        }
        let queued = try #require(await store.webhookDeliveries(limit: 10).first)
        #expect(queued.event == "rating.created" && queued.url == "http://hr.example/hook" && queued.reportID == 1)
        let body = try #require(try JSONSerialization.jsonObject(with: queued.payload) as? [String: Any])
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["rater"] as? String == "hr" && data["overall"] as? Double == 55 && data["job"] as? String == "sales-manager")
        // Erasing the candidate takes the notifications that name them.
        #expect(try await store.erase(candidate: "Ann", now: Date()).webhooks == 1)
    }
}
