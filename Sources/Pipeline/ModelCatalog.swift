import DebriefModel
import Foundation
import Scoring

/// The competency models of a directory (`Models/`), one YAML file per job, named `<id>.yaml`.
public struct ModelCatalog: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Paths of every `.yaml`/`.yml` file in the directory, sorted.
    public func files() throws(ModelError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ModelError(code: .unreadable, file: directory, reason: "models directory not found")
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Loads and validates one model file.
    public static func load(path: String) throws(ModelError) -> CompetencyModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ModelError(code: exists ? .unreadable : .unknownModel, file: path,
                             reason: exists ? "cannot read the file" : "no such model file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelError(code: .syntax, file: path, reason: "not UTF-8 text")
        }
        let model = try CompetencyModel.parse(yaml: text, file: path)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard stem == model.id else {
            throw ModelError(code: .invalidValue, file: path, line: 1, key: "id",
                             reason: "is '\(model.id)' but the file is named '\(stem)': they must match")
        }
        do { _ = try CompiledModel(model) } catch {
            throw ModelError(code: .invalidValue, file: path, reason: error.reason)
        }
        return model
    }

    /// Every model in the directory that loads; a broken file is left out (`debrief models lint` names it).
    public func loadable() -> [CompetencyModel] {
        ((try? files()) ?? []).compactMap { try? Self.load(path: $0) }
    }

    /// Every model in the directory, failing on the first invalid one.
    public func all() throws(ModelError) -> [CompetencyModel] {
        var models: [CompetencyModel] = []
        for file in try files() { models.append(try Self.load(path: file)) }
        return models
    }

    /// Resolves `reference`: a path to a YAML file (contains `/` or ends in `.yaml`/`.yml`) or a model id.
    public func model(_ reference: String) throws(ModelError) -> CompetencyModel {
        if reference.contains("/") || reference.hasSuffix(".yaml") || reference.hasSuffix(".yml") {
            return try Self.load(path: reference)
        }
        let path = (directory as NSString).appendingPathComponent("\(reference).yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let known = ((try? files()) ?? []).map {
                (($0 as NSString).lastPathComponent as NSString).deletingPathExtension
            }
            throw ModelError(code: .unknownModel, file: path,
                             reason: "unknown model '\(reference)' (known: \(known.joined(separator: ", ")))")
        }
        return try Self.load(path: path)
    }

    /// Whether an id names a model in this directory.
    public func contains(_ id: String) -> Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("\(id).yaml"))
    }
}

/// The loadable models of a catalog, parsed again only when a model file is added, removed or changed (name, size
/// and modification time of each file, looked at most once a second): the web app asks for them on every request, and
/// parsing and compiling every YAML file each time cost ~40 ms a page.
public final class ModelCache: @unchecked Sendable {
    public let catalog: ModelCatalog
    private let lock = NSLock()
    private var signature: [String] = []
    private var models: [CompetencyModel] = []
    private var broken: [ModelError] = []
    private var checked = ContinuousClock.now - .seconds(60)
    /// How long a look at the files holds: a model file dropped in shows within this time.
    public let interval: Duration

    public init(catalog: ModelCatalog, interval: Duration = .seconds(1)) {
        self.catalog = catalog
        self.interval = interval
    }

    public func loadable() -> [CompetencyModel] { refreshed().models }

    /// The model files that do not load, each with its reason (file, line, key): the admin's models page says them.
    public func problems() -> [ModelError] { refreshed().problems }

    private func refreshed() -> (models: [CompetencyModel], problems: [ModelError]) {
        lock.lock()
        if ContinuousClock.now - checked < interval {
            defer { lock.unlock() }
            return (models, broken)
        }
        lock.unlock()
        let files = (try? catalog.files()) ?? []
        let current = files.map { path -> String in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            return "\(path)\u{0}\(size)\u{0}\(modified)"
        }
        lock.lock()
        defer { lock.unlock() }
        if current != signature {
            models = []
            broken = []
            for file in files {
                do throws(ModelError) { models.append(try ModelCatalog.load(path: file)) } catch { broken.append(error) }
            }
            signature = current
        }
        checked = ContinuousClock.now
        return (models, broken)
    }
}
