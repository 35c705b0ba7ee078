import ArgumentParser
import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Panoptic
import Terminal
import Transcripts

/// `blindsight-bench replay`: how fast a long transcript is read and re-rendered, and the peak memory
/// of doing so, against Python reading the same JSONL with `json.loads` and formatting each event.
struct ReplayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay (read + render) a generated 1,000-event transcript; peer: Python json.loads.")

    @Option(help: "Events in the generated transcript.")
    var events = 1000

    @Option(help: "Timed repetitions (the median is reported).")
    var repetitions = 15

    @Option(help: "Internal: replay this file once and print the peak memory (used for a clean child process).")
    var measureChild: String?

    func run() async throws {
        if let path = measureChild {
            let lines = try replayOnce(path).lines
            print("\(lines) \(peakResidentKilobytes())")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blindsight-replay-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("long.jsonl").path
        let tiny = folder.appendingPathComponent("tiny.jsonl").path

        let writeStart = Date()
        try BenchmarkTranscript.write(events: events, to: path)
        let writeSeconds = Date().timeIntervalSince(writeStart)
        try BenchmarkTranscript.write(events: 1, to: tiny)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

        var runs: [(lines: Int, read: Double, render: Double)] = []
        for _ in 0..<max(repetitions, 1) { runs.append(try replayOnce(path)) }
        let peak = try childPeak(path)
        let baseline = try childPeak(tiny)
        let python = try? runChild(["/usr/bin/env", "python3", "-c", Self.pythonPeer, path, String(max(repetitions, 1))])
        let pythonFields = python?.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

        let total = median(runs.map { $0.read + $0.render })
        print("transcript: \(events) events, \(size / 1024) KiB, written in \(format(writeSeconds * 1000)) ms "
            + "(one write(2) per event, fsync at milestones)")
        print("blindsight replay: median \(format(total * 1000)) ms = read + decode \(format(median(runs.map(\.read)) * 1000)) ms "
            + "+ render \(runs.last?.lines ?? 0) lines \(format(median(runs.map(\.render)) * 1000)) ms")
        print("blindsight peak RSS: \(peak / 1024) MiB (a fresh process; \(baseline / 1024) MiB for a 1-event transcript, "
            + "so \((peak - baseline) / 1024) MiB for the transcript)")
        if let fields = pythonFields, fields.count == 2 {
            print("python3 json.loads + format: median \(format(fields[0] * 1000)) ms, peak RSS \(Int(fields[1]) / 1024) MiB")
            print("ratio (python time / blindsight time): \(format(fields[0] / total))×")
        } else {
            print("python3 peer unavailable; no ratio")
        }
    }

    /// Reads the transcript and renders every event as `replay` does.
    private func replayOnce(_ path: String) throws -> (lines: Int, read: Double, render: Double) {
        let start = Date()
        let transcript = try TranscriptReader.read(path: path)
        let read = Date()
        let renderer = DialogueTextRenderer(colour: false, table: transcript.header.panoptic.table)
        var count = 0
        for event in transcript.events { count += renderer.lines(for: event).count }
        return (count, read.timeIntervalSince(start), Date().timeIntervalSince(read))
    }

    /// The peak memory, in KiB, of a fresh process replaying `path` once.
    private func childPeak(_ path: String) throws -> Int {
        let output = try runChild([CommandLine.arguments[0], "replay", "--measure-child", path])
        return output.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    private static let pythonPeer = """
        import json, sys, time
        path, repetitions = sys.argv[1], int(sys.argv[2])
        def replay():
            lines = 0
            with open(path, encoding="utf-8") as handle:
                header = json.loads(handle.readline())
                for line in handle:
                    event = json.loads(line)
                    text = f"[round {event.get('round')}] {event.get('role')}: {event.get('content', '')[:200]}"
                    lines += 1 if text else 0
            return lines
        times = []
        for _ in range(repetitions):
            start = time.perf_counter(); replay(); times.append(time.perf_counter() - start)
        times.sort()
        peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print(times[len(times) // 2], peak)
        """

    private func runChild(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ExitCode(process.terminationStatus) }
        return String(decoding: output, as: UTF8.self)
    }

    /// This process's peak resident memory (VmHWM, which, unlike ru_maxrss, starts afresh at exec).
    private func peakResidentKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
