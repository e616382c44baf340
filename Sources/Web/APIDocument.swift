import Foundation
import Yams

/// The OpenAPI document (`Resources/openapi.yaml`, shipped beside the binary as the Web target's resource), read and
/// turned into the JSON served at `GET /api/v1/openapi.json` once, on first use.
public enum APIDocument {
    /// The document as JSON, or why it could not be read.
    public static let json: Result<Data, APIDocumentMissing> = load()

    /// The document as a tree (tests compare it with the router's routes).
    public static func tree() throws -> [String: Any] {
        let data = try json.get()
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func load() -> Result<Data, APIDocumentMissing> {
        guard let path = location() else {
            return .failure(APIDocumentMissing(reason: "openapi.yaml is not installed beside the debrief binary "
                + "(Debrief_Web.resources)"))
        }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard let tree = try Yams.load(yaml: text) else {
                return .failure(APIDocumentMissing(reason: "\(path) is empty"))
            }
            return .success(try JSONSerialization.data(withJSONObject: tree,
                                                       options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            return .failure(APIDocumentMissing(reason: "\(path): \(error)"))
        }
    }

    /// The resource bundle SwiftPM puts beside the executable (or the test runner), else the source tree.
    private static func location() -> String? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        let directory = (executable as NSString).deletingLastPathComponent
        let candidates = [
            "\(directory)/Debrief_Web.resources/openapi.yaml",
            "\(Bundle.main.bundlePath)/Debrief_Web.resources/openapi.yaml",
            ((#filePath as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("Resources/openapi.yaml"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

public struct APIDocumentMissing: Error, Sendable {
    public var reason: String
}
