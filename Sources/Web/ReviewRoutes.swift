import DebriefModel
import Foundation
import Hummingbird
import Rendering
import Store

/// HR ratings and AI–human agreement:
/// - `POST /reports/{id}/ratings` — the report page's form (session + CSRF); back to the page
/// - `GET|POST /api/v1/reports/{id}/ratings` — the review (blend, flags, ratings) as JSON; a rating as JSON
/// - `GET /jobs/{model}/agreement`, `GET /api/v1/jobs/{model}/agreement` — correlation and rater tendencies
func addReviewRoutes(_ router: Router<DebriefContext>, store: any DebriefStore,
                     models: @escaping @Sendable () -> [CompetencyModel], metrics: WebMetrics,
                     webhooks: [String], clock: any WallClock) {
    @Sendable func blend(_ model: String) -> ScoreBlend { models().first { $0.id == model }?.blend ?? .standard }

    /// The report if this user may rate it.
    @Sendable func rateable(_ context: DebriefContext) async throws -> (ReportID, Report, User)? {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: ReportID.self), let summary = try await store.reportSummary(id),
              Access.canRate(job: summary.modelID, user), let report = try await store.report(id) else { return nil }
        return (id, report, user)
    }

    @Sendable func save(_ input: RatingInput, _ id: ReportID, _ report: Report, _ user: User) async throws -> Rating {
        let rating = try input.rating(report: id, rater: user.name, competencyIDs: Set(report.competencies.map(\.id)))
        let saved = try await store.addRating(rating, webhook: .ratingCreated(job: report.model.id, urls: webhooks),
                                              now: clock.now)
        metrics.event("ratings_created", help: "Ratings saved by people", labels: [("job", report.model.id)])
        return saved
    }

    router.post("/reports/:id/ratings") { request, context -> Response in
        var request = request
        let language = pageLanguage(request)
        guard let (id, report, user) = try await rateable(context) else {
            return html(notFound(language, account: context.account), status: .notFound)
        }
        let body = try await request.collectBody(upTo: 64 * 1024)
        do {
            _ = try await save(try RatingInput(form: String(buffer: body)), id, report, user)
        } catch let error as StoreError where error.code == .invalidInput {
            let heading = language == .zh ? "评分未保存" : "The rating was not saved"
            return html(HTML.page(title: "Debrief", body: "<section><h1>\(heading)</h1><p>\(HTML.escape(error.reason))</p>"
                                  + "<p><a href=\"/reports/\(id)\">\(language == .zh ? "返回报告" : "Back to the report")</a></p></section>",
                                  language: language, account: context.account), status: .badRequest)
        }
        return Response(status: .seeOther,
                        headers: [.location: "/reports/\(id)\(language == .zh ? "?lang=zh" : "")#review"])
    }

    router.get("/api/v1/reports/:id/ratings") { _, context -> Response in
        guard let (id, report, _) = try await rateable(context) else {
            return json(Data(#"{"error":"report not found"}"#.utf8), status: .notFound)
        }
        let review = Review(report: report, id: id, ratings: try await store.ratings(report: id),
                            blend: blend(report.model.id))
        return json(try apiEncoder().encode(review))
    }

    router.post("/api/v1/reports/:id/ratings") { request, context -> Response in
        var request = request
        guard let (id, report, user) = try await rateable(context) else {
            return json(Data(#"{"error":"report not found"}"#.utf8), status: .notFound)
        }
        let body = try await request.collectBody(upTo: 64 * 1024)
        do {
            let input: RatingInput
            do {
                input = try JSONDecoder().decode(RatingInput.self, from: Data(buffer: body))
            } catch {
                throw StoreError(code: .invalidInput, reason: "the body is not a rating: send JSON "
                    + #"{"overall": 0–100, "competencies": {"id": 0–100}, "comment": "…"}"#)
            }
            let rating = try await save(input, id, report, user)
            return json(try apiEncoder().encode(rating), status: .created)
        } catch let error as StoreError where error.code == .invalidInput {
            return json(try apiEncoder().encode(["error": error.reason]), status: .badRequest)
        }
    }

    @Sendable func agreement(_ context: DebriefContext) async throws -> (CompetencyModel, JobAgreement)? {
        let user = try context.requireUser()
        guard let id = context.parameters.get("model"), Access.canSee(job: id, user),
              let model = models().first(where: { $0.id == id }) else { return nil }
        let ratings = try await store.ratings(modelID: id)
        var reviews: [(Report, [Rating])] = []
        for (reportID, rated) in Dictionary(grouping: ratings, by: \.reportID).sorted(by: { $0.key < $1.key }) {
            if let report = try await store.report(reportID) { reviews.append((report, rated)) }
        }
        return (model, JobAgreement(model: model, reviews: reviews))
    }

    router.get("/jobs/:model/agreement") { request, context -> Response in
        let language = pageLanguage(request)
        guard let (model, result) = try await agreement(context) else {
            return html(notFound(language, what: language == .zh ? "未找到该岗位" : "Job not found",
                                 account: context.account), status: .notFound)
        }
        let title = language == .zh ? (model.titleZh ?? model.title) : model.title
        let link = "/jobs/\(model.id)\(language == .zh ? "?lang=zh" : "")"
        return html(HTML.page(title: title, body: ReviewPages(language: language).agreement(result, title: title,
                                                                                         jobLink: link),
                              language: language, account: context.account))
    }

    router.get("/api/v1/jobs/:model/agreement") { _, context -> Response in
        guard let (_, result) = try await agreement(context) else {
            return json(Data(#"{"error":"job not found"}"#.utf8), status: .notFound)
        }
        return json(try apiEncoder().encode(result))
    }
}
