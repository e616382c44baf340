import DebriefModel
import Foundation
import Hummingbird
import Rendering
import Store

/// The administrator's users page, the web twin of `debrief users add|list|remove` (same store, same rules):
/// - `GET /admin/users` — the users with their roles, jobs and candidate ids, and the form
/// - `POST /admin/users` — create a user, or change the role, jobs, candidate id or password of one (session + CSRF);
///   without a password an existing user keeps theirs and a new one gets a random one, shown once on the answer
/// - `POST /admin/users/{name}/remove` — remove a user with their sessions and tokens
/// - `GET /admin/models` — the competency models in use (version, dimensions, weights, blend, delivery opt-in) and
///   every model file that does not load, with its reason (models are YAML files edited beside the service)
/// Everyone else is told the page does not exist. An administrator cannot remove or demote themselves, so the
/// deployment always keeps the admin who is changing it.
func addAdminRoutes(_ router: Router<DebriefContext>, store: any DebriefStore,
                    models: @escaping @Sendable () -> [CompetencyModel],
                    modelProblems: @escaping @Sendable () -> [String], clock: any WallClock) {
    @Sendable func page(_ request: Request, _ context: DebriefContext, notice: AdminPages.Notice?,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let language = pageLanguage(request)
        let pages = AdminPages(language: language)
        let body = pages.users(try await store.users(), me: try context.requireUser().name, models: models(),
                               csrf: context.session?.csrf, notice: notice)
        var response = html(HTML.page(title: language == .zh ? "用户" : "Users", body: body, language: language,
                                      account: context.account), status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }
    @Sendable func admin(_ request: Request, _ context: DebriefContext) throws -> Response? {
        guard Access.canManageUsers(try context.requireUser()) else {
            let language = pageLanguage(request)
            return html(notFound(language, what: language == .zh ? "未找到该页面" : "Page not found",
                                 account: context.account), status: .notFound)
        }
        return nil
    }

    router.get("/admin/models") { request, context -> Response in
        if let refused = try admin(request, context) { return refused }
        let language = pageLanguage(request)
        return html(HTML.page(title: language == .zh ? "胜任力模型" : "Competency models",
                              body: AdminPages(language: language).models(models(), problems: modelProblems()),
                              language: language, account: context.account))
    }
    router.get("/admin/users") { request, context -> Response in
        if let refused = try admin(request, context) { return refused }
        return try await page(request, context, notice: nil)
    }
    router.post("/admin/users") { request, context -> Response in
        if let refused = try admin(request, context) { return refused }
        var request = request
        let form = FormFields(String(buffer: try await request.collectBody(upTo: 64 * 1024)))
        let name = form.first("name")?.trimmingCharacters(in: .whitespaces) ?? ""
        guard let role = form.first("role").flatMap(Role.init(rawValue:)) else {
            return try await page(request, context, notice: .refused(nil), status: .badRequest)
        }
        let jobs = role == .manager ? form.all("jobs").filter { !$0.isEmpty } : []
        let candidate = role == .candidate ? form.first("candidate")?.trimmingCharacters(in: .whitespaces) : nil
        let typed = form.first("password").flatMap { $0.isEmpty ? nil : $0 }
        if let problem = AccountRules.problem(name: name, role: role, jobs: jobs, candidate: candidate,
                                              password: typed) {
            return try await page(request, context, notice: .refused(problem), status: .badRequest)
        }
        let me = try context.requireUser()
        if name == me.name, role != .admin {
            return try await page(request, context, notice: .notYourself, status: .conflict)
        }
        let existing = try await store.user(named: name)
        let generated = typed == nil && existing == nil ? AccountRules.generatedPassword() : nil
        let hash = (typed ?? generated).map { Secrets.hashPassword($0) } ?? existing?.passwordHash
        let saved = try await store.saveUser(NewUser(name: name, role: role, passwordHash: hash, jobs: jobs,
                                                     candidate: candidate), now: clock.now)
        return try await page(request, context, notice: .saved(saved.name, created: existing == nil,
                                                               password: generated))
    }
    router.post("/admin/users/:name/remove") { request, context -> Response in
        if let refused = try admin(request, context) { return refused }
        // Path parameters arrive percent-encoded (a Chinese name, say).
        guard let name = context.parameters.get("name")?.removingPercentEncoding else {
            return text("no user named\n", status: .badRequest)
        }
        if name == (try context.requireUser()).name {
            return try await page(request, context, notice: .notYourself, status: .conflict)
        }
        guard try await store.removeUser(named: name) else {
            return try await page(request, context, notice: .missing(name), status: .notFound)
        }
        return try await page(request, context, notice: .removed(name))
    }
}

/// The users page, drawn on the server in English or Chinese.
struct AdminPages {
    let language: UILanguage

    enum Notice {
        case saved(String, created: Bool, password: String?)
        case removed(String)
        case missing(String)
        case refused(AccountRules.Problem?)
        case notYourself
    }

    private func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }

    private func roleName(_ role: Role) -> String {
        switch role {
        case .admin: t("admin — everything, users", "管理员 — 全部，含用户")
        case .hr: t("HR — every job", "HR — 全部岗位")
        case .manager: t("hiring manager — their jobs", "招聘经理 — 所负责的岗位")
        case .candidate: t("candidate — their own feedback", "候选人 — 仅本人反馈")
        }
    }

    func users(_ users: [User], me: String, models: [CompetencyModel], csrf: String?, notice: Notice?) -> String {
        let e = HTML.escape
        let lang = language == .zh ? "?lang=zh" : ""
        var html = "<section><h1>\(t("Users", "用户"))</h1>"
        if let notice { html += self.notice(notice) }
        html += "<table><tr><th>\(t("Name", "用户名"))</th><th>\(t("Role", "角色"))</th>"
            + "<th>\(t("Jobs or candidate", "岗位或候选人"))</th><th>\(t("Since", "创建于"))</th><th></th></tr>"
        let day = DateFormatter()
        day.dateFormat = "yyyy-MM-dd"
        day.timeZone = TimeZone(identifier: "UTC")
        let titles = Dictionary(models.map { ($0.id, language == .zh ? ($0.titleZh ?? $0.title) : $0.title) },
                                uniquingKeysWith: { first, _ in first })
        for user in users {
            let scope = user.role == .manager ? user.jobs.map { e(titles[$0] ?? $0) }.joined(separator: ", ")
                : user.role == .candidate ? e(user.candidate ?? "") : t("all", "全部")
            let remove = user.name == me || csrf == nil ? "" : """
                <form method="post" action="/admin/users/\(e(percentEncoded(user.name)))/remove\(lang)" class="plain">\
                <input type="hidden" name="csrf" value="\(e(csrf ?? ""))"><button>\(t("Remove", "删除"))</button></form>
                """
            html += "<tr><td>\(e(user.name))\(user.name == me ? " <span class=\"muted\">(\(t("you", "您")))</span>" : "")"
                + "</td><td>\(roleName(user.role))</td><td>\(scope)</td><td>\(day.string(from: user.createdAt))</td>"
                + "<td>\(remove)</td></tr>"
        }
        html += "</table></section>"
        guard let csrf else { return html }
        html += """
            <section><h2>\(t("Add or change a user", "添加或修改用户"))</h2>
            <form method="post" action="/admin/users\(lang)" class="admin">
            <input type="hidden" name="csrf" value="\(e(csrf))">
            <label for="name">\(t("Name", "用户名"))</label><input id="name" name="name" required maxlength="\(AccountRules.longestName)" autocomplete="off">
            <label for="role">\(t("Role", "角色"))</label><select id="role" name="role">
            """
        for role in Role.allCases {
            html += "<option value=\"\(role.rawValue)\"\(role == .hr ? " selected" : "")>\(roleName(role))</option>"
        }
        html += "</select><fieldset><legend>\(t("Jobs of a hiring manager", "招聘经理负责的岗位"))</legend>"
        for model in models {
            html += "<label><input type=\"checkbox\" name=\"jobs\" value=\"\(e(model.id))\"> "
                + "\(e(titles[model.id] ?? model.id)) <span class=\"muted\">\(e(model.id))</span></label>"
        }
        html += """
            </fieldset>
            <label for="candidate">\(t("Candidate id of a candidate account (as their reports carry it)", "候选人账号的候选人编号（与其报告一致）"))</label>
            <input id="candidate" name="candidate" autocomplete="off">
            <label for="password">\(t("Password", "密码"))</label>
            <input id="password" name="password" type="password" autocomplete="new-password" minlength="\(AccountRules.minimumPassword)">
            <button>\(t("Save", "保存"))</button></form>
            <p class="muted">\(t("Leave the password empty to keep it; a new user then gets a random one, shown once. Saving a user who exists replaces their role and jobs. API tokens: debrief users token NAME.", "密码留空则保持不变；新用户将获得一个只显示一次的随机密码。保存已有用户会替换其角色和岗位。API 令牌：debrief users token NAME。"))</p>
            </section>
            """
        return html
    }

    func models(_ models: [CompetencyModel], problems: [String]) -> String {
        let e = HTML.escape
        var html = "<section><h1>\(t("Competency models", "胜任力模型"))</h1><p class=\"muted\">"
            + t("One YAML file per job in the models folder, read again within a second of a change; check one with "
                + "debrief models lint FILE.", "每个岗位一个 YAML 文件，放在模型目录中，修改后一秒内生效；可用 debrief models lint FILE 检查。")
            + "</p>"
        if !problems.isEmpty {
            html += "<h2 class=\"failed\">\(t("Files that do not load", "无法加载的文件"))</h2><ul>"
                + problems.map { "<li><code>\(e($0))</code></li>" }.joined() + "</ul>"
        }
        html += "<table><tr><th>\(t("Job", "岗位"))</th><th>\(t("Version", "版本"))</th>"
            + "<th>\(t("Competencies (weight)", "胜任力（权重）"))</th><th>\(t("Levels", "等级"))</th>"
            + "<th>\(t("AI / HR blend", "AI / 人工加权"))</th><th>\(t("Voice and camera", "语音与画面"))</th></tr>"
        for model in models {
            let title = language == .zh ? (model.titleZh ?? model.title) : model.title
            let dimensions = model.dimensions.map { dimension in
                e(language == .zh ? (dimension.nameZh ?? dimension.name) : dimension.name)
                    + " <span class=\"muted\">\(fixed(dimension.weight * 100, 0))&nbsp;%</span>"
            }.joined(separator: "<br>")
            let levels = model.levels.map { "\(e(language == .zh ? $0.nameZh : $0.name))&nbsp;≥&nbsp;\(fixed($0.min, 0))" }
                .joined(separator: "<br>")
            let delivery = model.deliveryOptIn ? "<span class=\"warn\">\(t("weighed (opted in)", "计入评分（已选择）"))</span>"
                : t("reported, not weighed", "仅报告，不计分")
            html += "<tr><td><a href=\"/jobs/\(e(model.id))\">\(e(title))</a><br><span class=\"muted\">\(e(model.id))</span></td>"
                + "<td>\(model.version)</td><td>\(dimensions)</td><td>\(levels)</td>"
                + "<td>\(fixed(model.blend.ai * 100, 0)) / \(fixed((1 - model.blend.ai) * 100, 0)) %<br>"
                + "<span class=\"muted\">\(t("flag above", "差异超过")) \(fixed(model.blend.flagPoints, 0))</span></td>"
                + "<td>\(delivery)</td></tr>"
        }
        return html + "</table></section>"
    }

    private func notice(_ notice: Notice) -> String {
        let e = HTML.escape
        switch notice {
        case .saved(let name, let created, let password):
            var text = "<p><strong>\(e(name))</strong> " + (created ? t("was added.", "已添加。") : t("was changed.", "已修改。"))
            if let password {
                text += " \(t("Password (shown once):", "密码（仅显示一次）：")) <code>\(e(password))</code>"
            }
            return text + "</p>"
        case .removed(let name):
            return "<p><strong>\(e(name))</strong> \(t("was removed, with their sessions and tokens.", "已删除，其会话和令牌一并失效。"))</p>"
        case .missing(let name):
            return "<p class=\"failed\">\(t("There is no user", "没有该用户")) <strong>\(e(name))</strong>.</p>"
        case .refused(let problem):
            return "<p class=\"failed\">\(e(problem?.text(language) ?? t("Choose a role.", "请选择角色。")))</p>"
        case .notYourself:
            return "<p class=\"failed\">\(t("You cannot remove yourself or give up your own admin role; another admin can.", "不能删除自己或取消自己的管理员角色；请由另一位管理员操作。"))</p>"
        }
    }

    private func percentEncoded(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
    }
}
