import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import TestSupport
import Testing
import Web

/// Uploads into a job's inbox folder: what lands where, under which name, and what is refused with nothing left
/// behind (no partial files).
@Suite struct UploadTests {
    static let boundary = "----debrief-test-boundary"

    /// A multipart body: (field, filename or nil for a text field, content).
    static func body(_ parts: [(String, String?, [UInt8])]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for (field, filename, content) in parts {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\""
                               + (filename.map { "; filename=\"\($0)\"" } ?? "") + "\r\n"
                               + (filename == nil ? "" : "Content-Type: application/octet-stream\r\n") + "\r\n")
            buffer.writeBytes(content)
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        return buffer
    }

    func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func uploadsLandInTheJobsInboxUnderASafeUnusedName() async throws {
        let inbox = Fixtures.temporaryDirectory("upload")
        defer { Fixtures.cleanUp(inbox) }
        let (store, headers) = try await AuthTests().seeded()
        let settings = UploadSettings(inbox: inbox, maxBytes: 64 * 1024, recordingExtensions: ["mp4", "m4a"],
                                      metadataExtensions: ["json", "yaml", "yml"])
        let app = Application(router: makeRouter(store: store, models: { AuthTests.models }, uploads: settings))
        let folder = "\(inbox)/sales-manager"
        let multipartType = "multipart/form-data; boundary=\"\(Self.boundary)\""
        let video = [UInt8](repeating: 7, count: 40_000)
        try await app.test(.router) { client in
            func upload(_ parts: [(String, String?, [UInt8])], as role: String = "hr",
                        job: String = "sales-manager") async throws -> TestResponse {
                var fields = headers[role]!
                fields[.contentType] = multipartType
                return try await client.execute(uri: "/api/v1/jobs/\(job)/uploads", method: .post, headers: fields,
                                                body: Self.body(parts))
            }
            let first = try await upload([("candidate", nil, Array("王芳".utf8)), ("language", nil, Array("zh".utf8)),
                                          ("recording", "面试 1.mp4", video),
                                          ("transcript", "whatever.vtt", Array("WEBVTT\n\n".utf8))])
            #expect(first.status == .created)
            let stored = try #require(try JSONSerialization.jsonObject(with: Data(buffer: first.body)) as? [String: Any])
            #expect(stored["recording"] as? String == "sales-manager/面试 1.mp4")
            #expect(stored["sidecars"] as? [String] == ["sales-manager/面试 1.vtt", "sales-manager/面试 1.json"])
            #expect(files(folder) == ["面试 1.json", "面试 1.mp4", "面试 1.vtt"])
            #expect(try String(contentsOfFile: "\(folder)/面试 1.json", encoding: .utf8)
                == #"{"candidate":"王芳","language":"zh"}"#)
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/面试 1.mp4")) == Data(video))
            let metadataBytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/面试 1.json")).count
            #expect(stored["bytes"] as? Int == video.count + 8 + metadataBytes)

            // The same name again gets the next free one; a path in the name is dropped, markup made harmless.
            #expect(try await upload([("recording", "面试 1.mp4", video)]).status == .created)
            #expect(try await upload([("recording", "../../etc/<script>.mp4", video)]).status == .created)
            #expect(files(folder) == ["_script_.mp4", "面试 1-2.mp4", "面试 1.json", "面试 1.mp4", "面试 1.vtt"])

            // Refused, with the reason, and nothing left behind.
            let refusals: [([(String, String?, [UInt8])], HTTPResponse.Status, String)] = [
                ([("recording", "setup.exe", video)], .unsupportedMediaType, "setup.exe: not a recording Debrief takes"),
                ([("recording", "big.mp4", [UInt8](repeating: 1, count: 70_000))], .contentTooLarge,
                 "the upload is larger than 64 KiB"),
                ([("recording", "empty.mp4", [])], .badRequest, "empty.mp4: the file is empty"),
                ([("transcript", "a.vtt", Array("WEBVTT".utf8))], .badRequest, "send exactly one file in the field 'recording'"),
                ([("recording", "a.mp4", video), ("transcript", "a.docx", [1, 2, 3])], .unsupportedMediaType,
                 "a.docx: a transcript must be .srt, .vtt"),
                ([("recording", "a.mp4", video), ("payload", "x.sh", [1, 2, 3])], .badRequest, "unknown file field 'payload'"),
            ]
            for (parts, status, reason) in refusals {
                let response = try await upload(parts)
                #expect(response.status == status, "\(reason)")
                #expect(String(buffer: response.body).contains(reason), "\(String(buffer: response.body))")
            }
            let plain = try await client.execute(uri: "/api/v1/jobs/sales-manager/uploads", method: .post,
                                                 headers: headers["hr"]!, body: ByteBuffer(string: "hello"))
            #expect(plain.status == .unsupportedMediaType)
            // A header name that is not ASCII (the fuzzer's find: it trapped MultipartKit and took the service down)
            // is a malformed body, the service goes on.
            var hostile = headers["hr"]!
            hostile[.contentType] = multipartType
            var bytes = ByteBuffer(string: "--\(Self.boundary)\r\n")
            bytes.writeBytes([0x96, 0x96] + Array("Co: x\r\n\r\nAnn\r\n--\(Self.boundary)--\r\n".utf8))
            let trapped = try await client.execute(uri: "/api/v1/jobs/sales-manager/uploads", method: .post,
                                                   headers: hostile, body: bytes)
            #expect(trapped.status == .badRequest)
            #expect(String(buffer: trapped.body).contains("a part's header name holds a byte that is not ASCII"))
            #expect(try await upload([("recording", "after.mp4", video)]).status == .created)
            try FileManager.default.removeItem(atPath: "\(folder)/after.mp4")
            #expect(files(folder).count == 5 && !files(folder).contains { $0.hasPrefix(".") })

            // Who may: the job's people, not a manager of another job, not a candidate, not an unknown job.
            #expect(try await upload([("recording", "m.mp4", video)], as: "manager").status == .created)
            #expect(try await upload([("recording", "m.mp4", video)], as: "manager", job: "software-engineer").status
                == .notFound)
            #expect(try await upload([("recording", "c.mp4", video)], as: "candidate").status == .notFound)
            #expect(try await upload([("recording", "c.mp4", video)], job: "astronaut").status == .notFound)
            #expect(try await upload([("recording", "a.mp4", video)], as: "anonymous").status == .unauthorized)
            #expect(!FileManager.default.fileExists(atPath: "\(inbox)/software-engineer"))
        }
    }

    @Test func theJobPageFormUploadsWithItsCSRFToken() async throws {
        let inbox = Fixtures.temporaryDirectory("upload-form")
        defer { Fixtures.cleanUp(inbox) }
        let store = MemoryStore()
        let hr = await store.saveUser(NewUser(name: "hr", role: .hr, passwordHash: nil), now: Date())
        let secret = Secrets.random(), csrf = Secrets.random()
        try await store.addCredential(Credential(digest: Secrets.digest(secret), kind: .session, userID: hr.id,
                                                 csrf: csrf, expiresAt: Date().addingTimeInterval(3600)), now: Date())
        let settings = UploadSettings(inbox: inbox, recordingExtensions: ["mp4"], metadataExtensions: ["json"])
        let app = Application(router: makeRouter(store: store, models: { AuthTests.models }, uploads: settings))
        try await app.test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/jobs/sales-manager", method: .get,
                                                               headers: [.cookie: "debrief_session=\(secret)"]).body)
            #expect(page.contains("enctype=\"multipart/form-data\" action=\"/jobs/sales-manager/upload?csrf=\(csrf)\""))
            let headers: HTTPFields = [.cookie: "debrief_session=\(secret)",
                                       .contentType: "multipart/form-data; boundary=\(Self.boundary)"]
            let body = Self.body([("recording", "ann.mp4", [1, 2, 3])])
            #expect(try await client.execute(uri: "/jobs/sales-manager/upload", method: .post, headers: headers,
                                             body: body).status == .forbidden)
            #expect(try await client.execute(uri: "/jobs/sales-manager/upload?csrf=guess", method: .post,
                                             headers: headers, body: body).status == .forbidden)
            let sent = try await client.execute(uri: "/jobs/sales-manager/upload?csrf=\(csrf)", method: .post,
                                                headers: headers, body: body)
            #expect(sent.status == .seeOther)
            #expect(sent.headers[.location] == "/jobs/sales-manager?uploaded=sales-manager/ann.mp4")
            #expect(FileManager.default.fileExists(atPath: "\(inbox)/sales-manager/ann.mp4"))
            let after = String(buffer: try await client.execute(uri: sent.headers[.location]!, method: .get,
                                                                headers: [.cookie: "debrief_session=\(secret)"]).body)
            #expect(after.contains("Received sales-manager/ann.mp4"))
        }
    }

    /// The guard follows delimiters and header lines across chunk edges; UTF-8 in header values is fine.
    @Test func headerGuardFollowsTheBodyAcrossChunks() throws {
        let good = Array(Self.body([("recording", "面试.mp4", Array("--\(Self.boundary)x\r\n\u{96}".utf8))])
            .readableBytesView)
        for size in [1, 2, 7, 64, good.count] {
            var guarded = MultipartHeaderGuard(boundary: Self.boundary)
            for start in stride(from: 0, to: good.count, by: size) {
                try guarded.check(good[start..<min(good.count, start + size)])
            }
        }
        var bad = Array("--\(Self.boundary)\r\nContent-Type: text/plain\r\n\r\nhi\r\n--\(Self.boundary)\r\n".utf8)
        bad += [0xE5, 0x90, 0x8D] + Array(": v\r\n\r\n".utf8)
        for size in [1, 3, bad.count] {
            var guarded = MultipartHeaderGuard(boundary: Self.boundary)
            #expect(throws: MultipartHeaderGuard.Refusal.self) {
                for start in stride(from: 0, to: bad.count, by: size) {
                    try guarded.check(bad[start..<min(bad.count, start + size)])
                }
            }
        }
    }
}
