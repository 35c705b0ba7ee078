import Foundation
import TestSupport

/// Runs the built `blindsight` in a chosen folder, or through `bash -c` (for a resource limit), with a
/// minimal environment and an empty temporary HOME. For small outputs only (both pipes are read after exit).
enum ProcessRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func blindsight(
        _ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:], shell: String? = nil
    ) throws -> Result {
        guard let executable = BlindsightProcess.executable else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", shell, executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let folder { process.currentDirectoryURL = folder }
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": try TestData.temporaryFolder("home").path]
            .merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
