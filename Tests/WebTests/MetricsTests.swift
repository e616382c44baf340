import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Web

/// `/metrics` in Prometheus text format: requests under their route pattern (never an id), ratings, and the queue as
/// the store holds it; for admin and HR only.
@Suite struct MetricsTests {
    @Test func metricsCountRequestsRatingsAndTheQueue() async throws {
        let (store, headers) = try await AuthTests().seeded()
        _ = try await store.enqueue(NewJob(path: "/in/waiting.mp4", folderModel: nil, bundleKey: "waiting"), now: Date())
        let app = Application(router: makeRouter(store: store, models: { AuthTests.models }))
        try await app.test(.router) { client in
            for id in [1, 2, 1] {
                #expect(try await client.execute(uri: "/reports/\(id)", method: .get, headers: headers["hr"]!).status == .ok)
            }
            #expect(try await client.execute(uri: "/reports/2", method: .get, headers: headers["manager"]!).status
                == .notFound)
            var json = headers["hr"]!
            json[.contentType] = "application/json"
            #expect(try await client.execute(uri: "/api/v1/reports/1/ratings", method: .post, headers: json,
                                             body: ByteBuffer(string: #"{"overall": 50}"#)).status == .created)

            let response = try await client.execute(uri: "/metrics", method: .get, headers: headers["hr"]!)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let lines = String(buffer: response.body).split(separator: "\n").map(String.init)
            func value(_ prefix: String) -> Double? {
                lines.first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last!) }
            }
            #expect(value(#"debrief_http_requests_total{route="/reports/{id}",method="GET",status="200"}"#) == 3)
            #expect(value(#"debrief_http_requests_total{route="/reports/{id}",method="GET",status="404"}"#) == 1)
            #expect(value(#"debrief_http_request_duration_seconds_count{route="/reports/{id}"}"#) == 4)
            #expect(value(#"debrief_ratings_created_total{job="sales-manager"}"#) == 1)
            #expect(value(#"debrief_jobs{status="queued"}"#) == 1 && value(#"debrief_jobs{status="done"}"#) == 2)
            #expect(lines.contains("# TYPE debrief_jobs gauge"))
            #expect(!lines.contains { $0.contains("/reports/1") })
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: headers["manager"]!).status
                == .forbidden)
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: headers["candidate"]!).status
                == .forbidden)
        }
    }
}
