import Dialogue
import Foundation
import HTTPTransport
import ModelClients
import Testing
import TestSupport

/// The faulty-mode scenarios: servers with one transient fault per dialogue (a stream cut after
/// some text, an error reported mid-stream, an HTTP 500), on the reasoner's side or the seer's. With
/// the standard retry policy every dialogue ends with the right decision, and the retry is recorded.
@Suite struct FaultyServerScenarioTests {
    typealias Rig = LoopbackScenarioTests.Rig

    enum Fault: String, CaseIterable, Sendable {
        case cutStream, midStreamError, serverError
    }

    enum Side: String, CaseIterable, Sendable {
        case reasoner, seer
    }

    /// The faulty response that precedes `good` on `side`.
    static func faulty(_ fault: Fault, side: Side, good: ScriptedResponse) -> ScriptedResponse {
        switch (fault, side) {
        case (.cutStream, _): good.cut(afterBytes: good.bodyBytes.count / 2)
        case (.midStreamError, .reasoner): .openAIStreamFailing(after: "Let me", error: "CUDA out of memory")
        case (.midStreamError, .seer): .ollamaStreamFailing(after: "Segment", error: "model runner has unexpectedly stopped")
        case (.serverError, .reasoner): .error(status: 500, message: "internal error")
        case (.serverError, .seer): .ollamaError(status: 500, message: "llama runner process has terminated")
        }
    }

    @Test("one transient fault per dialogue: all six dialogues decide correctly",
          arguments: Fault.allCases, Side.allCases)
    func transientFaultIsRetried(fault: Fault, side: Side) async throws {
        let rig = try await Rig.start()
        defer { Task { await rig.stop() } }
        let dog = try rig.number(of: "dog")
        let ask = ScriptedResponse.openAIStream(
            content: LoopbackScenarioTests.ask("Which numbered segment is an animal?"), reasoning: "thinking it over",
            model: "qwq")
        let answer = ScriptedResponse.ollamaStream(content: "Segment \(dog) is a dog lying on the grass.", model: "qwen2.5vl")
        switch side {
        case .reasoner: rig.reasonerServer.enqueue(Self.faulty(fault, side: side, good: ask), ask)
        case .seer: rig.reasonerServer.enqueue(ask)
        }
        switch side {
        case .reasoner: rig.seerServer.enqueue(answer)
        case .seer: rig.seerServer.enqueue(Self.faulty(fault, side: side, good: answer), answer)
        }
        rig.reasoner(LoopbackScenarioTests.decide([dog]))
        let result = try await rig.run(retry: RetryPolicy(sleep: { _ in }))
        #expect(result.outcome.stopReason == .decided, "\(result.failure?.message ?? "")")
        #expect(result.outcome.decision?.foreground == [dog])
        let retries = rig.log.events.filter { $0.kind == .retry }
        #expect(retries.count == 1)
        #expect(retries.first?.role == (side == .reasoner ? .reasoner : .seer))
        #expect(retries.first?.attempt == 2)
        let seerAnswer = try #require(rig.log.events.first { $0.kind == .seerAnswer })
        #expect(seerAnswer.content == "Segment \(dog) is a dog lying on the grass.", "the partial text is discarded")
    }
}
