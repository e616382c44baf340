import DebriefModel
import ArgumentParser
import Foundation
import Store
import Web

/// Accounts of the web app and the API, against the same store as `serve` (`--data` / `--store`).
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list and remove the people who sign in, and print API tokens.",
        subcommands: [Add.self, List.self, Token.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user, or change the role, password and jobs of an existing one.",
            discussion: """
                Roles: admin (everything, users), hr (every job), manager (only the jobs given with --jobs), \
                candidate (only their own feedback; --candidate names them as their reports do). Without \
                --password-stdin a random password is made and printed once.
                """)

        @Argument(help: "The name to sign in with.")
        var name: String

        @Option(help: "admin, hr, manager or candidate.")
        var role: Role

        @Option(help: "Jobs (model ids, comma-separated) a manager sees.")
        var jobs: String?

        @Option(help: "For a candidate: the candidate id their reports carry.")
        var candidate: String?

        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false

        @OptionGroup var storage: StoreOptions
        @OptionGroup var models: ModelOptions

        var jobList: [String] {
            (jobs ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func validate() throws {
            switch AccountRules.problem(name: name, role: role, jobs: jobList, candidate: candidate, password: nil) {
            case .managerWithoutJobs?:
                throw ValidationError("a manager sees only their jobs: give them with --jobs software-engineer,…")
            case .candidateWithoutID?:
                throw ValidationError("a candidate account needs --candidate ID (the candidate of their reports)")
            case let problem?:
                throw ValidationError(problem.text())
            case nil:
                break
            }
        }

        func run() async throws {
            var generated: String?
            let password: String
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), line.count >= AccountRules.minimumPassword else {
                    printError("users: the password on standard input must be at least "
                               + "\(AccountRules.minimumPassword) characters")
                    throw ExitCode(2)
                }
                password = line
            } else {
                password = AccountRules.generatedPassword()
                generated = password
            }
            let known = Set(models.catalog.loadable().map(\.id))
            for job in jobList where !known.contains(job) {
                FileHandle.standardError.write(Data(
                    "warning: no model '\(job)' in \(models.catalogDirectory) (yet); assigned anyway\n".utf8))
            }
            let store = try await storage.open()
            let user = try await store.saveUser(NewUser(name: name, role: role,
                                                        passwordHash: Secrets.hashPassword(password),
                                                        jobs: role == .manager ? jobList : [],
                                                        candidate: role == .candidate ? candidate : nil), now: Date())
            print("\(user.name): \(user.role.rawValue)" + (user.jobs.isEmpty ? "" : " of " + user.jobs.joined(separator: ", ")))
            if let generated { print("password: \(generated)  (shown once; `debrief users add` again to change it)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The users, their roles and jobs.")
        @OptionGroup var storage: StoreOptions

        func run() async throws {
            let users = try await storage.open(mustExist: true).users()
            if users.isEmpty { print("no users yet: `debrief users add NAME --role admin`") }
            for user in users {
                var line = "\(user.name)\t\(user.role.rawValue)"
                if user.role == .manager { line += "\t" + user.jobs.joined(separator: ",") }
                if let candidate = user.candidate { line += "\tcandidate " + candidate }
                print(line)
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new API token for a user (send it as Authorization: Bearer TOKEN).")
        @Argument var name: String
        @OptionGroup var storage: StoreOptions

        func run() async throws {
            let store = try await storage.open(mustExist: true)
            guard let user = try await store.user(named: name) else {
                printError("users: no user '\(name)' (`debrief users list`)")
                throw ExitCode(2)
            }
            let (secret, credential) = Secrets.apiToken(for: user)
            try await store.addCredential(credential, now: Date())
            print(secret)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user with their sessions and tokens.")
        @Argument var name: String
        @OptionGroup var storage: StoreOptions

        func run() async throws {
            guard try await storage.open(mustExist: true).removeUser(named: name) else {
                printError("users: no user '\(name)'")
                throw ExitCode(2)
            }
            print("removed \(name), their sessions and tokens")
        }
    }
}

extension Role: ExpressibleByArgument {}
