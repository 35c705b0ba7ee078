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
        /// The child's peak resident memory in KiB, from ``runMeasured(_:environment:timeout:)``.
        public var peakResidentKilobytes: Int?

        /// The peak resident memory in MiB, when measured.
        public var peakResidentMiB: Double? { peakResidentKilobytes.map { Double($0) / 1024 } }
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
        process.environment = childEnvironment(home: home, environment)
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

    /// `PATH`, an empty `HOME` and `environment`.
    private static func childEnvironment(home: URL, _ environment: [String: String]) -> [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path].merging(environment) { $1 }
    }

    /// Runs `blindsight arguments…` like ``run(_:environment:input:interruptWhen:)`` (standard input
    /// is `/dev/null`) and measures the child's peak resident memory: the kernel's high-water mark of
    /// the child's own address space (`VmHWM` in `/proc/PID/status`), read every 10 ms until it exits;
    /// growth in its last 10 ms is not seen. (`wait4`'s `ru_maxrss` cannot be used: a child started
    /// with `posix_spawn` or `fork` inherits the parent's high-water mark, the whole test process.)
    /// A child still running after `timeout` seconds is killed (SIGKILL, status 9), so a test of a
    /// limit that does not hold ends instead of eating the machine.
    public static func runMeasured(
        _ arguments: [String], environment: [String: String] = [:], timeout: Double = 60
    ) async throws -> Result {
        guard let executable else { throw CocoaError(.fileNoSuchFile) }
        let folder = try TestData.temporaryFolder("measured")
        let home = folder.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path
        let variables = childEnvironment(home: home, environment).map { "\($0.key)=\($0.value)" }
        let started = Date()
        let pid = try spawn(executable.path, arguments: arguments, environment: variables, stdout: outPath, stderr: errPath)
        let peak = Mutex(0)
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let done = Atomic(false)
                Thread.detachNewThread {
                    // The child stays unreaped (and its pid ours) until the wait below returns.
                    let deadline = Date().addingTimeInterval(timeout)
                    while !done.load(ordering: .acquiring) {
                        if let sample = highWaterKilobytes(pid) { peak.withLock { $0 = max($0, sample) } }
                        if Date() >= deadline { kill(pid, SIGKILL) }
                        Thread.sleep(forTimeInterval: 0.01)
                    }
                }
                var rawStatus: Int32 = 0
                while waitpid(pid, &rawStatus, 0) < 0, errno == EINTR {}
                done.store(true, ordering: .releasing)
                // Exit code when it exited, else the signal's number (as Foundation's Process reports it).
                let signal = rawStatus & 0x7f
                continuation.resume(returning: signal == 0 ? (rawStatus >> 8) & 0xff : signal)
            }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: folder)
        return Result(
            status: status, stdout: stdout, stderr: stderr, seconds: Date().timeIntervalSince(started),
            peakResidentKilobytes: peak.withLock { $0 })
    }

    /// `VmHWM` of process `pid` in KiB; nil once it has exited (a zombie has no memory left).
    private static func highWaterKilobytes(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
    }

    /// Starts `path` with `posix_spawn` (so that this process, not Foundation, reaps it), standard
    /// input from `/dev/null` and the two outputs into files.
    private static func spawn(
        _ path: String, arguments: [String], environment: [String], stdout: String, stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return pid
    }
}
