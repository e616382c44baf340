import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Web

/// HR ratings through the web app: the report page's form (session + CSRF), the JSON API (bearer), the blend and
/// its flags on the page and in the candidate list, the job's agreement view, and who may rate what.
@Suite struct ReviewTests {
    static let model: CompetencyModel = {
        var model = CompetencyModel(
            id: "sales-manager", version: 2, title: "Sales Manager", titleZh: "销售经理",
            dimensions: [.init(id: "results", name: "Results", weight: 0.6, keywords: ["en": ["quota"]]),
                         .init(id: "empathy", name: "Empathy", nameZh: "同理心", weight: 0.4,
                               keywords: ["en": ["listened"]])])
        model.blend = ScoreBlend(ai: 0.4, flagPoints: 20)
        return model
    }()

    static func report(_ candidate: String, results: Double, empathy: Double?, overall: Double) -> Report {
        var report = JobsPagesTests.report(candidate, score: overall, match: 90, level: "Good")
        report.competencies = [
            CompetencyScore(id: "results", name: "Results", nameZh: "结果导向", weight: 0.6, score: results,
                            insufficientEvidence: nil, evidence: [], negatedEvidence: []),
            CompetencyScore(id: "empathy", name: "Empathy", nameZh: "同理心", weight: 0.4, score: empathy,
                            insufficientEvidence: empathy == nil ? "nothing said" : nil, evidence: [],
                            negatedEvidence: []),
        ]
        return report
    }

    /// Four reports of the sales manager (1–4) and one of another job (5); HR with a session (cookie + CSRF token)
    /// and API tokens for HR, a manager of this job, a manager of another, and a candidate.
    func seeded() async throws -> (MemoryStore, [String: HTTPFields], session: HTTPFields, csrf: String) {
        let store = MemoryStore()
        let reports = [Self.report("Ann", results: 80, empathy: 60, overall: 72),
                       Self.report("Bo", results: 40, empathy: nil, overall: 40),
                       Self.report("Cy", results: 60, empathy: 70, overall: 64),
                       Self.report("Di", results: 90, empathy: 85, overall: 88)]
            + [JobsPagesTests.report("Zed", score: 50, match: 50, level: "Fair", model: "software-engineer")]
        for (index, report) in reports.enumerated() {
            _ = try await store.enqueue(NewJob(path: "/in/\(index).mp4", folderModel: nil, bundleKey: "\(index)"),
                                        now: Date())
            let job = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
            _ = try await store.complete(try #require(job.lease), report: report, now: Date())
        }
        var headers: [String: HTTPFields] = [:]
        for new in [NewUser(name: "hr", role: .hr, passwordHash: nil),
                    NewUser(name: "li", role: .manager, passwordHash: nil, jobs: ["sales-manager"]),
                    NewUser(name: "other", role: .manager, passwordHash: nil, jobs: ["software-engineer"]),
                    NewUser(name: "ann", role: .candidate, passwordHash: nil, candidate: "Ann")] {
            let user = await store.saveUser(new, now: Date())
            let (token, credential) = Secrets.apiToken(for: user)
            try await store.addCredential(credential, now: Date())
            headers[new.name] = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        }
        let hr = try #require(await store.user(named: "hr"))
        let secret = Secrets.random(), csrf = Secrets.random()
        try await store.addCredential(Credential(digest: Secrets.digest(secret), kind: .session, userID: hr.id,
                                                 csrf: csrf, expiresAt: Date().addingTimeInterval(3600)), now: Date())
        return (store, headers, [.cookie: "debrief_session=\(secret)",
                                 .contentType: "application/x-www-form-urlencoded"], csrf)
    }

    func form(_ fields: [String: String]) -> ByteBuffer {
        var components = URLComponents()
        components.queryItems = fields.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return ByteBuffer(string: components.percentEncodedQuery!)
    }

    @Test func theFormRatesAndThePageShowsTheBlendAndItsFlags() async throws {
        let (store, _, session, csrf) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { [Self.model] }))
        try await app.test(.router) { client in
            var get = session
            get[.contentType] = nil
            let before = String(buffer: try await client.execute(uri: "/reports/1", method: .get, headers: get).body)
            #expect(before.contains("Nobody has rated this interview yet."))
            #expect(before.contains("action=\"/reports/1/ratings\"") && before.contains("name=\"c.results\""))
            #expect(before.contains("value=\"\(csrf)\""))

            // Without the session's token: refused, nothing stored.
            let forged = try await client.execute(uri: "/reports/1/ratings", method: .post, headers: session,
                                                  body: form(["c.results": "30", "csrf": "guess"]))
            #expect(forged.status == .forbidden)
            #expect(await store.ratings(report: 1).isEmpty)

            // Points out of range: a clear message naming the field, nothing stored.
            let bad = try await client.execute(uri: "/reports/1/ratings", method: .post, headers: session,
                                               body: form(["c.results": "130", "csrf": csrf]))
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("competencies.results: points must be within 0–100, not 130.0"))
            #expect(await store.ratings(report: 1).isEmpty)

