import DebriefModel
import Foundation
import Hummingbird
import Rendering
import Store

/// The HR-facing HTTP surface: pages for people, JSON for tools, a health check for operators. Everything but
/// `/health` and `/login` needs a signed-in user (`AuthMiddleware`), and each user sees only the jobs `Access`
/// grants them; a report or job they may not see is answered as if it did not exist.
///
/// - `GET /login`, `POST /login`, `POST /logout` — sign in (name + password) and out; session cookie + CSRF token
/// - `GET /` — reports, newest first, and (admin, HR) jobs in progress or failed, with their reasons
/// - `GET /reports/{id}` — one report as a page (`?lang=en|zh`, else Accept-Language)
/// - `GET /jobs` — each job (competency model): new, analysed and failed counts, the score distribution
/// - `GET /jobs/{model}` — its candidates ranked (match %, percentile, level, flags), `?q=&level=&flag=&sort=`
/// - `GET /jobs/{model}/candidates.csv` — the same rows as CSV
/// - `GET /api/v1/jobs`, `GET /api/v1/jobs/{model}/candidates` — the same as JSON
/// - `GET /api/v1/reports` — JSON list: `id`, `file`, `candidate`, `model`, `overall`, `createdAt`
/// - `GET /api/v1/reports/{id}` — the report JSON exactly as stored
/// - `GET /api/v1/openapi.json` — the OpenAPI 3.1 document of this API (open, like `/health` and `/login`)
/// - `GET /api/v1/me` — who the token or session belongs to, and their role and jobs
/// - `GET /reports/{id}/recording` — the recording, with Range support, for the page's player
/// - ratings and AI–human agreement: see `addReviewRoutes`
/// - correcting who is the candidate in a call (with `roleCorrection`): see `addSpeakerRoutes`
/// - uploads into a job's inbox: see `addUploadRoutes`
/// - users (admin only): see `addAdminRoutes`
/// - `GET /metrics` — Prometheus text format (admin, HR): requests, latencies, ratings, the queue
/// - `GET /health` — `ok` when the store answers
///
/// `models` lists the jobs; it is asked on each request (`debrief serve` answers from a cache that looks at the files
/// once a second), so a model file added to the models folder shows without a restart.
///
/// `recording` finds where an analysed recording is now (at its inbox path, or moved to `processed/`); the report page
/// plays it from `GET /reports/{id}/recording` (Range requests, so the player can seek).
public func makeRouter(store: any DebriefStore,
                       models: @escaping @Sendable () -> [CompetencyModel] = { [] },
                       modelProblems: @escaping @Sendable () -> [String] = { [] },
                       recording: @escaping @Sendable (String) -> String? = {
                           FileManager.default.fileExists(atPath: $0) ? $0 : nil
                       }, metrics: WebMetrics = WebMetrics(),
                       uploads: UploadSettings? = nil, webhooks: [String] = [],
                       clock: any WallClock = SystemClock(),
                       roleCorrection: RoleCorrection? = nil) -> Router<DebriefContext> {
    let router = Router(context: DebriefContext.self)
    let reports = ReportCache()
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: MethodGuard())
    router.add(middleware: AuthMiddleware(store: store, clock: clock))
    router.get("/health") { _, _ -> Response in
        do {
            _ = try await store.jobs(limit: 1)
            return text("ok\n")
        } catch {
            return text("store unavailable: \(error)\n", status: .serviceUnavailable)
        }
    }
    addSignInRoutes(router, store: store, clock: clock)
    router.get("/api/v1/openapi.json") { _, _ -> Response in
        switch APIDocument.json {
        case .success(let document): return json(document)
        case .failure(let missing):
            return json(try apiEncoder().encode(["error": missing.reason]), status: .serviceUnavailable)
        }
    }
    router.get("/metrics") { _, context -> Response in
        guard Access.canSeeQueue(try context.requireUser()) else {
            return text("the metrics are for admin and HR accounts\n", status: .forbidden)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: try await metrics.exposition(store: store))))
    }
    router.get("/") { request, context -> Response in
        let language = pageLanguage(request)
        let user = try context.requireUser()
        if user.role == .candidate {
            let own = try await store.reportSummaries(limit: 10_000).filter {
                Access.canSeeFeedback(job: $0.modelID, candidate: $0.candidate, user)
            }
            return html(HTML.page(title: "Debrief", body: IndexPage(language: language).feedbackList(own, models: models()),
                                  language: language, account: context.account))
        }
        let summaries = try await store.reportSummaries(limit: 500).filter { Access.canSee(job: $0.modelID, user) }
        let jobs = Access.canSeeQueue(user) ? try await store.jobs(limit: 500) : []
        return html(HTML.page(title: "Debrief", body: IndexPage(language: language).body(summaries, jobs: jobs),
                              language: language, account: context.account))
    }
    /// A stored report, decoded once while its JSON stays the same.
    @Sendable func report(_ id: ReportID) async throws -> Report? {
        guard let json = try await store.reportJSON(id) else { return nil }
        return try reports.report(id, json: json)
    }
    /// The report's recording where it is now, if this user may see the report.
    @Sendable func recordingPath(_ id: ReportID, _ user: User) async throws -> (ReportSummary, String?)? {
        guard let summary = try await store.reportSummary(id), Access.canSee(job: summary.modelID, user) else {
            return nil
        }
        guard let jobID = summary.jobID, let job = try await store.job(jobID) else { return (summary, nil) }
        return (summary, recording(job.path))
    }
    router.get("/reports/:id") { request, context -> Response in
        let language = pageLanguage(request)
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: ReportID.self),
              let (_, path) = try await recordingPath(id, user), let json = try await store.reportJSON(id) else {
            return html(notFound(language, account: context.account), status: .notFound)
        }
        let report = try reports.report(id, json: json)
        let model = models().first { $0.id == report.model.id }
        var ideal: [String: Double] = [:]
        for dimension in model?.dimensions ?? [] { if let target = dimension.target { ideal[dimension.id] = target } }
        let media = path == nil ? nil : "/reports/\(id)/recording"
        let renderer = ReportRenderer(language: language, media: media, ideal: ideal)
        let variant = "\(language.rawValue)|\(media ?? "")|" + ideal.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ",")
        let (before, after) = reports.body(id, json: json, variant: variant) { renderer.bodyParts(report) }
        let review = Review(report: report, id: id, ratings: try await store.ratings(report: id),
                            blend: model?.blend ?? .standard)
        let canRate = Access.canRate(job: report.model.id, user)
        let section = ReviewPages(language: language).section(
            review, mine: review.ratings.current.last { $0.rater == user.name }, csrf: context.session?.csrf,
            canRate: canRate)
        var correction = ""
        if roleCorrection != nil, canRate, let csrf = context.session?.csrf {
            correction = speakerCorrectionForm(report, id: id, csrf: csrf, language: language)
        }
        return html(renderer.page(report, body: before + section + correction + after, account: context.account))
    }
    router.get("/reports/:id/feedback") { request, context -> Response in
        let user = try context.requireUser()
        let asked = request.uri.queryParameters.get("lang")
        guard let id = context.parameters.get("id", as: ReportID.self), let summary = try await store.reportSummary(id),
              Access.canSeeFeedback(job: summary.modelID, candidate: summary.candidate, user),
              let report = try await report(id) else {
            return html(notFound(pageLanguage(request), account: context.account), status: .notFound)
        }
        let renderer = FeedbackRenderer(language: FeedbackRenderer.language(for: report, asked: asked))
        return html(renderer.html(report, model: models().first { $0.id == report.model.id }, account: context.account))
    }
    router.get("/reports/:id/recording") { request, context -> Response in
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: ReportID.self),
              let (_, found) = try await recordingPath(id, user), let path = found,
              let report = try await report(id) else {
            return text("recording not found\n", status: .notFound)
        }
        return try await streamRecording(path, expectedSize: Int(report.recording.sizeBytes), request: request,
                                         context: context)
    }
    @Sendable func overviews(_ user: User) async throws -> (jobs: [JobOverview], unassigned: Int) {
        let counts = try await store.queueCountsByFolder()
        var overviews: [JobOverview] = []
        for model in models() where Access.canSee(job: model.id, user) {
            overviews.append(JobOverview(model: model, reports: try await store.latestReports(modelID: model.id),
                                         counts: counts[model.id] ?? [:]))
        }
        let known = Set(models().map(\.id))
        let unassigned = !Access.canSeeQueue(user) ? 0 : counts.filter { !known.contains($0.key ?? "") }.values
            .reduce(0) { $0 + $1[.queued, default: 0] + $1[.running, default: 0] }
        return (overviews, unassigned)
    }
    @Sendable func candidates(_ request: Request, _ context: DebriefContext) async throws
        -> (JobOverview, [CandidateRow], CandidateQuery, Int)? {
        let user = try context.requireUser()
        guard let id = context.parameters.get("model"), Access.canSee(job: id, user),
              let model = models().first(where: { $0.id == id }) else {
            return nil
        }
        let reports = try await store.latestReports(modelID: id)
        let job = JobOverview(model: model, reports: reports, counts: try await store.queueCountsByFolder()[id] ?? [:])
        let query = CandidateQuery { request.uri.queryParameters.get($0) }
        var reviews: [ReportID: Review] = [:]
        let latest = Set(reports.map(\.id))
        for (reportID, rated) in Dictionary(grouping: try await store.ratings(modelID: id), by: \.reportID)
        where latest.contains(reportID) {
            if let report = try await report(reportID) {
                reviews[reportID] = Review(report: report, id: reportID, ratings: rated, blend: model.blend)
            }
        }
        return (job, query.rows(reports, reviews: reviews), query, reports.count)
    }
    router.get("/jobs") { request, context -> Response in
        let language = pageLanguage(request)
        let (jobs, unassigned) = try await overviews(try context.requireUser())
        return html(HTML.page(title: language == .zh ? "岗位" : "Jobs",
                              body: JobsPages(language: language).jobs(jobs, unassigned: unassigned),
                              language: language, account: context.account))
    }
    router.get("/jobs/:model") { request, context -> Response in
        let language = pageLanguage(request)
        guard let (job, rows, query, total) = try await candidates(request, context) else {
            return html(notFound(language, what: language == .zh ? "未找到该岗位" : "Job not found",
                                 account: context.account), status: .notFound)
        }
        let user = try context.requireUser()
        let pages = JobsPages(language: language)
        var body = pages.candidates(job, rows: rows, query: query, total: total)
        if let uploads, let csrf = context.session?.csrf, Access.canUpload(job: job.id, user) {
            body += pages.uploadForm(job: job.id, csrf: csrf, uploads: uploads,
                                     uploaded: request.uri.queryParameters.get("uploaded"))
        }
        return html(HTML.page(title: job.title, body: body, language: language, account: context.account,
                              query: request.uri.query))
    }
    router.get("/jobs/:model/candidates.csv") { request, context -> Response in
        guard let (job, rows, _, _) = try await candidates(request, context) else {
            return text("job not found\n", status: .notFound)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"\(job.id)-candidates.csv\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: JobsPages.csv(rows))))
    }
    router.get("/api/v1/me") { _, context -> Response in
        let user = try context.requireUser()
        return json(try apiEncoder().encode(Me(name: user.name, role: user.role.rawValue,
                                               jobs: user.role == .manager ? user.jobs : nil)))
    }
    router.get("/api/v1/jobs") { _, context -> Response in
        json(try apiEncoder().encode(["jobs": try await overviews(try context.requireUser()).jobs]))
    }
    router.get("/api/v1/jobs/:model/candidates") { request, context -> Response in
        guard let (job, rows, _, _) = try await candidates(request, context) else {
            return json(Data(#"{"error":"job not found"}"#.utf8), status: .notFound)
        }
        return json(try apiEncoder().encode(CandidateList(job: job, candidates: rows)))
    }
    router.get("/api/v1/reports") { _, context -> Response in
        let user = try context.requireUser()
        let summaries = try await store.reportSummaries(limit: 1000).filter { Access.canSee(job: $0.modelID, user) }
        let items = summaries.map {
            ReportListItem(id: $0.id, file: $0.file, candidate: $0.candidate,
                           model: .init(id: $0.modelID, version: $0.modelVersion), overall: $0.overall,
                           warnings: $0.warnings, createdAt: $0.createdAt, url: "/api/v1/reports/\($0.id)")
        }
        return json(try apiEncoder().encode(ReportList(reports: items)))
    }
    router.get("/api/v1/reports/:id") { _, context -> Response in
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: ReportID.self), let summary = try await store.reportSummary(id),
              Access.canSee(job: summary.modelID, user), let data = try await store.reportJSON(id) else {
            return json(Data(#"{"error":"report not found"}"#.utf8), status: .notFound)
        }
        return json(data)
    }
    addReviewRoutes(router, store: store, models: models, metrics: metrics, webhooks: webhooks, clock: clock)
    if let roleCorrection {
        addSpeakerRoutes(router, store: store, models: models, metrics: metrics, clock: clock, correction: roleCorrection)
    }
    addUploadRoutes(router, uploads: uploads, models: models, metrics: metrics)
    addAdminRoutes(router, store: store, models: models, modelProblems: modelProblems, clock: clock)
    return router
}

struct Me: Encodable {
    var name: String
    var role: String
    var jobs: [String]?
}

extension DebriefContext {
    /// The signed-in user; the middleware lets no request without one reach a route that asks.
    func requireUser() throws -> User {
        guard let user else { throw HTTPError(.unauthorized) }
        return user
    }

    var account: HTML.Account? {
        user.map { HTML.Account(name: $0.name, csrf: session?.csrf, admin: $0.role == .admin) }
    }
}

func apiEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
}

struct CandidateList: Encodable {
    var job: JobOverview
    var candidates: [CandidateRow]
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

func pageLanguage(_ request: Request) -> UILanguage {
    UILanguage.negotiate(query: request.uri.queryParameters.get("lang"),
                         acceptLanguage: request.headers[.acceptLanguage])
}

func notFound(_ language: UILanguage, what: String? = nil, account: HTML.Account? = nil) -> String {
    let heading = what ?? (language == .zh ? "未找到该报告" : "Report not found")
    return HTML.page(title: "Debrief", body: "<section><h1>\(HTML.escape(heading))</h1></section>", language: language,
                     account: account)
}

/// The fields of a url-encoded form, repeated names kept (checkboxes); the CSRF check and the admin's
/// forms read them.
struct FormFields {
    private let items: [(String, String)]

    init(_ body: String) {
        var components = URLComponents()
        components.percentEncodedQuery = body.replacingOccurrences(of: "+", with: "%20")
        items = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
    }

    func first(_ name: String) -> String? { items.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { items.filter { $0.0 == name }.map(\.1) }
}

func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
}

func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}
