import Foundation
import Synchronization

/// Runs the built `blindsight` executable as a child process, the way users and scripts run it,
/// with a controlled environment and optionally a Ctrl-C (SIGINT) after a delay.
public enum BlindsightProcess {
    /// What a run printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Seconds from start to exit.
        public var seconds: Double
    }

    /// The executable built beside the test bundle, if any.
    public static let executable: URL? = {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleFolder.appendingPathComponent("blindsight"),
            bundleFolder.deletingLastPathComponent().appendingPathComponent("blindsight"),
            TestData.packageRoot.appendingPathComponent(".build/debug/blindsight"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `blindsight arguments…` with only `PATH`, `HOME` (an empty temporary folder, so no
    /// personal configuration is read) and `environment`; sends SIGINT (Ctrl-C) once `interruptWhen`
    /// returns true (polled every 50 ms) and a further 0.2 s have passed. With `input`, standard input
    /// is a pipe that gives those bytes and then ends (as when a user pipes lines in).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
        interruptWhen: (@Sendable () -> Bool)? = nil
    ) async throws -> Result {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        let home = try TestData.temporaryFolder("home")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path,
        ].merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        let started = Date()
        try process.run()
        if let inputPipe, let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        if let interruptWhen {
            Thread.detachNewThread {
                while process.isRunning, !interruptWhen() { Thread.sleep(forTimeInterval: 0.05) }
                Thread.sleep(forTimeInterval: 0.2)
                if process.isRunning { process.interrupt() }
            }
        }
        // Blocking reads and the wait happen off the cooperative pool.
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let group = DispatchGroup()
                let stderr = Mutex(Data())
                group.enter()
                Thread.detachNewThread {
                    let data = err.fileHandleForReading.readDataToEndOfFile()
                    stderr.withLock { $0 = data }
                    group.leave()
                }
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                try? FileManager.default.removeItem(at: home)
                continuation.resume(returning: Result(
                    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                    stderr: String(decoding: stderr.withLock { $0 }, as: UTF8.self), seconds: Date().timeIntervalSince(started)))
            }
        }
    }
}
