import Foundation
import Vision

/// OpenCV's cascade files as Debian's `opencv-data` package installs them.
public enum CascadeLibrary {
    public static let directory = "/usr/share/opencv4/haarcascades"

    /// Loads `name` (e.g. `haarcascade_frontalface_default.xml`) from `directory`.
    /// - Throws: `AnalysisError` naming the path and the package to install, or what is wrong with the file.
    public static func load(_ name: String, directory: String = CascadeLibrary.directory) throws(AnalysisError)
        -> HaarCascade {
        let path = (directory as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnalysisError(code: .input, message: "\(path): cascade file not found (apt-get install opencv-data)")
        }
        do {
            return try HaarCascade.parse(data)
        } catch {
            throw AnalysisError(code: .input, message: "\(path): unusable cascade file: \(error.reason) "
                + "(reinstall it: apt-get install --reinstall opencv-data)")
        }
    }
}

extension CascadeLibrary {
    /// The detectors Debrief runs on sampled frames: frontal faces, eyes, smiles (OpenCV's Haar cascades).
    /// - Throws: `AnalysisError` naming the first missing or unusable file and the package to install.
    public static func faceDetectors(directory: String = CascadeLibrary.directory) throws(AnalysisError)
        -> FaceDetectors {
        func detector(_ name: String) throws(AnalysisError) -> CascadeDetector {
            CascadeDetector(cascade: try load(name, directory: directory))
        }
        return FaceDetectors(face: try detector("haarcascade_frontalface_default.xml"),
                             eyes: try detector("haarcascade_eye.xml"), smile: try detector("haarcascade_smile.xml"))
    }
}
