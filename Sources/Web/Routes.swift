import DebriefModel
import Foundation
import Hummingbird
import Rendering
import Store

/// The HR-facing HTTP surface: pages for people, JSON for tools, a health check for operators.
///
/// - `GET /` — reports, newest first, and jobs in progress or failed (with their reasons)
/// - `GET /reports/{id}` — one report as a page (`?lang=en|zh`, else Accept-Language)
/// - `GET /api/v1/reports` — JSON list: `id`, `file`, `candidate`, `model`, `overall`, `createdAt`
/// - `GET /api/v1/reports/{id}` — the report JSON exactly as stored
/// - `GET /health` — `ok` when the store answers
public func makeRouter(store: any DebriefStore) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/health") { _, _ -> Response in
        do {
            _ = try await store.jobs(limit: 1)
            return text("ok\n")
        } catch {
            return text("store unavailable: \(error)\n", status: .serviceUnavailable)
        }
    }
    router.get("/") { request, _ -> Response in
        let language = pageLanguage(request)
        let summaries = try await store.reportSummaries(limit: 500)
        let jobs = try await store.jobs(limit: 500)
        return html(HTML.page(title: "Debrief", body: IndexPage(language: language).body(summaries, jobs: jobs),
                              language: language))
    }
    router.get("/reports/:id") { request, context -> Response in
        let language = pageLanguage(request)
        guard let id = context.parameters.get("id", as: ReportID.self) else {
            return html(notFound(language), status: .notFound)
        }
        guard let report = try await store.report(id) else { return html(notFound(language), status: .notFound) }
        return html(ReportRenderer(language: language).html(report))
    }
    router.get("/api/v1/reports") { _, _ -> Response in
        let summaries = try await store.reportSummaries(limit: 1000)
        let items = summaries.map {
            ReportListItem(id: $0.id, file: $0.file, candidate: $0.candidate,
                           model: .init(id: $0.modelID, version: $0.modelVersion), overall: $0.overall,
                           warnings: $0.warnings, createdAt: $0.createdAt, url: "/api/v1/reports/\($0.id)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return json(try encoder.encode(ReportList(reports: items)))
    }
    router.get("/api/v1/reports/:id") { _, context -> Response in
        guard let id = context.parameters.get("id", as: ReportID.self), let data = try await store.reportJSON(id) else {
            return json(Data(#"{"error":"report not found"}"#.utf8), status: .notFound)
        }
        return json(data)
    }
    return router
}

struct ReportList: Encodable {
    var reports: [ReportListItem]
}

struct ReportListItem: Encodable {
    struct ModelRef: Encodable {
        var id: String
        var version: Int
    }
    var id: ReportID
    var file: String
    var candidate: String?
    var model: ModelRef
    var overall: Overall
    var warnings: Int
    var createdAt: Date
    var url: String
}

private func pageLanguage(_ request: Request) -> UILanguage {
    UILanguage.negotiate(query: request.uri.queryParameters.get("lang"),
                         acceptLanguage: request.headers[.acceptLanguage])
}

private func notFound(_ language: UILanguage) -> String {
    HTML.page(title: "Debrief", body: "<section><h1>\(language == .zh ? "未找到该报告" : "Report not found")</h1></section>",
              language: language)
}

private func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

private func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

private func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}
