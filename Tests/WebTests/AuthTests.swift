import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import TestSupport
import Testing
@testable import Web

/// Sign-in, roles and CSRF: every endpoint asked by every role, for a record of a job they may see and one they may
/// not. Nothing of another job's candidate may show, in any form (page, CSV, JSON); refused records look missing.
@Suite struct AuthTests {
    static let models = [
        JobsPagesTests.model,
        CompetencyModel(id: "software-engineer", version: 1, title: "Software Engineer",
                        dimensions: [.init(id: "x", name: "X", weight: 1, keywords: ["en": ["debugged"]])]),
    ]

    /// One report per job: "Ann" (sales-manager, report 1) and "Zed" (software-engineer, report 2); users of every
    /// role with an API token each (the manager sees the sales manager's job only).
    func seeded() async throws -> (MemoryStore, [String: HTTPFields]) {
        let store = MemoryStore()
        let reports = [JobsPagesTests.report("Ann", score: 70, match: 90, level: "Good"),
                       JobsPagesTests.report("Zed", score: 75, match: 90, level: "Good", model: "software-engineer")]
        for (index, report) in reports.enumerated() {
            _ = try await store.enqueue(NewJob(path: "/in/\(index).mp4", folderModel: nil, bundleKey: "\(index)"),
                                        now: Date())
            let job = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
            _ = try await store.complete(try #require(job.lease), report: report, now: Date())
        }
        var headers: [String: HTTPFields] = ["anonymous": [:]]
        let users = [NewUser(name: "admin", role: .admin, passwordHash: nil),
                     NewUser(name: "hr", role: .hr, passwordHash: nil),
                     NewUser(name: "manager", role: .manager, passwordHash: nil, jobs: ["sales-manager"]),
                     NewUser(name: "candidate", role: .candidate, passwordHash: nil, candidate: "Ann")]
        for new in users {
            let user = await store.saveUser(new, now: Date())
            let (token, credential) = Secrets.apiToken(for: user)
            try await store.addCredential(credential, now: Date())
            headers[new.name] = [.authorization: "Bearer \(token)"]
        }
        return (store, headers)
    }

    @Test func everyEndpointTimesEveryRoleLeaksNothing() async throws {
        let (store, headers) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { Self.models }))
        // What each role may see: the jobs (sales-manager holds Ann, software-engineer holds Zed).
        let sees: [String: Set<String>] = ["admin": ["sales-manager", "software-engineer"],
                                          "hr": ["sales-manager", "software-engineer"], "manager": ["sales-manager"],
                                          "candidate": [], "anonymous": []]
        // Each endpoint: the job it is about (nil: a list of all) and what of each job it shows when allowed.
        let names = ["sales-manager": "Ann", "software-engineer": "Zed"]
        let links = ["sales-manager": "/jobs/sales-manager", "software-engineer": "/jobs/software-engineer"]
        let ids = ["sales-manager": "\"sales-manager\"", "software-engineer": "\"software-engineer\""]
        let reviews = ["sales-manager": "\"reportID\":1", "software-engineer": "\"reportID\":2"]
        let endpoints: [(uri: String, job: String?, markers: [String: String])] = [
            ("/", nil, names), ("/api/v1/reports", nil, names), ("/jobs", nil, links), ("/api/v1/jobs", nil, ids),
            ("/reports/1", "sales-manager", names), ("/reports/2", "software-engineer", names),
            ("/api/v1/reports/1", "sales-manager", names), ("/api/v1/reports/2", "software-engineer", names),
            ("/jobs/sales-manager", "sales-manager", names), ("/jobs/software-engineer", "software-engineer", names),
            ("/jobs/sales-manager/candidates.csv", "sales-manager", names),
            ("/jobs/software-engineer/candidates.csv", "software-engineer", names),
            ("/api/v1/jobs/sales-manager/candidates", "sales-manager", names),
            ("/api/v1/jobs/software-engineer/candidates", "software-engineer", names),
            ("/api/v1/reports/1/ratings", "sales-manager", reviews),
            ("/api/v1/reports/2/ratings", "software-engineer", reviews),
            ("/jobs/sales-manager/agreement", "sales-manager", links),
            ("/jobs/software-engineer/agreement", "software-engineer", links),
            ("/api/v1/jobs/sales-manager/agreement", "sales-manager", ids),
            ("/api/v1/jobs/software-engineer/agreement", "software-engineer", ids),
        ]
        let checked = try await app.test(.router) { client -> Int in
            var checked = 0
            for (role, visible) in sees {
                for endpoint in endpoints {
                    let response = try await client.execute(uri: endpoint.uri, method: .get, headers: headers[role]!)
                    let body = String(buffer: response.body)
                    let label = "\(role) \(endpoint.uri)"
                    for (job, marker) in endpoint.markers {
                        let shown = visible.contains(job) && (endpoint.job == nil || endpoint.job == job)
                        #expect(body.contains(marker) == shown, "\(label): \(marker)")
                    }
                    if role == "anonymous" {
                        #expect(response.status == (endpoint.uri.hasPrefix("/api/") ? .unauthorized : .seeOther),
                                "\(label)")
                    } else if let job = endpoint.job {
                        #expect(response.status == (visible.contains(job) ? .ok : .notFound), "\(label)")
                    } else {
                        #expect(response.status == .ok, "\(label)")
                    }
                    checked += 1
                }
            }
            // Who am I: the role and, for a manager, the jobs.
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: headers["manager"]!)
            #expect(String(buffer: me.body) == #"{"jobs":["sales-manager"],"name":"manager","role":"manager"}"#)
            // The queue (inbox paths, failure reasons) only for admin and HR.
            _ = try await store.enqueue(NewJob(path: "/in/secret-name.mp4", folderModel: nil, bundleKey: "q"), now: Date())
            for (role, shows) in ["hr": true, "manager": false] {
                let page = String(buffer: try await client.execute(uri: "/", method: .get, headers: headers[role]!).body)
                #expect(page.contains("secret-name.mp4") == shows, "\(role)")
            }
            // A bad token is refused, never treated as anonymous-but-allowed.
            let bad = try await client.execute(uri: "/api/v1/reports", method: .get,
                                               headers: [.authorization: "Bearer dbf_forged"])
            #expect(bad.status == .unauthorized)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            // The API's document is open too, and documents every API route asked above.
            let document = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(document.status == .ok)
            let openAPI = try #require(try JSONSerialization.jsonObject(with: Data(buffer: document.body)) as? [String: Any])
            #expect(openAPI["openapi"] as? String == "3.1.0")
            let paths = Set((openAPI["paths"] as? [String: Any] ?? [:]).keys)
            for endpoint in endpoints where endpoint.uri.hasPrefix("/api/") {
                let template = endpoint.uri.replacingOccurrences(of: "/[0-9]+", with: "/{id}", options: .regularExpression)
                    .replacingOccurrences(of: "/jobs/[a-z-]+/", with: "/jobs/{model}/", options: .regularExpression)
                #expect(paths.contains(template), "\(template)")
            }
            return checked
        }
        #expect(checked == sees.count * endpoints.count)
    }

    @Test func signInSessionAndCSRF() async throws {
        let store = MemoryStore()
        _ = await store.saveUser(NewUser(name: "hr", role: .hr, passwordHash: Secrets.hashPassword("correct horse", cost: 4)),
                                 now: Date())
        let app = Application(router: makeRouter(store: store, models: { Self.models }))
        try await app.test(.router) { client in
            let cookie = Self.cookie, form = Self.form, formType = Self.formType

            let page = try await client.execute(uri: "/login?next=/jobs", method: .get)
            let signIn = try #require(cookie(page, "debrief_signin"))
            #expect(String(buffer: page.body).contains("value=\"\(signIn)\""))
            var headers = formType
            headers[.cookie] = "debrief_signin=\(signIn)"

            // The sign-in form itself is CSRF-checked (its token must match its cookie).
            let forged = try await client.execute(uri: "/login", method: .post, headers: formType,
                                                  body: form(["name": "hr", "password": "correct horse", "csrf": signIn]))
            #expect(forged.status == .forbidden)
            let wrong = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                 body: form(["name": "hr", "password": "nope", "csrf": signIn]))
            #expect(wrong.status == .unauthorized && cookie(wrong, "debrief_session") == nil)
            let nobody = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                  body: form(["name": "ghost", "password": "nope", "csrf": signIn]))
            #expect(String(buffer: nobody.body) .contains("Name or password is wrong"))

            // An open redirect is never followed: `next` stays on this server.
            let good = try await client.execute(uri: "/login", method: .post, headers: headers,
                                                body: form(["name": "hr", "password": "correct horse", "csrf": signIn,
                                                            "next": "//evil.example/x"]))
            #expect(good.status == .seeOther && good.headers[.location] == "/")
            let session = try #require(cookie(good, "debrief_session"))
            let setCookie = try #require(good.headers[values: .setCookie].first { $0.hasPrefix("debrief_session=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))

            let signedIn: HTTPFields = [.cookie: "debrief_session=\(session)"]
            let index = String(buffer: try await client.execute(uri: "/", method: .get, headers: signedIn).body)
            #expect(index.contains("Sign out"))
            let csrf = try #require(index.range(of: "name=\"csrf\" value=\"").map {
                String(index[$0.upperBound...].prefix { $0 != "\"" })
            })
            // A form posted with the cookie but without the session's token (a cross-site form) is refused.
            var post = formType
            post[.cookie] = "debrief_session=\(session)"
            #expect(try await client.execute(uri: "/logout", method: .post, headers: post,
                                             body: form(["csrf": "guess"])).status == .forbidden)
            #expect(try await client.execute(uri: "/logout", method: .post, headers: post).status == .forbidden)
            #expect(try await client.execute(uri: "/", method: .get, headers: signedIn).status == .ok)
            // With it, the session ends and the cookie no longer signs in.
            let out = try await client.execute(uri: "/logout", method: .post, headers: post, body: form(["csrf": csrf]))
            #expect(out.status == .seeOther)
            #expect(try await client.execute(uri: "/", method: .get, headers: signedIn).status == .seeOther)
        }
    }

    static func cookie(_ response: TestResponse, _ name: String) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
            .map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.key, value: $0.value) }
        return ByteBuffer(string: components.percentEncodedQuery!)
    }

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Guessing passwords: after five wrong ones for a name the sign-in waits (429, Retry-After) without checking
    /// the password — the right one too — while other names still sign in; the wait is the same for a name that
    /// does not exist. The language switch of the sign-in page keeps where to go next.
    @Test func repeatedFailuresWait() async throws {
        let store = MemoryStore()
        for name in ["hr", "other"] {
            _ = await store.saveUser(NewUser(name: name, role: .hr, passwordHash: Secrets.hashPassword("correct horse",
                                                                                                        cost: 4)),
                                     now: Date())
        }
        // The calendar stands still: the wait is judged by the clock, never by how long this machine took.
        let clock = TestClock()
        let app = Application(router: makeRouter(store: store, models: { Self.models }, clock: clock))
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/login?next=/jobs/sales-manager%3Fsort%3Dmatch", method: .get)
            let signIn = try #require(Self.cookie(page, "debrief_signin"))
            #expect(String(buffer: page.body).contains("href=\"?next=%2Fjobs%2Fsales%2Dmanager%3Fsort%3Dmatch&amp;lang=zh\""))
            var headers = Self.formType
            headers[.cookie] = "debrief_signin=\(signIn)"
            func attempt(_ name: String, _ password: String) async throws -> TestResponse {
                try await client.execute(uri: "/login", method: .post, headers: headers,
                                         body: Self.form(["name": name, "password": password, "csrf": signIn]))
            }
            for name in ["hr", "ghost"] {
                for _ in 0..<5 { #expect(try await attempt(name, "guess").status == .unauthorized) }
                let refused = try await attempt(name, "correct horse")
                #expect(refused.status == .tooManyRequests, "\(name)")
                #expect(refused.headers[.retryAfter] == "30" && Self.cookie(refused, "debrief_session") == nil)
                #expect(String(buffer: refused.body).contains("Too many failed sign-ins. Try again in 30 seconds."))
            }
            #expect(try await attempt("other", "correct horse").status == .seeOther)
            // Once the wait has passed, the right password signs in.
            clock.advance(by: 31)
            #expect(try await attempt("hr", "correct horse").status == .seeOther)
        }
    }

    /// The wait doubles with each further failure up to 15 minutes, fades after an hour without failures, ends
    /// at a success, and per address over all names after 50 failures; the counts held stay bounded.
    @Test func throttleWaitsDoubleFadeAndStayBounded() async {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let throttle = SignInThrottle()
        for i in 0..<4 { await throttle.failed(name: "Ann", client: "10.0.0.1", now: start.addingTimeInterval(Double(i))) }
        #expect(await throttle.wait(name: "ann", client: "10.0.0.1", now: start.addingTimeInterval(4)) == nil)
        var waits: [Int] = []
        for i in 0..<8 {
            let now = start.addingTimeInterval(Double(4 + i))
            await throttle.failed(name: "ann", client: "10.0.0.1", now: now)
            waits.append(await throttle.wait(name: "ANN", client: "10.0.0.1", now: now) ?? 0)
        }
        #expect(waits == [30, 60, 120, 240, 480, 900, 900, 900])
        #expect(await throttle.wait(name: "ann", client: "10.0.0.2", now: start) == nil)
        #expect(await throttle.wait(name: "bob", client: "10.0.0.1", now: start) == nil)
        #expect(await throttle.wait(name: "ann", client: "10.0.0.1", now: start.addingTimeInterval(11 + 900)) == nil)
        await throttle.failed(name: "ann", client: "10.0.0.1", now: start.addingTimeInterval(12 + 3600))
        #expect(await throttle.wait(name: "ann", client: "10.0.0.1", now: start.addingTimeInterval(12 + 3600)) == nil)
        for _ in 0..<4 { await throttle.failed(name: "cy", client: "10.0.0.3", now: start) }
        await throttle.succeeded(name: "cy", client: "10.0.0.3")
        await throttle.failed(name: "cy", client: "10.0.0.3", now: start)
        #expect(await throttle.wait(name: "cy", client: "10.0.0.3", now: start) == nil)
        for i in 0..<50 { await throttle.failed(name: "user\(i)", client: "10.0.0.4", now: start) }
        #expect(await throttle.wait(name: "anyone", client: "10.0.0.4", now: start) == 30)

        // Full: the counts that failed longest ago go first; the newest still wait.
        let small = SignInThrottle(rules: .init(freePerAccount: 1, firstWait: 5000, longestWait: 5000, capacity: 100))
        for i in 0..<1000 {
            await small.failed(name: "n\(i)", client: "10.1.\(i / 256).\(i % 256)", now: start.addingTimeInterval(Double(i)))
        }
        #expect(await small.held <= 100)
        #expect(await small.wait(name: "n999", client: "10.1.3.231", now: start.addingTimeInterval(999)) == 5000)
        #expect(await small.wait(name: "n0", client: "10.1.0.0", now: start.addingTimeInterval(999)) == nil)
    }

    /// Development feedback: the candidate reads their own (and only that), the people of the job read it to
    /// check it, everybody else is told it does not exist.
    @Test func feedbackIsTheCandidatesOwn() async throws {
        let (store, headers) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { Self.models }))
        try await app.test(.router) { client in
            let expected: [String: (HTTPResponse.Status, HTTPResponse.Status)] = [
                "admin": (.ok, .ok), "hr": (.ok, .ok), "manager": (.ok, .notFound),
                "candidate": (.ok, .notFound), "anonymous": (.seeOther, .seeOther)]
            for (role, (own, other)) in expected {
                let ann = try await client.execute(uri: "/reports/1/feedback", method: .get, headers: headers[role]!)
                let zed = try await client.execute(uri: "/reports/2/feedback", method: .get, headers: headers[role]!)
                #expect(ann.status == own, "\(role) Ann's feedback")
                #expect(zed.status == other, "\(role) Zed's feedback")
                #expect(String(buffer: ann.body).contains("Your interview feedback") == (own == .ok), "\(role)")
            }
            // The candidate's front page lists their own feedback, and their report stays closed to them.
            let front = String(buffer: try await client.execute(uri: "/", method: .get, headers: headers["candidate"]!).body)
            #expect(front.contains("/reports/1/feedback") && !front.contains("/reports/2/"))
            #expect(try await client.execute(uri: "/reports/1", method: .get, headers: headers["candidate"]!).status
                == .notFound)
            let chinese = String(buffer: try await client.execute(uri: "/reports/1/feedback?lang=zh", method: .get,
                                                                  headers: headers["candidate"]!).body)
            #expect(chinese.contains("您的面试反馈"))
        }
    }

    /// The recording is as private as its report: streamed to who may see the job, missing for everybody else.
    @Test func recordingsFollowTheReportsAccess() async throws {
        let (store, headers) = try await seeded()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("debrief-\(UUID()).mp4").path
        try Data([42]).write(to: URL(fileURLWithPath: file))  // the seeded reports say 1 byte
        defer { try? FileManager.default.removeItem(atPath: file) }
        let app = Application(router: makeRouter(store: store, models: { Self.models }, recording: { _ in file }))
        try await app.test(.router) { client in
            let expected: [String: (HTTPResponse.Status, HTTPResponse.Status)] = [
                "admin": (.ok, .ok), "hr": (.ok, .ok), "manager": (.ok, .notFound),
                "candidate": (.notFound, .notFound), "anonymous": (.seeOther, .seeOther)]
            for (role, (own, other)) in expected {
                let first = try await client.execute(uri: "/reports/1/recording", method: .get, headers: headers[role]!)
                let second = try await client.execute(uri: "/reports/2/recording", method: .get, headers: headers[role]!)
                #expect(first.status == own, "\(role) /reports/1/recording")
                #expect(second.status == other, "\(role) /reports/2/recording")
                #expect((first.body.readableBytes == 1) == (own == .ok), "\(role)")
                #expect((second.body.readableBytes == 1) == (other == .ok), "\(role)")
            }
            // A file replaced since the analysis is not passed off as the interview.
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file))
            let changed = try await client.execute(uri: "/reports/1/recording", method: .get, headers: headers["hr"]!)
            #expect(changed.status == .conflict)
        }
    }

    @Test func hostileTranscriptTextIsInert() async throws {
        let (store, headers) = try await seeded()
        var report = JobsPagesTests.report("Eve <img src=x onerror=alert(1)>", score: 60, match: 80, level: "Good")
        let hostile = "I said <script>alert('x')</script> and <img src=x onerror=alert(2)> then --> <!-- done"
        report.transcript = .init(source: .sidecar, file: "eve.vtt", language: .en, wordCount: 12, wordsPerMinute: nil,
                                  cues: [Cue(start: 1, end: 4, text: hostile)])
        _ = try await store.enqueue(NewJob(path: "/in/eve.mp4", folderModel: nil, bundleKey: "eve"), now: Date())
        let job = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
        let id = try await store.complete(try #require(job.lease), report: report, now: Date()).reportID
        let app = Application(router: makeRouter(store: store, models: { Self.models }))
        try await app.test(.router) { client in
            for uri in ["/reports/\(id)", "/reports/\(id)?lang=zh", "/", "/jobs/sales-manager"] {
                let page = String(buffer: try await client.execute(uri: uri, method: .get, headers: headers["hr"]!).body)
                #expect(!page.contains("<script>alert") && !page.contains("<img src=x"), "\(uri)")
                #expect(!page.contains("-->") && !page.contains("<!-- done"), "\(uri)")
                #expect(page.contains("Eve &lt;img"), "\(uri)")
            }
        }
    }
}
