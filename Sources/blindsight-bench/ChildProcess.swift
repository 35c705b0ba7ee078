import ArgumentParser
import Foundation

/// Runs a program as a whole process, the way a user runs it, and measures it from outside.
enum ChildProcess {
    /// What one run cost: wall time from spawn to exit, and the child's own peak RSS (from `wait4`,
    /// so earlier children do not count).
    struct Measurement {
        var seconds: Double
        var peakKiB: Int
        /// User + system CPU seconds (with GNU time; nil without it).
        var cpuSeconds: Double?
        var peakMB: Double { Double(peakKiB) / 1024 }
    }

    /// GNU time, which reports its child's peak RSS. Needed because a child spawned from a large
    /// process inherits that process's high-water mark in `ru_maxrss` (Linux counts the memory it had
    /// before exec), so `wait4` alone over-reports a small child of a big benchmark.
    private static let gnuTime = "/usr/bin/time"

    /// Runs `arguments` (the first is the executable's path) with standard output discarded.
    /// - Throws: `ValidationError` when it cannot start or exits non-zero.
    static func measure(_ arguments: [String], environment: [String: String] = [:]) throws -> Measurement {
        guard FileManager.default.isExecutableFile(atPath: gnuTime) else { return try spawn(arguments, environment: environment) }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("blindsight-bench-time-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        var measured = try spawn([gnuTime, "-f", "%M %U %S", "-o", report] + arguments, environment: environment)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let fields = text.split(whereSeparator: \.isNewline).last?.split(separator: " ") ?? []
        guard fields.count == 3, let kib = Int(fields[0]), let user = Double(fields[1]), let system = Double(fields[2]) else {
            throw ValidationError("\(gnuTime) reported no peak memory for \(arguments.prefix(2).joined(separator: " "))")
        }
        measured.peakKiB = kib
        measured.cpuSeconds = user + system
        return measured
    }

    /// Spawns `arguments` and waits for it; the peak RSS is `wait4`'s.
    private static func spawn(_ arguments: [String], environment: [String: String]) throws -> Measurement {
        guard let executable = arguments.first else { throw ValidationError("nothing to run") }
        let envp = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let started = ContinuousClock.now
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { cArgs in
            withCStrings(envp) { cEnv in posix_spawn(&pid, executable, &actions, nil, cArgs, cEnv) }
        }
        guard spawned == 0 else { throw ValidationError("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = started.duration(to: .now)
        guard status == 0 else {
            throw ValidationError("\(arguments.prefix(2).joined(separator: " ")) failed (wait status \(status))")
        }
        let seconds = elapsed / .seconds(1)
        return Measurement(seconds: seconds, peakKiB: usage.ru_maxrss, cpuSeconds: nil)
    }

    /// The `blindsight` executable built beside this benchmark.
    static var blindsight: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("blindsight").path
    }

    /// Calls `body` with a NULL-terminated C array of `strings`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