            // Results 30 (AI 80: 50 apart, flagged), empathy 70, overall left to the weighted mean
            // (0.6·30 + 0.4·70 = 46; AI 72: 26 apart, flagged); a hostile comment.
            let comment = "<script>alert(1)</script> --> <img src=x onerror=alert(2)>"
            let saved = try await client.execute(uri: "/reports/1/ratings", method: .post, headers: session,
                                                 body: form(["c.results": "30", "c.empathy": "70", "overall": "",
                                                             "comment": comment, "csrf": csrf]))
            #expect(saved.status == .seeOther && saved.headers[.location] == "/reports/1#review")
            let stored = try #require(await store.ratings(report: 1).first)
            #expect(stored.rater == "hr" && stored.overall == nil && stored.competencies == ["results": 30, "empathy": 70])
            #expect(stored.comment == comment)

            let page = String(buffer: try await client.execute(uri: "/reports/1", method: .get, headers: get).body)
            // Overall: AI 72, HR 46, blended 0.4·72 + 0.6·46 = 56.4; results: 0.4·80 + 0.6·30 = 50.
            #expect(page.contains("<td><strong>Overall</strong></td><td>72.0</td><td>46.0 <span class=\"muted\">(1)</span></td><td>56.4</td>"))
            #expect(page.contains("<td>Results</td><td>80.0</td><td>30.0 <span class=\"muted\">(1)</span></td><td>50.0</td><td><span class=\"pill warn\">AI–HR gap</span>"))
            #expect(page.contains("<td>Empathy</td><td>60.0</td><td>70.0 <span class=\"muted\">(1)</span></td><td>66.0</td><td></td>"))
            #expect(!page.contains("<script>alert(1)") && !page.contains("<img src=x"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; --&gt; &lt;img src=x onerror=alert(2)&gt;"))
            // The form starts from the rater's own rating.
            #expect(page.contains("Update your rating") && page.contains("<option value=\"30\" selected>"))

