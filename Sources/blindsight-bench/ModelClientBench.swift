import ArgumentParser
import Foundation
import HTTPTransport
import ModelClients
import TestSupport

/// `blindsight-bench model-client`: the client's own cost per request and while streaming a large
/// reply, against a loopback fake server, with the `curl` command-line tool (same libcurl) as peer.
struct ModelClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-client",
        abstract: "Client overhead per request (time to first delta minus server delay) and memory while streaming 1 MB."
    )

    @Option(help: "Requests for the overhead measurement.")
    var requests = 40

    @Option(help: "The server's scripted delay before answering, in milliseconds.")
    var delayMilliseconds = 50.0

    @Option(help: "Size of the streamed reply for the memory measurement, in bytes of content.")
    var replyBytes = 1_000_000

    @Option(help: "Runs of the large reply (the best is reported).")
    var repeats = 5

    func run() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        let delay = delayMilliseconds / 1000
        let backend = OpenAICompatibleBackend(
            model: "test-model", connection: BackendConnection(baseURL: server.baseURL + "/v1"))
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "Hello")])

        // Overhead: time to first delta minus the server's delay, per request.
        var overheads: [Double] = []
        for index in 0...requests {
            server.enqueue(ScriptedResponse.openAIStream(content: "Hello there", usage: nil).delayed(by: delay))
            let completion = try await Self.complete(backend, request)
            if index > 0 { overheads.append((completion.timeToFirstDelta ?? .nan) - delay) }  // First is warm-up.
        }
        let curlOverheads = try await curlPeer(server: server, delay: delay)

        // Memory and throughput while streaming a large reply.
        let unit = "图像前景分割 segment "
        let content = String(repeating: unit, count: max(1, replyBytes / unit.utf8.count))
        let deltaSize = 128
        let big = ScriptedResponse.openAIStream(content: content, deltaSize: deltaSize)
        var ours: [Double] = [], curl: [Double] = [], python: [Double] = []
        var memoryGrowth = 0, baseline = 0
        for _ in 0..<repeats {  // Interleaved, best of each: the machine is shared.
            server.enqueue(big)
            baseline = Self.resetPeakMemory()
            let started = ContinuousClock.now
            let completion = try await Self.complete(backend, request)
            ours.append(Self.seconds(.now - started))
            memoryGrowth = max(memoryGrowth, Self.memoryKilobytes("VmHWM:") - baseline)
            guard completion.content == content else { throw ValidationError("the streamed reply came back different") }
            server.enqueue(big)
            curl.append(Double(try await Self.runTool("/usr/bin/curl", curlArguments(url: server.baseURL, timing: "%{time_total}"))) ?? .nan)
            server.enqueue(big)
            python.append(Double(try await Self.runTool(
                "/usr/bin/env", ["python3", "-c", Self.pythonPeer, server.baseURL, String(content.utf8.count)])) ?? .nan)
        }

        let overhead = Self.median(overheads)
        let curlOverhead = Self.median(curlOverheads)
        let megabytes = Double(big.bodyBytes.count) / 1e6
        print("model-client benchmark (loopback fake server in this process, release build)")
        print(String(format: "  overhead to first delta (server delay %.0f ms subtracted, %d requests): median %.2f ms, p90 %.2f ms",
                     delayMilliseconds, requests, overhead * 1000, Self.percentile(overheads, 0.9) * 1000))
        print(String(format: "    peer curl CLI, time_starttransfer minus delay: median %.2f ms; ratio Blindsight/curl %.2f",
                     curlOverhead * 1000, overhead / curlOverhead))
        print(String(format: "  streaming a %.2f MB SSE body (%.2f MB of content, %d deltas), best of %d: %.3f s (%.1f MB/s)",
                     megabytes, Double(content.utf8.count) / 1e6, content.count / deltaSize, repeats, ours.min() ?? .nan,
                     megabytes / (ours.min() ?? .nan)))
        print(String(format: "    peak RSS growth while streaming: %.1f MB (over a %.1f MB process)",
                     Double(memoryGrowth) / 1024, Double(baseline) / 1024))
        print(String(format: "    peer Python 3 http.client + json.loads per event: %.3f s; ratio Blindsight/Python %.2f",
                     python.min() ?? .nan, (ours.min() ?? .nan) / (python.min() ?? .nan)))
        print(String(format: "    peer curl CLI, body to /dev/null without parsing: %.3f s", curl.min() ?? .nan))
    }

    private static func complete(_ backend: any ChatBackend, _ request: ChatRequest) async throws -> ChatCompletion {
        for try await event in backend.chat(request) {
            if case .completed(let completion) = event { return completion }
        }
        throw ValidationError("the stream ended without a completion")
    }

    /// The same request through the `curl` tool: `time_starttransfer` minus the server's delay.
    private func curlPeer(server: FakeModelServer, delay: Double) async throws -> [Double] {
        var results: [Double] = []
        for index in 0...requests {
            server.enqueue(ScriptedResponse.openAIStream(content: "Hello there", usage: nil).delayed(by: delay))
            let output = try await Self.runTool("/usr/bin/curl", curlArguments(url: server.baseURL, timing: "%{time_starttransfer}"))
            if index > 0, let seconds = Double(output) { results.append(seconds - delay) }
        }
        return results
    }

    /// Python's standard library reading the same stream: one `json.loads` per SSE event, content
    /// joined; prints the seconds taken (arguments: base URL, expected content bytes).
    private static let pythonPeer = """
        import http.client, json, sys, time, urllib.parse
        url = urllib.parse.urlparse(sys.argv[1])
        body = json.dumps({"model": "test-model", "stream": True, "messages": [{"role": "user", "content": "Hello"}]})
        start = time.perf_counter()
        connection = http.client.HTTPConnection(url.hostname, url.port)
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        parts = []
        for raw in response:
            line = raw.decode("utf-8").rstrip("\\r\\n")
            if not line.startswith("data:") or line[5:].strip() == "[DONE]":
                continue
            event = json.loads(line[5:])
            for choice in event.get("choices") or []:
                parts.append((choice.get("delta") or {}).get("content") or "")
        elapsed = time.perf_counter() - start
        assert len("".join(parts).encode("utf-8")) == int(sys.argv[2]), "content differs"
        print(elapsed)
        """

    /// A streamed chat request with `curl`, printing the `-w` timing variable.
    private func curlArguments(url: String, timing: String) -> [String] {
        let body = #"{"model":"test-model","stream":true,"messages":[{"role":"user","content":"Hello"}]}"#
        return ["-s", "-N", "-o", "/dev/null", "-w", timing, "-H", "Content-Type: application/json", "-d", body,
                url + "/v1/chat/completions"]
    }

    private static func runTool(_ path: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// Resets the kernel's peak-RSS mark (Linux `clear_refs` 5) and returns the current RSS in kB.
    private static func resetPeakMemory() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return memoryKilobytes("VmRSS:")
    }

    private static func memoryKilobytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    private static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    private static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
    }

    private static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }
}
