import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Web

/// The jobs page and a job's ranked candidates, as pages, CSV and JSON, over a store seeded with reports.
@Suite struct JobsPagesTests {
    static let model = CompetencyModel(id: "sales-manager", version: 2, title: "Sales Manager", titleZh: "销售经理",
                                       dimensions: [.init(id: "results", name: "Results", weight: 1,
                                                          keywords: ["en": ["quota"]])])

    static func report(_ candidate: String?, score: Double?, match: Double?, level: String, warnings: [String] = [],
                       model: String = "sales-manager") -> Report {
        var report = Report(
            pipelineVersion: "t",
            recording: .init(file: "\(candidate ?? "anon").mp4", sha256: UUID().uuidString, sizeBytes: 1,
                             durationSeconds: 60, container: nil, audio: nil, video: nil),
            model: .init(id: model, version: 2, title: "Sales Manager"), candidate: candidate, prosody: nil,
            visual: nil,
            transcript: .init(source: .none, file: nil, language: .en, wordCount: 0, wordsPerMinute: nil, cues: []),
            answers: [], competencies: [],
            overall: .init(score: score, matchPercent: match, level: level, levelZh: level == "Good" ? "良好" : "一般",
                           recommendation: "", dimensionsScored: 1),
            warnings: warnings)
        report.inputsSHA256 = UUID().uuidString
        return report
    }

    /// A store with four candidates for the sales manager, one for another job, a queued recording, and an HR user
    /// whose API token signs the requests in.
    func seeded() async throws -> (MemoryStore, HTTPFields) {
        let store = MemoryStore()
        let hr = await store.saveUser(NewUser(name: "hr", role: .hr, passwordHash: nil), now: Date())
        let (token, credential) = Secrets.apiToken(for: hr)
        try await store.addCredential(credential, now: Date())
        let reports = [
            Self.report("Ann", score: 62, match: 80, level: "Good"),
            Self.report("<script>alert(1)</script>", score: 81, match: 95, level: "Excellent"),
            Self.report("=HYPERLINK(\"http://x\")", score: 45, match: 60, level: "Fair", warnings: ["dark video"]),
            Self.report("Bo", score: nil, match: nil, level: "Poor"),
            Self.report("Other job", score: 99, match: 99, level: "Excellent", model: "software-engineer"),
        ]
        for (index, report) in reports.enumerated() {
            _ = try await store.enqueue(NewJob(path: "/in/\(index).mp4", folderModel: nil, bundleKey: "\(index)"),
                                        now: Date())
            let job = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
            _ = try await store.complete(try #require(job.lease), report: report, now: Date().addingTimeInterval(Double(index)))
        }
        _ = try await store.enqueue(NewJob(path: "/in/sales-manager/new.mp4", folderModel: "sales-manager",
                                           bundleKey: "new"), now: Date())
        return (store, [.authorization: "Bearer \(token)"])
    }

    @Test func ranksCandidatesAndEscapesWhatTheySay() async throws {
        let (store, auth) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { [Self.model] }))
        try await app.test(.router) { client in
            let jobs = String(buffer: try await client.execute(uri: "/jobs", method: .get, headers: auth).body)
            #expect(jobs.contains("Sales Manager") && jobs.contains("<svg"))
            let api = try await client.execute(uri: "/api/v1/jobs", method: .get, headers: auth)
            let overview = try #require(try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: Any])
            let job = try #require((overview["jobs"] as? [[String: Any]])?.first)
            #expect(job["analysed"] as? Int == 4 && job["unscored"] as? Int == 1 && job["queued"] as? Int == 1)

            let page = String(buffer: try await client.execute(uri: "/jobs/sales-manager", method: .get, headers: auth).body)
            #expect(!page.contains("<script>alert"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.contains("Other job"))
            let order = ["&lt;script&gt;", "Ann", "=HYPERLINK", "Bo"].map { page.range(of: $0)!.lowerBound }
            #expect(order == order.sorted())

            let candidates = try await client.execute(uri: "/api/v1/jobs/sales-manager/candidates", method: .get, headers: auth)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(buffer: candidates.body)) as? [String: Any])
            let rows = try #require(list["candidates"] as? [[String: Any]])
            #expect(rows.map { $0["rank"] as? Int } == [1, 2, 3, nil])
            // Three scored candidates are too few for percentiles (at least five).
            #expect(rows.map { $0["percentile"] as? Double } == [nil, nil, nil, nil])
            #expect(page.contains("too few to rank"))
            #expect((rows[3]["flags"] as? [String]) == ["insufficient-evidence"])
            #expect((rows[2]["flags"] as? [String]) == ["recording-warnings"])

            let csvResponse = try await client.execute(uri: "/jobs/sales-manager/candidates.csv", method: .get, headers: auth)
            #expect(csvResponse.headers[.contentType]?.hasPrefix("text/csv") == true)
            // UTF-8 with a byte-order mark, as Excel expects.
            #expect(Array(csvResponse.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let csv = String(buffer: csvResponse.body)
            #expect(csv.hasPrefix("\u{FEFF}rank,report,candidate"))
            // A formula is neutralised and quoted; the script stays plain text.
            #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
            #expect(csv.split(separator: "\r\n").count == 5)
        }
    }

    @Test func filtersAndSorts() async throws {
        let (store, auth) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { [Self.model] }))
        try await app.test(.router) { client in
            func names(_ query: String) async throws -> [String] {
                let response = try await client.execute(uri: "/api/v1/jobs/sales-manager/candidates?\(query)",
                                                        method: .get, headers: auth)
                let list = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return (list?["candidates"] as? [[String: Any]] ?? []).compactMap { $0["candidate"] as? String }
            }
            #expect(try await names("q=ann") == ["Ann"])
            #expect(try await names("level=good") == ["Ann"])
            #expect(try await names("flag=insufficient-evidence") == ["Bo"])
            #expect(try await names("sort=name").first == "<script>alert(1)</script>")
            #expect(try await names("sort=date").first == "Bo")
            let csv = String(buffer: try await client.execute(uri: "/jobs/sales-manager/candidates.csv?q=ann",
                                                              method: .get, headers: auth).body)
            #expect(csv.split(separator: "\r\n").count == 2)
            // Switching the language keeps the filter and the order; a hostile query stays inside the attribute.
            let filtered = String(buffer: try await client.execute(uri: "/jobs/sales-manager?q=ann&lang=en&sort=name",
                                                                   method: .get, headers: auth).body)
            #expect(filtered.contains("<a href=\"?q=ann&amp;sort=name&amp;lang=zh\">中文</a>"))
            let hostile = String(buffer: try await client.execute(uri: "/jobs/sales-manager?q=%22%3E&x=\"><b>",
                                                                  method: .get, headers: auth).body)
            #expect(hostile.contains("href=\"?q=%22%3E&amp;x=&quot;&gt;&lt;b&gt;&amp;lang=zh\"") && !hostile.contains("<b>"))
            #expect(try await client.execute(uri: "/jobs/astronaut", method: .get, headers: auth).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/jobs/astronaut/candidates", method: .get, headers: auth).status == .notFound)
        }
    }
}
