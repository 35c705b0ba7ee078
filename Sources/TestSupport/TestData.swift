import Foundation
import Testing

/// Locates third-party conformance data (PngSuite, JPEG edge cases, COCO panoptic samples).
///
/// The data lives outside the repository, in `../shared/data` beside the checkout, or wherever
/// `BLINDSIGHT_TEST_DATA` points. Tests that need it use ``TestData/required(_:)`` as a condition
/// trait, so they report themselves skipped, with the reason, when it is absent — or fail, when
/// `BLINDSIGHT_REQUIRE_CONFORMANCE=1` (set by `.ci/run` when `../shared/data` exists).
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

    /// A trait for a test or suite that needs `relativePath` under the data root (see ``requirement(_:_:)``).
    public static func required(_ relativePath: String) -> any TestTrait & SuiteTrait {
        requirement(
            exists(relativePath),
            "conformance data \(relativePath) not found under \(root.path) (set BLINDSIGHT_TEST_DATA)")
    }

    /// Debian's Python, which has the test references (Pillow, numpy, jsonschema, pytest) that
    /// `scripts/install-deps.sh` installs as Debian packages (`python3` on PATH may be another one).
    public static let python = "/usr/bin/python3"

    /// Whether skipped conformance tests count as failures (`BLINDSIGHT_REQUIRE_CONFORMANCE=1`).
    public static var conformanceRequired: Bool {
        ProcessInfo.processInfo.environment["BLINDSIGHT_REQUIRE_CONFORMANCE"] == "1"
    }

    /// A trait for a test or suite that needs something from outside the repository (conformance data,
    /// a reference implementation): when `isAvailable` is false it is skipped with `reason`, or, with
    /// ``conformanceRequired``, fails with `reason`.
    public static func requirement(_ isAvailable: Bool, _ reason: String) -> any TestTrait & SuiteTrait {
        if isAvailable || !conformanceRequired { return ConditionTrait.enabled(if: isAvailable, Comment(rawValue: reason)) }
        return MissingConformanceRequirement(reason: reason)
    }

    /// A fresh empty temporary folder for one test.
    public static func temporaryFolder(_ prefix: String = "blindsight") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A requirement that is missing while `BLINDSIGHT_REQUIRE_CONFORMANCE=1`: each test it covers (on a
/// suite: every test in it) fails with the reason instead of running or being skipped.
struct MissingConformanceRequirement: TestTrait, SuiteTrait, TestScoping {
    let reason: String

    var isRecursive: Bool { true }

    /// Once per test function (not per suite, not per argument), so each test reports one failure.
    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite || testCase != nil ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        Issue.record(Comment(rawValue: "\(reason); BLINDSIGHT_REQUIRE_CONFORMANCE=1 makes this a failure"))
    }
}
