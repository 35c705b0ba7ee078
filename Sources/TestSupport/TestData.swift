import Foundation
import Testing

/// Locates third-party conformance data (PngSuite, JPEG edge cases, COCO panoptic samples).
///
/// The data lives outside the repository, in `../shared/data` beside the checkout, or wherever
/// `BLINDSIGHT_TEST_DATA` points. Tests that need it use ``TestData/required(_:)`` as a condition
/// trait, so they report themselves skipped, with the reason, when it is absent.
public enum TestData {
    /// The root folder of the shared data.
    public static var root: URL {
        if let override = ProcessInfo.processInfo.environment["BLINDSIGHT_TEST_DATA"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data", isDirectory: true)
    }

    /// The package's root folder (the one holding Package.swift).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The URL of `relativePath` under the data root.
    public static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// Whether `relativePath` exists under the data root.
    public static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    /// A condition trait that skips a test, saying why, when `relativePath` is absent.
    public static func required(_ relativePath: String) -> ConditionTrait {
        .enabled(
            if: exists(relativePath),
            "conformance data \(relativePath) not found under \(root.path) (set BLINDSIGHT_TEST_DATA)")
    }

    /// A fresh empty temporary folder for one test.
    public static func temporaryFolder(_ prefix: String = "blindsight") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
