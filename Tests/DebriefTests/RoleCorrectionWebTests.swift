@testable import debrief
import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Pipeline
import Store
import TestSupport
import Testing
import Web

/// HR corrects who is the candidate from the report page (session + CSRF) or the API (bearer): a new revision
/// analysed from the stored transcript; who may, and the errors.
@Suite struct RoleCorrectionWebTests {
    static let vtt = """
        WEBVTT

        00:00.000 --> 00:20.000
        <v Sam>This role is about leading the support team. Can you tell me about a time you led a team?

        00:21.000 --> 00:50.000
        <v Kim>Last year I trained four new agents, wrote a playbook for them and paired each one with a senior colleague. As a result our first-reply time fell from two days to six hours.
        """

    func seeded() async throws -> (MemoryStore, HTTPFields, String, [String: HTTPFields], CompetencyModel) {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        Fixtures.write(Self.vtt.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.drop { $0 == " " }) }.joined(separator: "\n"), to: "\(directory)/call.vtt")
        let report = try Analyzer().analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/call.vtt",
                                                            model: "general"))
        #expect(report.transcript.speakers?.first { $0.role == .candidate }?.id == "Kim")
        let store = MemoryStore()
        _ = try await store.enqueue(NewJob(path: "/in/call.vtt", folderModel: nil, bundleKey: "call"), now: Date())
        let job = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
        _ = try await store.complete(try #require(job.lease), report: report, now: Date())
        var tokens: [String: HTTPFields] = [:]
        for new in [NewUser(name: "hr", role: .hr, passwordHash: nil),
                    NewUser(name: "other", role: .manager, passwordHash: nil, jobs: ["software-engineer"]),
                    NewUser(name: "kim", role: .candidate, passwordHash: nil, candidate: "Kim")] {
            let user = await store.saveUser(new, now: Date())
            let (token, credential) = Secrets.apiToken(for: user)
            try await store.addCredential(credential, now: Date())
            tokens[new.name] = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        }
        let hr = try #require(await store.user(named: "hr"))
        let secret = Secrets.random(), csrf = Secrets.random()
        try await store.addCredential(Credential(digest: Secrets.digest(secret), kind: .session, userID: hr.id,
                                                 csrf: csrf, expiresAt: Date().addingTimeInterval(3600)), now: Date())
        let model = try ModelCatalog(directory: Fixtures.models).model("general")
        return (store, [.cookie: "debrief_session=\(secret)"], csrf, tokens, model)
    }

    @Test func hrCorrectsTheCandidateFromThePageAndTheAPI() async throws {
        let (store, session, csrf, tokens, model) = try await seeded()
        let app = Application(router: makeRouter(store: store, models: { [model] }, roleCorrection: correctRoles))
        try await app.test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/reports/1", method: .get, headers: session).body)
            #expect(page.contains("Correct the speakers' roles"))
            #expect(page.contains("<option value=\"Kim\" selected>Kim</option>"))
            let zh = String(buffer: try await client.execute(uri: "/reports/1?lang=zh", method: .get,
                                                             headers: session).body)
            #expect(zh.contains("更正发言人角色") && zh.contains("按此重新分析"))
            // The form: Sam is the candidate now.
            var form = session
            form[.contentType] = "application/x-www-form-urlencoded"
            let posted = try await client.execute(uri: "/reports/1/speakers", method: .post, headers: form,
                                                  body: ByteBuffer(string: "candidate=Sam&csrf=\(csrf)"))
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "/reports/1#speakers")
            let revised = try #require(try await store.report(1))
            #expect(revised.revision == 2 && revised.transcript.candidateRoleBy == "corrected")
            #expect(revised.transcript.speakers?.first { $0.role == .candidate }?.id == "Sam")
            #expect(try await store.reportHistory(1).count == 1)
            let after = String(buffer: try await client.execute(uri: "/reports/1", method: .get, headers: session).body)
            #expect(after.contains("corrected by HR"))
            // Without the CSRF token the form is refused and nothing changes.
            let forged = try await client.execute(uri: "/reports/1/speakers", method: .post, headers: form,
                                                  body: ByteBuffer(string: "candidate=Kim"))
            #expect(forged.status == .forbidden)
            #expect(try await store.report(1)?.revision == 2)
            // The API: back to Kim; an unknown speaker is a clear 400; nobody else may.
            let back = try await client.execute(uri: "/api/v1/reports/1/speakers", method: .post, headers: tokens["hr"]!,
                                                body: ByteBuffer(string: #"{"candidate":"Kim"}"#))
            #expect(back.status == .ok)
            let body = try JSONDecoder().decode(Report.self, from: Data(buffer: back.body))
            #expect(body.revision == 3 && body.transcript.speakers?.first { $0.role == .candidate }?.id == "Kim")
            let unknown = try await client.execute(uri: "/api/v1/reports/1/speakers", method: .post,
                                                   headers: tokens["hr"]!, body: ByteBuffer(string: #"{"candidate":"Pat"}"#))
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("no speaker 'Pat' in this report (speakers: Sam, Kim)"))
            let malformed = try await client.execute(uri: "/api/v1/reports/1/speakers", method: .post,
                                                     headers: tokens["hr"]!, body: ByteBuffer(string: "Kim"))
            #expect(malformed.status == .badRequest)
            for name in ["other", "kim"] {
                let refused = try await client.execute(uri: "/api/v1/reports/1/speakers", method: .post,
                                                       headers: tokens[name]!, body: ByteBuffer(string: #"{"candidate":"Sam"}"#))
                #expect(refused.status == .notFound, "\(name)")
            }
            #expect(try await store.report(1)?.revision == 3)
        }
    }
}
