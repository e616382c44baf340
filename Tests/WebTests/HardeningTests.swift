import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
@testable import Web

/// What an adversarial run got through, each reproduced and refused.
@Suite struct HardeningTests {
    /// `next=` is normalised as a browser would (tabs and newlines removed, `\` as `/`, controls and spaces
    /// trimmed) before it is checked: nothing that resolves to another host gets through.
    @Test(arguments: ["//evil.example", "/\t/evil.example", "/\t\\evil.example", "\\\\evil.example", "/\\evil.example",
                      " //evil.example", "/\n/evil.example", "/\r\n/evil.example", "\u{1}//evil.example",
                      "https://evil.example", "evil.example", "javascript:alert(1)", "/x\u{7f}", ""])
    func nextNeverLeavesThisServer(_ next: String) {
        let target = safeNext(next)
        #expect(target == "/" || (target.hasPrefix("/") && !target.hasPrefix("//")), "\(next) → \(target)")
        #expect(!target.contains("evil.example"), "\(next) → \(target)")
    }

    @Test func pathsOnThisServerAreKept() {
        #expect(safeNext("/jobs/sales-manager?sort=rank&lang=zh") == "/jobs/sales-manager?sort=rank&lang=zh")
        #expect(safeNext("/reports/1#review") == "/reports/1#review")
        #expect(safeNext(" /jobs\t") == "/jobs")
    }

    /// A stale or forged bearer token must not keep its holder from signing in or from the health check.
    @Test func openPathsAnswerWhateverTheToken() async throws {
        let app = Application(router: makeRouter(store: MemoryStore()))
        try await app.test(.router) { client in
            let bad: HTTPFields = [.authorization: "Bearer dbf_not-a-token"]
            #expect(try await client.execute(uri: "/health", method: .get, headers: bad).status == .ok)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let login = try await client.execute(uri: "/login", method: .get, headers: bad)
            #expect(login.status == .ok && String(buffer: login.body).contains("<form"))
            #expect(try await client.execute(uri: "/api/v1/openapi.json", method: .get, headers: bad).status == .ok)
            // Everything else still refuses it.
            #expect(try await client.execute(uri: "/api/v1/reports", method: .get, headers: bad).status == .unauthorized)
        }
    }

    @Test func methodsNothingAnswersGet405() async throws {
        let app = Application(router: makeRouter(store: MemoryStore()))
        try await app.test(.router) { client in
            for method in [HTTPRequest.Method.trace, .connect] {
                let response = try await client.execute(uri: "/api/v1/reports", method: method)
                #expect(response.status == .methodNotAllowed, "\(method)")
                #expect(response.headers[.allow] != nil)
            }
        }
    }
}
