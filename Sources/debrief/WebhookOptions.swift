import ArgumentParser
import Foundation
import Service

/// `--webhook URL …` and the secret that signs them.
struct WebhookOptions: ParsableArguments {
    @Option(name: .customLong("webhook"),
            help: "Receiver of report.created and rating.created (repeat for several). Needs a secret: DEBRIEF_WEBHOOK_SECRET or --webhook-secret-file.")
    var urls: [String] = []

    @Option(help: "File holding the webhook signing secret (at least 16 characters).")
    var webhookSecretFile: String?

    /// The settings, or nil without receivers; a clear error for a bad URL or a missing or short secret.
    func settings() throws -> WebhookSettings? {
        guard !urls.isEmpty else { return nil }
        let secret: String
        if let file = webhookSecretFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("--webhook-secret-file \(file): cannot read it")
            }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let value = ProcessInfo.processInfo.environment["DEBRIEF_WEBHOOK_SECRET"], !value.isEmpty {
            secret = value
        } else {
            throw ValidationError("--webhook needs a signing secret: set DEBRIEF_WEBHOOK_SECRET or --webhook-secret-file")
        }
        do {
            return try WebhookSettings(urls: urls, secret: secret).validated()
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
