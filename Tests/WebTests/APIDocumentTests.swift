import Foundation
import Hummingbird
import Store
import Testing
@testable import Web

/// The checked-in OpenAPI document and the router agree: every documented path and method is a route, and every
/// route of the JSON API (and the other documented non-page routes) is documented. The shapes of the answers are
/// checked against the document by the live check and by schemathesis (scripts/test.sh).
@Suite struct APIDocumentTests {
    /// Documented routes as `METHOD /path/{param}`.
    static func documented() throws -> Set<String> {
        let paths = try APIDocument.tree()["paths"] as? [String: [String: Any]] ?? [:]
        var routes: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func theDocumentIsOpenAPI31() throws {
        let tree = try APIDocument.tree()
        #expect(tree["openapi"] as? String == "3.1.0")
        #expect((tree["webhooks"] as? [String: Any])?.keys.sorted() == ["rating.created", "report.created"])
    }

    @Test func everyDocumentedOperationIsARouteAndEveryAPIRouteIsDocumented() throws {
        let router = makeRouter(store: MemoryStore(), uploads: UploadSettings(inbox: "/nonexistent"),
                                roleCorrection: { report, _, _ in .success(report) })
        let served = Set(router.routes.map { route -> String in
            let path = route.path.description.split(separator: "/").map { component in
                component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
        let documented = try Self.documented()
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served))")
        let api = served.filter { $0.split(separator: " ")[1].hasPrefix("/api/") }
        #expect(api.subtracting(documented).isEmpty, "API routes missing from openapi.yaml: \(api.subtracting(documented))")
    }

    @Test func theDocumentIsServedWithoutSigningIn() async throws {
        let app = Application(router: makeRouter(store: MemoryStore()))
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            let tree = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(tree?["paths"] != nil)
        }
    }
}
