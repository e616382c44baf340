import DebriefModel
import Foundation
import Hummingbird
import Rendering
import Store

/// How long a browser session lasts without signing in again.
let sessionSeconds = 12 * 3600
/// The cookie that ties the sign-in form to the browser that loaded it (login CSRF: double submit).
let signInCookie = "debrief_signin"

/// `GET /login` (the form), `POST /login` (name + password → session cookie), `POST /logout`.
/// Password guessing is slowed by `throttle` (429 with `Retry-After` after repeated failures).
func addSignInRoutes(_ router: Router<DebriefContext>, store: any DebriefStore,
                     throttle: SignInThrottle = SignInThrottle(), clock: any WallClock) {
    router.get("/login") { request, _ -> Response in
        signInPage(pageLanguage(request), next: request.uri.queryParameters.get("next"), notice: nil)
    }
    router.post("/login") { request, context -> Response in
        struct Form: Decodable {
            var name: String?
            var password: String?
            var csrf: String?
            var next: String?
        }
        var request = request
        let language = pageLanguage(request)
        let body = try await request.collectBody(upTo: 64 * 1024)
        let form = (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body)))
            ?? Form(name: nil, password: nil, csrf: nil, next: nil)
        guard let sent = form.csrf, let expected = request.cookies[signInCookie]?.value,
              Secrets.equal(sent, expected) else {
            return text("this sign-in form is out of date or did not come from Debrief (CSRF check); reload it\n",
                        status: .forbidden)
        }
        let name = form.name ?? ""
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        if let seconds = await throttle.wait(name: name, client: client, now: clock.now) {
            var response = signInPage(language, next: form.next, notice: .wait(seconds))
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        let user = try await store.user(named: name)
        guard let user, Secrets.verify(form.password ?? "", hash: user.passwordHash) else {
            if user == nil { _ = Secrets.verify(form.password ?? "", hash: nil) }
            await throttle.failed(name: name, client: client, now: clock.now)
            return signInPage(language, next: form.next, notice: .wrong)
        }
        await throttle.succeeded(name: name, client: client)
        let secret = Secrets.random()
        try await store.addCredential(Credential(digest: Secrets.digest(secret), kind: .session, userID: user.id,
                                                 csrf: Secrets.random(),
                                                 expiresAt: clock.now.addingTimeInterval(Double(sessionSeconds))),
                                      now: clock.now)
        var response = Response(status: .seeOther, headers: [.location: safeNext(form.next)])
        response.setCookie(Cookie(name: AuthMiddleware.cookie, value: secret, maxAge: sessionSeconds, path: "/",
                                  httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(name: signInCookie, value: "", maxAge: 0, path: "/login", httpOnly: true,
                                  sameSite: .strict))
        return response
    }
    router.post("/logout") { request, context -> Response in
        if let session = context.session { try await store.removeCredential(digest: session.digest) }
        var response = Response(status: .seeOther, headers: [.location: "/login"])
        response.setCookie(Cookie(name: AuthMiddleware.cookie, value: "", maxAge: 0, path: "/", httpOnly: true,
                                  sameSite: .lax))
        _ = request
        return response
    }
}

/// Where to go after signing in: a path on this server, else `/`. The value is first normalised as a browser
/// normalises a URL before resolving it (WHATWG URL: leading and trailing C0 controls and spaces stripped, every tab
/// and newline removed, `\\` read as `/`), so that what is checked is what the browser would follow: `/\t/evil.example`
/// and `/\\evil.example` both become `//evil.example`, another host, and are refused.
func safeNext(_ next: String?) -> String {
    guard let next else { return "/" }
    var scalars = next.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
    let isC0OrSpace = { (scalar: Unicode.Scalar) in scalar.value <= 0x20 }
    while let first = scalars.first, isC0OrSpace(first) { scalars.removeFirst() }
    while let last = scalars.last, isC0OrSpace(last) { scalars.removeLast() }
    let path = String(String.UnicodeScalarView(scalars.map { $0 == "\\" ? "/" : $0 }))
    // A single leading slash is a path on this origin; two are a network path to another host.
    guard path.hasPrefix("/"), !path.hasPrefix("//"),
          !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return "/" }
    return path
}

/// Why the sign-in form is shown again.
private enum SignInNotice {
    case wrong
    case wait(Int)
}

private func signInPage(_ language: UILanguage, next: String?, notice: SignInNotice?) -> Response {
    func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }
    let token = Secrets.random()
    let e = HTML.escape
    var body = "<section><h1>\(t("Sign in", "登录"))</h1>"
    let status: HTTPResponse.Status
    switch notice {
    case .wrong:
        body += "<p class=\"failed\">\(t("Name or password is wrong.", "用户名或密码错误。"))</p>"
        status = .unauthorized
    case .wait(let seconds):
        let wait = seconds >= 120 ? t("\((seconds + 59) / 60) minutes", "\((seconds + 59) / 60) 分钟")
            : t("\(seconds) seconds", "\(seconds) 秒")
        body += "<p class=\"failed\">" + t("Too many failed sign-ins. Try again in \(wait).",
                                           "登录失败次数过多，请 \(wait)后再试。") + "</p>"
        status = .tooManyRequests
    case nil:
        status = .ok
    }
    body += """
        <form method="post" action="/login\(language == .zh ? "?lang=zh" : "")" class="login">
        <input type="hidden" name="csrf" value="\(e(token))"><input type="hidden" name="next" value="\(e(safeNext(next)))">
        <label for="name">\(t("Name", "用户名"))</label><input id="name" name="name" autocomplete="username" required>
        <label for="password">\(t("Password", "密码"))</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button>\(t("Sign in", "登录"))</button></form>
        <p class="muted">\(t("No account yet? Ask your Debrief administrator for one.",
                             "还没有账号？请联系 Debrief 管理员为您开通。"))</p></section>
        """
    let back = safeNext(next)
    let keep = back == "/" ? nil : back.addingPercentEncoding(withAllowedCharacters: .alphanumerics).map { "next=" + $0 }
    var response = html(HTML.page(title: t("Sign in", "登录"), body: body, language: language, query: keep),
                        status: status)
    response.setCookie(Cookie(name: signInCookie, value: token, maxAge: 3600, path: "/login", httpOnly: true,
                              sameSite: .strict))
    return response
}
