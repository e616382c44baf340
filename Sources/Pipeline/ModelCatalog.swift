import DebriefModel
import Foundation
import Scoring
import Synchronization

/// The competency models of a directory (`Models/`), one YAML file per job, named `<id>.yaml`.
public struct ModelCatalog: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Paths of every `.yaml`/`.yml` file in the directory, sorted.
    public func files() throws(ModelError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ModelError(code: .unreadable, file: directory,
                             reason: "models directory not found (use --models DIR or $DEBRIEF_MODELS)")
        }
        return names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Loads, validates and compiles one model file: the one place a model file is parsed.
    public static func load(path: String) throws(ModelError) -> CompiledModel {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ModelError(code: .unknownModel, file: path, reason: "no such model file")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ModelError(code: .unreadable, file: path, reason: "not a regular file")
        }
        guard info.st_size <= YAMLLimits.model.bytes else {
            throw ModelError(code: .tooLarge, file: path, reason: "larger than \(YAMLLimits.model.bytes >> 10) KiB: "
                + "refused unread")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(code: .unreadable, file: path, reason: "cannot read the file")
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
        do { return try CompiledModel(model) } catch {
            throw ModelError(code: .invalidValue, file: path, reason: error.reason)
        }
    }

    /// Every model in the directory that loads; a broken file is left out (`debrief models lint` names it).
    public func loadable() -> [CompetencyModel] {
        ((try? files()) ?? []).compactMap { try? Self.load(path: $0).model }
    }

    /// Every model in the directory, failing on the first invalid one.
    public func all() throws(ModelError) -> [CompetencyModel] {
        var models: [CompetencyModel] = []
        for file in try files() { models.append(try Self.load(path: file).model) }
        return models
    }

    /// Whether `reference` is a path to a model file rather than a model id.
    static func isPath(_ reference: String) -> Bool {
        reference.contains("/") || reference.hasSuffix(".yaml") || reference.hasSuffix(".yml")
    }

    /// The file a model id (or a path) names.
    public func path(of reference: String) -> String {
        Self.isPath(reference) ? reference : (directory as NSString).appendingPathComponent("\(reference).yaml")
    }

    /// Resolves `reference`: a path to a YAML file (contains `/` or ends in `.yaml`/`.yml`) or a model id.
    public func model(_ reference: String) throws(ModelError) -> CompetencyModel {
        try compiled(reference).model
    }

    public func compiled(_ reference: String) throws(ModelError) -> CompiledModel {
        let path = path(of: reference)
        if !Self.isPath(reference), !FileManager.default.fileExists(atPath: path) { throw unknown(reference) }
        return try Self.load(path: path)
    }

    /// Why `reference` names no model, with the models there are (or where to find some).
    func unknown(_ reference: String) -> ModelError {
        let known = ((try? files()) ?? []).map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
        let reason = known.isEmpty
            ? "unknown model '\(reference)': no models found in \(directory) (use --models DIR or $DEBRIEF_MODELS)"
            : "unknown model '\(reference)' (known: \(known.joined(separator: ", ")))"
        return ModelError(code: .unknownModel, file: path(of: reference), reason: reason)
    }

    /// Whether an id names a model in this directory.
    public func contains(_ id: String) -> Bool {
        !Self.isPath(id) && FileManager.default.fileExists(atPath: path(of: id))
    }
}

/// The models of a catalogue, each file parsed and compiled once while it is unchanged (its size and modification
/// time, looked at no more than once per `interval`). The web app lists models on every request and every job
/// needs one: parsing and compiling YAML each time cost ~40 ms a page and a second compile per job.
///
/// `refresh()` is the only place files are read. `debrief serve` calls it from a background service, so a model file
/// that is slow or hostile never holds a page; `refreshOnRead` (the default, for commands and analyses) refreshes on
/// demand instead.
public final class ModelCache: Sendable {
    public let catalog: ModelCatalog
    /// How long a look at the files holds: a model file dropped in shows within this time.
    public let interval: Duration
    public let refreshOnRead: Bool
    private let state = Mutex(State())

    private struct State {
        var signatures: [String: String] = [:]
        var loaded: [String: Result<CompiledModel, ModelError>] = [:]
        var listing: [String] = []
        var checked: ContinuousClock.Instant?
        var loads = 0
    }

    public init(catalog: ModelCatalog, interval: Duration = .seconds(1), refreshOnRead: Bool = true) {
        self.catalog = catalog
        self.interval = interval
        self.refreshOnRead = refreshOnRead
    }

    /// How many times a model file was parsed and compiled (each file once while unchanged).
    public var loads: Int { state.withLock { $0.loads } }

    /// The models that load, by file name.
    public func loadable() -> [CompetencyModel] {
        snapshot().compactMap { try? $0.get().model }
    }

    /// The model files that do not load, each with its reason (file, line, key): the admin's models page says them.
    public func problems() -> [ModelError] {
        snapshot().compactMap { result in
            if case .failure(let error) = result { return error }
            return nil
        }
    }

    /// The compiled model `reference` names (an id of this catalogue, or a path to a file): only that file is read,
    /// and parsed again only when it changed.
    public func model(_ reference: String) throws(ModelError) -> CompiledModel {
        let path = catalog.path(of: reference)
        if !ModelCatalog.isPath(reference), !FileManager.default.fileExists(atPath: path) {
            throw catalog.unknown(reference)
        }
        return try load(path).get()
    }

    /// Looks at the files (no more than once per `interval`) and parses those added or changed.
    public func refresh() {
        guard isStale() else { return }
        let files = (try? catalog.files()) ?? []
        for file in files { _ = load(file) }
        state.withLock { state in
            state.listing = files
            let kept = Set(files)
            // A file that left the folder is forgotten (a path named explicitly elsewhere is kept).
            for path in state.loaded.keys
            where !kept.contains(path) && (path as NSString).deletingLastPathComponent == catalog.directory {
                state.loaded[path] = nil
                state.signatures[path] = nil
            }
            state.checked = .now
        }
    }

    private func isStale() -> Bool {
        state.withLock { state in state.checked.map { ContinuousClock.now - $0 >= interval } ?? true }
    }

    private func snapshot() -> [Result<CompiledModel, ModelError>] {
        if refreshOnRead { refresh() }
        return state.withLock { state in state.listing.compactMap { state.loaded[$0] } }
    }

    /// The file parsed again only when its size or modification time changed.
    private func load(_ path: String) -> Result<CompiledModel, ModelError> {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let signature = "\((attributes?[.size] as? NSNumber)?.int64Value ?? -1)|"
            + "\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)"
        if let cached = state.withLock({ $0.signatures[path] == signature ? $0.loaded[path] : nil }) { return cached }
        let result: Result<CompiledModel, ModelError>
        do throws(ModelError) { result = .success(try ModelCatalog.load(path: path)) } catch { result = .failure(error) }
        state.withLock { state in
            state.signatures[path] = signature
            state.loaded[path] = result
            state.loads += 1
        }
        return result
    }
}

/// One `ModelCache` per catalogue directory: an analysis request names its catalogue, and a long-running worker
/// keeps each one's models parsed.
public final class ModelLibrary: Sendable {
    private let caches = Mutex([String: ModelCache]())

    public init() {}

    public func cache(for directory: String) -> ModelCache {
        caches.withLock { caches in
            if let cache = caches[directory] { return cache }
            let cache = ModelCache(catalog: ModelCatalog(directory: directory))
            caches[directory] = cache
            return cache
        }
    }
}
