import Foundation
import TestSupport
import Testing

/// Validates transcript files against `schemas/transcript-1.schema.json` with Debian's Python and
/// `jsonschema` (scripts/install-deps.sh installs python3-jsonschema). Tests using it are skipped, with the reason, when it is missing.
enum SchemaValidator {
    static let schemaPath = TestData.packageRoot.appendingPathComponent("schemas/transcript-1.schema.json").path

    static let installed: Bool = run(["-c", "import jsonschema"]).status == 0

    /// Whether tests validate what they wrote: when jsonschema is installed, and always with
    /// BLINDSIGHT_REQUIRE_CONFORMANCE=1 (a missing jsonschema then fails the validation).
    static var available: Bool { installed || TestData.conformanceRequired }

    static let requirement = TestData.requirement(
        installed, "\(TestData.python) with jsonschema is not installed (scripts/install-deps.sh installs python3-jsonschema)")

    private static let script = """
        import json, sys
        from jsonschema import Draft202012Validator
        validator = Draft202012Validator(json.load(open(sys.argv[1])))
        for path in sys.argv[2:]:
            for number, line in enumerate(open(path, encoding="utf-8"), 1):
                errors = sorted(validator.iter_errors(json.loads(line)), key=lambda e: e.path)
                if errors:
                    print(f"{path}:{number}: {errors[0].message}")
                    sys.exit(1)
        """

    /// Nil when every line of every file is valid, else the first problem.
    static func problems(in paths: [String]) -> String? {
        let result = run(["-c", script, schemaPath] + paths)
        return result.status == 0 ? nil : result.output
    }

    private static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestData.python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
