import DebriefModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
import Web

/// The admin's users page: only an admin sees or changes it; accounts follow the same rules as the CLI; a new user's
/// random password is shown once and works; a change without a password keeps it; nobody removes or demotes
/// themselves; what a user typed is shown as text.
@Suite struct AdminTests {
    @Test func onlyAnAdminManagesUsers() async throws {
        let (store, headers) = try await AuthTests().seeded()
        let admin = try #require(await store.user(named: "admin"))
        try await store.addCredential(Credential(digest: Secrets.digest("admin-session"), kind: .session,
                                                 userID: admin.id, csrf: "admin-csrf",
                                                 expiresAt: Date().addingTimeInterval(3600)), now: Date())
        let session: HTTPFields = [.cookie: "debrief_session=admin-session"]
        let app = Application(router: makeRouter(store: store, models: { AuthTests.models },
                                                 modelProblems: { ["Models/broken.yaml:3: title: <b>unclosed"] }))
        try await app.test(.router) { client in
            func post(_ uri: String, _ fields: [(String, String)], headers: HTTPFields? = nil) async throws
                -> (HTTPResponse.Status, String) {
                var components = URLComponents()
                components.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
                var headers = headers ?? session
                headers[.contentType] = "application/x-www-form-urlencoded"
                let response = try await client.execute(uri: uri, method: .post, headers: headers,
                                                        body: ByteBuffer(string: components.percentEncodedQuery!))
                return (response.status, String(buffer: response.body))
            }
            let csrf = ("csrf", "admin-csrf")

            // Seen by the admin only; the header links it for the admin only.
            for (role, status) in ["admin": HTTPResponse.Status.ok, "hr": .notFound, "manager": .notFound,
                                   "candidate": .notFound, "anonymous": .seeOther] {
                let page = try await client.execute(uri: "/admin/users", method: .get, headers: headers[role]!)
                let body = String(buffer: page.body)
                #expect(page.status == status, "\(role)")
                #expect(body.contains("<td>manager") == (role == "admin"), "\(role)")
                let front = String(buffer: try await client.execute(uri: "/jobs", method: .get, headers: headers[role]!).body)
                #expect(front.contains("href=\"/admin/users\"") == (role == "admin"), "\(role)")
                if role != "admin", role != "anonymous" {
                    let (refused, _) = try await post("/admin/users", [("name", "mallory"), ("role", "admin")],
                                                      headers: headers[role]!)
                    #expect(refused == .notFound, "\(role)")
                    #expect(try await post("/admin/users/hr/remove", [], headers: headers[role]!).0 == .notFound)
                }
            }
            #expect(await store.user(named: "mallory") == nil)
            #expect(await store.user(named: "hr") != nil)

            // A form without the session's token is refused before anything changes.
            #expect(try await post("/admin/users", [("name", "eve"), ("role", "admin")]).0 == .forbidden)
            #expect(await store.user(named: "eve") == nil)

            // A new hiring manager with two jobs and no password typed: a random one, shown once, signs them in.
            let (created, page) = try await post("/admin/users", [csrf, ("name", "李雷"), ("role", "manager"),
                                                                  ("jobs", "sales-manager"), ("jobs", "software-engineer"),
                                                                  ("candidate", "ignored")])
            #expect(created == .ok && page.contains("<strong>李雷</strong> was added."), "\(page)")
            let password = try #require(page.range(of: "Password (shown once): <code>").map {
                String(page[$0.upperBound...].prefix { $0 != "<" })
            })
            #expect(password.count == 20)
            let lei = try #require(await store.user(named: "李雷"))
            #expect(lei.role == .manager && lei.jobs == ["sales-manager", "software-engineer"] && lei.candidate == nil)
            #expect(Secrets.verify(password, hash: lei.passwordHash))
            // Changed without a password: the role changes, the password stays.
            let (changed, again) = try await post("/admin/users", [csrf, ("name", "李雷"), ("role", "hr")])
            #expect(changed == .ok && again.contains("was changed.") && !again.contains("Password (shown once)"))
            let hr = try #require(await store.user(named: "李雷"))
            #expect(hr.role == .hr && hr.jobs.isEmpty && hr.passwordHash == lei.passwordHash)

            // The CLI's rules, said on the page; nothing saved.
            let refusals: [([(String, String)], String)] = [
                ([("name", "two words"), ("role", "hr")], "a user name is 1 to 100 characters without spaces"),
                ([("name", "bo"), ("role", "manager")], "a manager sees only the jobs assigned to them"),
                ([("name", "bo"), ("role", "candidate")], "a candidate account needs the candidate id"),
                ([("name", "bo"), ("role", "hr"), ("password", "short")], "a password has at least 8 characters"),
                ([("name", "bo"), ("role", "root")], "Choose a role."),
            ]
            for (fields, reason) in refusals {
                let (status, body) = try await post("/admin/users", [csrf] + fields)
                #expect(status == .badRequest && body.contains(reason), "\(reason)")
            }
            #expect(await store.user(named: "bo") == nil)
            #expect(await store.user(named: "two") == nil)
            let (_, chinese) = try await post("/admin/users?lang=zh", [csrf, ("name", "bo"), ("role", "manager")])
            #expect(chinese.contains("招聘经理只能看到分配给他们的岗位"))

            // Nobody removes or demotes themselves.
            #expect(try await post("/admin/users", [csrf, ("name", "admin"), ("role", "hr")]).0 == .conflict)
            #expect(try await post("/admin/users/admin/remove", [csrf]).0 == .conflict)
            #expect(await store.user(named: "admin")?.role == .admin)

            // What an admin typed is text on the page.
            let hostile = "<img/src/onerror=alert(1)>"
            let (_, escaped) = try await post("/admin/users", [csrf, ("name", hostile), ("role", "candidate"),
                                                               ("candidate", "<script>x</script>")])
            #expect(!escaped.contains(hostile) && escaped.contains("&lt;img/src/onerror=alert(1)&gt;"))
            #expect(!escaped.contains("<script>x") && escaped.contains("&lt;script&gt;x&lt;/script&gt;"))
            #expect(await store.user(named: hostile)?.candidate == "<script>x</script>")

            // The models page: the models in use and the files that do not load, for the admin only.
            let models = String(buffer: try await client.execute(uri: "/admin/models", method: .get,
                                                                 headers: headers["admin"]!).body)
            #expect(models.contains("/jobs/sales-manager") && models.contains("/jobs/software-engineer"))
            #expect(models.contains("Models/broken.yaml:3: title: &lt;b&gt;unclosed"))
            for role in ["hr", "manager", "candidate"] {
                let refused = try await client.execute(uri: "/admin/models", method: .get, headers: headers[role]!)
                #expect(refused.status == .notFound && !String(buffer: refused.body).contains("broken.yaml"), "\(role)")
            }

            // Removed with their sessions and tokens; a second removal says there is none.
            let (removed, gone) = try await post("/admin/users/%E6%9D%8E%E9%9B%B7/remove", [csrf])
            #expect(removed == .ok && gone.contains("<strong>李雷</strong> was removed"))
            #expect(await store.user(named: "李雷") == nil)
            #expect(try await post("/admin/users/%E6%9D%8E%E9%9B%B7/remove", [csrf]).0 == .notFound)
            let token = try #require(headers["hr"])
            #expect(try await post("/admin/users/hr/remove", [csrf]).0 == .ok)
            #expect(try await client.execute(uri: "/api/v1/jobs", method: .get, headers: token).status == .unauthorized)
        }
    }
}
