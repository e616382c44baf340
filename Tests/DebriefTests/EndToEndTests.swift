import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Pipeline
import Service
@testable import debrief
import Store
import StoreSQLite
import TestSupport
import Web
import Testing

/// A running service (watcher, workers, web app on a real socket) over SQLite: files dropped into its inbox come
/// back as reports over HTTP; a bad file fails with its reason and the service keeps working.
@Suite struct EndToEndTests {
    @Test(.timeLimit(.minutes(5)))
    func droppedRecordingBecomesAReportReadOverHTTP() async throws {
        let directory = Fixtures.temporaryDirectory("e2e")
        defer { Fixtures.cleanUp(directory) }
        let inbox = "\(directory)/inbox"
        try FileManager.default.createDirectory(atPath: "\(inbox)/sales-manager", withIntermediateDirectories: true)
        let store = try SQLiteStore(path: "\(directory)/data/debrief.sqlite")
        let hr = try await store.saveUser(NewUser(name: "hr", role: .hr, passwordHash: nil), now: Date())
        let (token, credential) = Secrets.apiToken(for: hr)
        try await store.addCredential(credential, now: Date())
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        var logger = Logger(label: "e2e")
        logger.logLevel = .warning
        var configuration = ServeConfiguration(inbox: inbox, port: 0, workers: 2, stableSeconds: 0.3,
                                               scanInterval: .milliseconds(100))
        // The test client keeps one connection; on this busy machine it may sit idle longer than the service's
        // default header timeout between two polls, which would cut it off under the test.
        configuration.connections = ConnectionLimits(headerSeconds: 900, bodySeconds: 900)
        configuration.model = ModelReference(catalog: Fixtures.models)
        // As `debrief serve` has it: parsed once here, then refreshed by the model watcher, never on a request.
        let cache = ModelCache(catalog: ModelCatalog(directory: Fixtures.models), refreshOnRead: false)
        cache.refresh()
        configuration.modelCache = cache
        let app = makeDebriefApplication(configuration: configuration, store: store,
                                         analyzer: InProcessAnalyzer(Analyzer()), logger: logger)

        try await app.test(.live) { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            // Copy under a temporary name, then rename: the watcher must not take the partial file.
            let partial = "\(inbox)/sales-manager/interview-en.mp4.part"
            try FileManager.default.copyItem(atPath: Fixtures.media("interview-en.mp4"), toPath: partial)
            try FileManager.default.moveItem(atPath: partial, toPath: "\(inbox)/sales-manager/interview-en.mp4")
            Fixtures.write("not a video\n", to: "\(inbox)/broken.mp4")

            // Waited for in the store, then read over HTTP once: every request through the test client has to be
            // answered within its fixed 20 s, which a poll on this busy machine need not be.
            let deadline = ContinuousClock.now + .seconds(240)
            while ContinuousClock.now < deadline {
                let jobs = try await store.jobs(limit: 10)
                if jobs.contains(where: { $0.status == .failed }) && jobs.contains(where: { $0.status == .done }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let response = try await client.execute(uri: "/api/v1/reports", method: .get, headers: auth)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            let list = json?["reports"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            let item = try #require(list.first)
            #expect(item["file"] as? String == "interview-en.mp4")
            #expect((item["model"] as? [String: Any])?["id"] as? String == "sales-manager")
            #expect((item["overall"] as? [String: Any])?["score"] != nil)

            let id = try #require(item["id"] as? Int)
            let reportResponse = try await client.execute(uri: "/api/v1/reports/\(id)", method: .get, headers: auth)
            #expect(reportResponse.status == .ok)
            let report = try ReportCoding.decode(Data(buffer: reportResponse.body))
            #expect(report.model.id == "sales-manager")
            #expect(report.transcript.source == .subtitleStream)
            #expect(report.prosody != nil && report.visual != nil)

            let page = try await client.execute(uri: "/reports/\(id)?lang=zh", method: .get, headers: auth)
            #expect(page.status == .ok)
            let pageText = String(buffer: page.body)
            #expect(pageText.contains("能力评估"))
            // The player, the evidence times that seek it, and the three charts drawn on the server.
            #expect(pageText.contains("<video id=\"player\""))
            #expect(pageText.contains("src=\"/reports/\(id)/recording\""))
            #expect(pageText.contains("data-t=\""))
            #expect(pageText.components(separatedBy: "<svg").count - 1 >= 3)
            #expect(pageText.contains("<polyline"))

            // The recording, streamed with Range support: a part, the tail, past the end, and whole.
            func ranged(_ range: String) -> HTTPFields {
                var fields = auth
                fields[.range] = range
                return fields
            }
            let original = try Data(contentsOf: URL(fileURLWithPath: "\(inbox)/sales-manager/interview-en.mp4"))
            let size = original.count
            let part = try await client.execute(uri: "/reports/\(id)/recording", method: .get,
                                                headers: ranged("bytes=0-99"))
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 0-99/\(size)")
            #expect(part.headers[.contentType] == "video/mp4")
            #expect(part.body.readableBytes == 100)
            #expect(Data(buffer: part.body) == original.prefix(100))
            let tail = try await client.execute(uri: "/reports/\(id)/recording", method: .get,
                                                headers: ranged("bytes=-10"))
            #expect(tail.status == .partialContent && Data(buffer: tail.body) == original.suffix(10))
            let past = try await client.execute(uri: "/reports/\(id)/recording", method: .get,
                                                headers: ranged("bytes=\(size)-"))
            #expect(past.status == .rangeNotSatisfiable && past.headers[.contentRange] == "bytes */\(size)")
            let whole = try await client.execute(uri: "/reports/\(id)/recording", method: .get, headers: auth)
            #expect(whole.status == .ok && whole.body.readableBytes == size)
            #expect(try await client.execute(uri: "/reports/\(id)/recording", method: .get).status == .seeOther)

            let index = String(buffer: try await client.execute(uri: "/", method: .get, headers: auth).body)
            #expect(index.contains("interview-en.mp4"))
            #expect(index.contains("broken.mp4: not a media file FFmpeg can read (Invalid data found when processing input)"))
            #expect(try await client.execute(uri: "/reports/999", method: .get, headers: auth).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/reports/999", method: .get, headers: auth).status == .notFound)
        }
        let jobs = try await store.jobs(limit: 10)
        #expect(jobs.count == 2)
        #expect(jobs.contains { $0.status == .done && $0.path.hasSuffix("interview-en.mp4") })
    }
}