            // The candidate list flags the gap and shows the human side.
            let list = String(buffer: try await client.execute(uri: "/jobs/sales-manager?flag=ai-hr-gap", method: .get,
                                                               headers: get).body)
            #expect(list.contains("Ann") && !list.contains(">Bo<") && list.contains("AI–HR gap"))
            let csv = String(buffer: try await client.execute(uri: "/jobs/sales-manager/candidates.csv", method: .get,
                                                              headers: get).body)
            #expect(csv.contains(",Ann,") && csv.contains(",72.0,46.0,56.4,") && csv.contains("ai-hr-gap"))
        }
    }

    @Test func theAPIRatesAndTheAgreementViewSumsItUp() async throws {
        let (store, headers, _, _) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { [Self.model] }))
        try await app.test(.router) { client in
            func rate(_ report: Int, _ user: String, _ body: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/reports/\(report)/ratings", method: .post,
                                         headers: headers[user]!, body: ByteBuffer(string: body))
            }
            // HR rates close to the AI; the manager rates 15 above it everywhere.
            for (report, overall) in [(1, 70.0), (2, 45.0), (3, 60.0), (4, 90.0)] {
                #expect(try await rate(report, "hr", #"{"overall": \#(overall), "comment": "ok"}"#).status == .created)
            }
            for (report, overall) in [(1, 87.0), (2, 55.0), (3, 79.0)] {
                #expect(try await rate(report, "li", #"{"overall": \#(overall), "competencies": {"results": 95}}"#)
                    .status == .created)
            }
            // Refused: not JSON, an unknown competency, nothing rated, a candidate, a manager of another job.
            #expect(try await rate(1, "hr", "overall=50").status == .badRequest)
            let unknown = try await rate(1, "hr", #"{"competencies": {"charm": 50}}"#)
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("competencies.charm: the report has no such competency"))
            #expect(try await rate(1, "hr", #"{"comment": "no points"}"#).status == .badRequest)
            #expect(try await rate(1, "ann", #"{"overall": 10}"#).status == .notFound)
            #expect(try await rate(1, "other", #"{"overall": 10}"#).status == .notFound)
            #expect(try await rate(99, "hr", #"{"overall": 10}"#).status == .notFound)
            #expect(await store.ratings(modelID: "sales-manager").count == 7)

            let review = try await client.execute(uri: "/api/v1/reports/1/ratings", method: .get, headers: headers["li"]!)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: review.body)) as? [String: Any])
            let overall = try #require(body["overall"] as? [String: Any])
            // HR mean (70 + 87) / 2 = 78.5; 0.4·72 + 0.6·78.5 = 75.9.
            #expect(overall["hr"] as? Double == 78.5 && overall["raters"] as? Int == 2)
            #expect(abs((overall["blended"] as? Double ?? 0) - 75.9) < 1e-3)
            #expect((body["ratings"] as? [Any])?.count == 2)
            #expect(try await client.execute(uri: "/api/v1/reports/1/ratings", method: .get,
                                             headers: headers["other"]!).status == .notFound)

            let agreement = try await client.execute(uri: "/api/v1/jobs/sales-manager/agreement", method: .get,
                                                     headers: headers["hr"]!)
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(buffer: agreement.body)) as? [String: Any])
            #expect(summary["ratedReports"] as? Int == 4 && summary["ratings"] as? Int == 7)
            let raters = try #require(summary["raters"] as? [[String: Any]])
            #expect(raters.map { $0["name"] as? String } == ["hr", "li"])
            // hr: HR − AI = −2, 5, −4, 2 → mean +0.25; li: +15 on each of 3.
            #expect(abs((raters[0]["meanDifference"] as? Double ?? 99) - 0.25) < 1e-9)
            #expect(abs((raters[1]["meanDifference"] as? Double ?? 99) - 15) < 1e-9)
            #expect((raters[0]["correlation"] as? Double ?? 0) > 0.98 && (raters[1]["correlation"] as? Double ?? 0) > 0.99)
            let results = try #require((summary["competencies"] as? [[String: Any]])?.first)
            #expect(results["id"] as? String == "results" && results["pairs"] as? Int == 3 && results["flagged"] as? Int == 2)  // 15, 55, 35 apart

            let page = String(buffer: try await client.execute(uri: "/jobs/sales-manager/agreement?lang=zh", method: .get,
                                                               headers: headers["li"]!).body)
            #expect(page.contains("AI 与人工一致性") && page.contains("<td>li</td><td>3</td>") && page.contains("高于 AI"))
            #expect(try await client.execute(uri: "/jobs/sales-manager/agreement", method: .get,
                                             headers: headers["other"]!).status == .notFound)
        }
    }
}
