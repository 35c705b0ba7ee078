import BlindsightCore
import Foundation
import ModelClients
import Synchronization

/// Reuses the seer's answers across runs (`--cache`): an answer is reused when the model, the images the
/// seer is shown (by SHA-256), and every message it receives (its templates rendered with the question)
/// are identical. So changing only the reasoner's templates costs no vision-model time. Identical
/// questions asked at the same moment by concurrent runs go to the server once. Answers are kept in
/// `seer-cache.jsonl` in the experiment folder, so a resumed experiment reuses them too.
public actor SeerAnswerCache {
    struct Entry: Codable {
        var key: String
        var content: String
        var reasoning: String
        var usage: TokenUsage?
    }

    private var answers: [String: Entry] = [:]
    private var inFlight: [String: Task<Entry, any Error>] = [:]
    private let file: FileHandle?

    /// Loads the answers saved at `path` (when it exists) and appends new ones to it; nil keeps them in memory.
    public init(path: String?) throws {
        guard let path else {
            file = nil
            return
        }
        if let data = FileManager.default.contents(atPath: path) {
            for line in data.split(separator: UInt8(ascii: "\n")) {
                if let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) { answers[entry.key] = entry }
            }
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ExperimentError("cannot open the seer answer cache \(path)")
        }
        handle.seekToEndOfFile()
        file = handle
    }

    /// The cache key of `request` to `model` showing images with digests `imageDigests`.
    nonisolated static func key(model: ModelDescriptor, imageDigests: [String], request: ChatRequest) -> String {
        var parts = ["\(model.provider):\(model.model)"] + imageDigests
        parts += request.messages.map { "\($0.role.rawValue)\n\($0.content)" }
        return SHA256.hex(of: parts.joined(separator: "\n\u{1F}\n"))
    }

    /// The cached answer for `key`, or the one `fetch` produces (once, however many ask at the same time).
    /// `hit` says whether it came from the cache.
    func answer(for key: String, fetch: @escaping @Sendable () async throws -> Entry) async throws -> (entry: Entry, hit: Bool) {
        if let known = answers[key] { return (known, true) }
        if let pending = inFlight[key] { return (try await pending.value, true) }
        let task = Task { try await fetch() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let entry = try await task.value
        answers[key] = entry
        if let file, var line = try? JSONEncoder().encode(entry) {
            line.append(UInt8(ascii: "\n"))
            file.write(line)
        }
        return (entry, false)
    }
}

/// One run's seer behind the answer cache; counts the answers that came from it.
final class CachingSeer: ChatBackend {
    let backend: any ChatBackend
    let cache: SeerAnswerCache
    let imageDigests: [String]
    private let hits = Mutex(0)

    init(backend: any ChatBackend, cache: SeerAnswerCache, imageDigests: [String]) {
        self.backend = backend
        self.cache = cache
        self.imageDigests = imageDigests
    }

    var descriptor: ModelDescriptor { backend.descriptor }

    /// Answers this run took from the cache.
    var cachedAnswers: Int { hits.withLock { $0 } }

    func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let key = SeerAnswerCache.key(model: backend.descriptor, imageDigests: imageDigests, request: request)
        let backend = backend
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let (entry, hit) = try await cache.answer(for: key) {
                        for try await event in backend.chat(request) {
                            if case .completed(let completion) = event {
                                return SeerAnswerCache.Entry(
                                    key: key, content: completion.content, reasoning: completion.reasoning, usage: completion.usage)
                            }
                        }
                        throw ExperimentError("the seer's reply stream ended before it was complete", status: .serviceFailure)
                    }
                    if hit { self.hits.withLock { $0 += 1 } }
                    continuation.yield(.completed(ChatCompletion(
                        content: entry.content, reasoning: entry.reasoning, rawContent: entry.content, finishReason: "stop",
                        usage: hit ? nil : entry.usage, timeToFirstDelta: nil, totalSeconds: 0, attempts: hit ? 0 : 1)))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
