import DebriefModel
import Crypto
import Foundation
import Hummingbird
import NIOCore
import Store

/// The request context of every route: who is asking, and under which session (for the CSRF check of forms).
public struct DebriefContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: User?
    public var session: Credential?
    /// The peer of the connection (the sign-in throttle counts failures per address).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Who may see what. Deny by default: anything not granted here is refused.
public enum Access {
    /// Reports and candidates of this job (competency model).
    public static func canSee(job model: String, _ user: User) -> Bool {
        switch user.role {
        case .admin, .hr: true
        case .manager: user.jobs.contains(model)
        case .candidate: false
        }
    }

    /// A report's development feedback: whoever may see the job, and the candidate it is about (their account names
    /// the candidate id the report carries).
    public static func canSeeFeedback(job model: String, candidate: String?, _ user: User) -> Bool {
        if user.role == .candidate { return candidate != nil && user.candidate == candidate }
        return canSee(job: model, user)
    }

    /// Uploading a recording into a job's inbox: whoever may see the job.
    public static func canUpload(job model: String, _ user: User) -> Bool { canSee(job: model, user) }

    /// Rating a job's interviews: whoever may see the job (admin, HR, its hiring managers).
    public static func canRate(job model: String, _ user: User) -> Bool { canSee(job: model, user) }

    /// The people who sign in: who they are, their roles and jobs.
    public static func canManageUsers(_ user: User) -> Bool { user.role == .admin }

    /// The queue: recordings waiting, running or failed, with inbox paths and reasons.
    public static func canSeeQueue(_ user: User) -> Bool { user.role == .admin || user.role == .hr }
}

/// Signs requests in and refuses the rest. A bearer token (`Authorization: Bearer dbf_…`) or the session cookie
/// names the user; only `/health`, `/login` and the API's OpenAPI document are open. A page asked for without a
/// user redirects to the sign-in page, an API call gets 401. A form sent with the session cookie must carry the
/// session's CSRF token (field `csrf` or header `X-CSRF-Token`); bearer calls need none (a browser never adds that
/// header by itself).
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = DebriefContext
    let store: any AccountStore
    let clock: any WallClock
    static let cookie = "debrief_session"
    static let open: Set<String> = ["/health", "/login", "/api/v1/openapi.json"]

    public func handle(_ request: Request, context: DebriefContext,
                       next: (Request, DebriefContext) async throws -> Response) async throws -> Response {
        // Open paths first: a stale or wrong token must never keep anyone from signing in or from the health check.
        if Self.open.contains(request.uri.path) { return try await next(request, context) }
        var context = context
        var request = request
        let now = clock.now
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let secret = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let (credential, user) = try await store.credential(digest: Secrets.digest(secret), now: now),
                  credential.kind == .token else {
                return Self.refuse(request, "the bearer token is not valid (create one with `debrief users token NAME`)")
            }
            context.user = user
        } else if let secret = request.cookies[Self.cookie]?.value,
                  let (credential, user) = try await store.credential(digest: Secrets.digest(secret), now: now),
                  credential.kind == .session {
            context.user = user
            context.session = credential
            if ![.get, .head].contains(request.method) {
                guard let expected = credential.csrf, let sent = try await Self.csrfToken(&request),
                      Secrets.equal(sent, expected) else {
                    return Response(status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string:
                                        "this form is out of date or did not come from Debrief (CSRF check); reload the page\n")))
                }
            }
        }
        if context.user == nil {
            return Self.refuse(request, "sign in required: send Authorization: Bearer TOKEN "
                + "(`debrief users token NAME` prints one), or sign in at /login")
        }
        return try await next(request, context)
    }

    /// The form's `csrf` field, the `X-CSRF-Token` header, or for a multipart upload the `csrf` query parameter. A
    /// url-encoded body is read (up to 1 MiB) and kept for the route.
    static func csrfToken(_ request: inout Request) async throws -> String? {
        if let header = request.headers.first(where: { $0.name.canonicalName == "x-csrf-token" }) { return header.value }
        // A file upload form cannot set a header and its body is streamed to disk, not read here: its token
        // travels in the form's action (`?csrf=`).
        if request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
            return request.uri.queryParameters.get("csrf")
        }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        // Read leniently: a form with repeated names (checkboxes) is still a form with a token.
        return FormFields(String(buffer: try await request.collectBody(upTo: 1 << 20))).first("csrf")
    }

    static func refuse(_ request: Request, _ reason: String) -> Response {
        if request.uri.path.hasPrefix("/api/") {
            let body = (try? JSONEncoder().encode(["error": reason])) ?? Data()
            return Response(status: .unauthorized,
                            headers: [.contentType: "application/json", .wwwAuthenticate: "Bearer realm=\"debrief\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        var next = URLComponents()
        next.queryItems = [URLQueryItem(name: "next", value: request.uri.description)]
        return Response(status: .seeOther, headers: [.location: "/login?" + (next.percentEncodedQuery ?? "")])
    }
}
