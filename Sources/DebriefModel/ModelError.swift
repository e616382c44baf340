/// Why a competency model (or a metadata file) could not be loaded, with the file, line and key at fault.
public typealias ModelError = FileError<ModelProblem>

/// The domain of `ModelError`'s codes.
public enum ModelProblem {}

extension StableCode where Domain == ModelProblem {
    public static let syntax = Self("syntax"), missingKey = Self("missing-key"), wrongType = Self("wrong-type"),
        invalidValue = Self("invalid-value"), unknownModel = Self("unknown-model"), unreadable = Self("unreadable")
    /// Past a limit on outside input (size, nesting, aliases): refused before it is parsed.
    public static let tooLarge = Self("too-large")
}
