import DebriefModel
import Foundation
import Hummingbird
import Rendering
import Store

/// HR's correction of who is who in a call (the candidate was inferred, or the metadata named the wrong speaker):
/// - `POST /reports/{id}/speakers` — the report page's form (session + CSRF, field `candidate`); back to the page
/// - `POST /api/v1/reports/{id}/speakers` — JSON `{"candidate": "SPEAKER_01"}`; answered with the new revision
/// The report is analysed again from its stored transcript with that speaker as the candidate and stored as a new
/// revision (the previous one stays in its history). HR, and managers for their jobs, may correct.
func addSpeakerRoutes(_ router: Router<DebriefContext>, store: any DebriefStore,
                      models: @escaping @Sendable () -> [CompetencyModel], metrics: WebMetrics, clock: any WallClock,
                      correction: @escaping RoleCorrection) {
    typealias Refused = RoleCorrectionRefused

    /// The report if this user may correct it.
    @Sendable func correctable(_ context: DebriefContext) async throws -> (ReportID, Report)? {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id", as: ReportID.self), let summary = try await store.reportSummary(id),
              Access.canRate(job: summary.modelID, user), let report = try await store.report(id) else { return nil }
        return (id, report)
    }

    @Sendable func correct(_ id: ReportID, _ report: Report, candidate: String?) async throws -> Report {
        guard let candidate = candidate?.trimmingWhitespace, !candidate.isEmpty else {
            throw Refused(reason: "say which speaker is the candidate (field 'candidate')")
        }
        guard let model = models().first(where: { $0.id == report.model.id }) else {
            throw Refused(reason: "the job's model '\(report.model.id)' is no longer installed: the report cannot be "
                + "analysed again")
        }
        let revised = try correction(report, model, candidate).get()
        try await store.revise(report: id, with: revised, now: clock.now)
        metrics.event("speaker_roles_corrected", help: "Reports re-analysed after HR corrected the speakers' roles",
                      labels: [("job", report.model.id)])
        return revised
    }

    router.post("/reports/:id/speakers") { request, context -> Response in
        var request = request
        let language = pageLanguage(request)
        guard let (id, report) = try await correctable(context) else {
            return html(notFound(language, account: context.account), status: .notFound)
        }
        let body = try await request.collectBody(upTo: 64 * 1024)
        do {
            _ = try await correct(id, report, candidate: FormFields(String(buffer: body)).first("candidate"))
        } catch let refused as Refused {
            let heading = language == .zh ? "发言人未更正" : "The speakers were not corrected"
            return html(HTML.page(title: "Debrief", body: "<section><h1>\(heading)</h1><p>\(HTML.escape(refused.reason))"
                                  + "</p><p><a href=\"/reports/\(id)\">\(language == .zh ? "返回报告" : "Back to the report")"
                                  + "</a></p></section>", language: language, account: context.account),
                        status: .badRequest)
        }
        return Response(status: .seeOther,
                        headers: [.location: "/reports/\(id)\(language == .zh ? "?lang=zh" : "")#speakers"])
    }

    router.post("/api/v1/reports/:id/speakers") { request, context -> Response in
        var request = request
        guard let (id, report) = try await correctable(context) else {
            return json(Data(#"{"error":"report not found"}"#.utf8), status: .notFound)
        }
        struct Body: Decodable { var candidate: String }
        let body = try await request.collectBody(upTo: 64 * 1024)
        guard let input = try? JSONDecoder().decode(Body.self, from: Data(buffer: body)) else {
            return json(try apiEncoder().encode(["error": #"the body is not a correction: send JSON {"candidate": "speaker id"}"#]),
                        status: .badRequest)
        }
        do {
            return json(try apiEncoder().encode(try await correct(id, report, candidate: input.candidate)))
        } catch let refused as Refused {
            return json(try apiEncoder().encode(["error": refused.reason]), status: .badRequest)
        }
    }
}

/// Analyses a stored report again with another speaker as the candidate, for the given model (the pipeline's
/// `Rescorer.correctingRoles`, handed in by whoever assembles the service: the web layer does no analysis itself).
public typealias RoleCorrection = @Sendable (_ report: Report, _ model: CompetencyModel, _ candidate: String)
    -> Result<Report, RoleCorrectionRefused>

/// Why a correction of the roles was refused, in a sentence for the person who asked.
public struct RoleCorrectionRefused: Error, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// The report page's form for correcting the roles: which speaker is the candidate.
func speakerCorrectionForm(_ report: Report, id: ReportID, csrf: String, language: UILanguage) -> String {
    guard let speakers = report.transcript.speakers, speakers.count > 1 else { return "" }
    let e = HTML.escape
    let zh = language == .zh
    let note = zh ? "报告将根据已存储的转写重新分析，只计候选人的话，并保存为新版本；原版本保留在历史中。"
        : "The report is analysed again from the stored transcript, counting only the candidate's words, and saved "
            + "as a new revision; the previous one stays in its history."
    let options = speakers.map { speaker in
        let name = speaker.label == speaker.id ? speaker.id : "\(speaker.label) (\(speaker.id))"
        return "<option value=\"\(e(speaker.id))\"\(speaker.role == .candidate ? " selected" : "")>\(e(name))</option>"
    }.joined()
    return "<section class=\"speaker-correction\"><h3>\(zh ? "更正发言人角色" : "Correct the speakers' roles")</h3>"
        + "<form method=\"post\" action=\"/reports/\(id)/speakers\(zh ? "?lang=zh" : "")\">"
        + "<input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\">"
        + "<label>\(zh ? "候选人是" : "The candidate is") <select name=\"candidate\">\(options)</select></label> "
        + "<button type=\"submit\">\(zh ? "按此重新分析" : "Re-analyse")</button></form>"
        + "<p class=\"muted\">\(note)</p></section>"
}
