import Foundation
import DebriefModel

/// What a user account must be, the same for `debrief users add` and the admin's users page.
public enum AccountRules {
    public static let minimumPassword = 8
    public static let longestName = 100

    public enum Problem: Equatable, Sendable {
        case badName
        case managerWithoutJobs
        case candidateWithoutID
        case shortPassword

        public func text(_ language: UILanguage = .en) -> String {
            let zh = language == .zh
            switch self {
            case .badName:
                return zh ? "用户名为 1 到 \(longestName) 个字符，不含空格"
                    : "a user name is 1 to \(longestName) characters without spaces"
            case .managerWithoutJobs:
                return zh ? "招聘经理只能看到分配给他们的岗位：请至少选择一个岗位"
                    : "a manager sees only the jobs assigned to them: give at least one"
            case .candidateWithoutID:
                return zh ? "候选人账号需要候选人编号（与其报告中的一致）"
                    : "a candidate account needs the candidate id their reports carry"
            case .shortPassword:
                return zh ? "密码至少 \(minimumPassword) 个字符" : "a password has at least \(minimumPassword) characters"
            }
        }
    }

    /// The first rule the account breaks, or nil. `password` nil: not being set.
    public static func problem(name: String, role: Role, jobs: [String], candidate: String?,
                               password: String?) -> Problem? {
        if name.isEmpty || name.count > longestName || name.contains(where: { $0.isWhitespace || $0.isNewline }) {
            return .badName
        }
        if role == .manager, jobs.isEmpty { return .managerWithoutJobs }
        if role == .candidate, (candidate ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return .candidateWithoutID
        }
        if let password, password.count < minimumPassword { return .shortPassword }
        return nil
    }

    /// A random password to hand out once.
    public static func generatedPassword() -> String { String(Secrets.random().prefix(20)) }
}
