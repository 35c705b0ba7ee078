import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Testing

@Suite struct DialogueEngineTests {
    static let photo = DialogueEngine.SeerAttachment(ImageAttachment(mimeType: "image/png", data: Data([1, 2, 3])), purpose: "image")
    static let marks = DialogueEngine.SeerAttachment(ImageAttachment(mimeType: "image/png", data: Data([4, 5])), purpose: "marks")

    static func engine(_ reasoner: ScriptedBackend?, _ seer: ScriptedBackend, log: EventLog) -> DialogueEngine {
        DialogueEngine(reasoner: reasoner, seer: seer, seerImages: [photo, marks], observers: [log])
    }

    @Test func sendsImagesToTheSeerOnlyAndRecordsThemByDigest() async throws {
        let reasoner = ScriptedBackend("r", [
            .text(Fixtures.ask("What is in the centre?").content, reasoning: "think"),
            .text(Fixtures.ask("Is the person holding a leash?").content),
            .text(Fixtures.decide([3, 4]).content),
        ])
        let seer = ScriptedBackend("s", [.text("A dog."), .text("Yes.")])
        let log = EventLog()
        let result = try await Self.engine(reasoner, seer, log: log).run(try Fixtures.referee())
        #expect(result.outcome.decision?.foreground == [3, 4])
        #expect(reasoner.requests.count == 3)
        #expect(reasoner.requests.allSatisfy { request in request.messages.allSatisfy { $0.images.isEmpty } })
        #expect(seer.requests.count == 2)
        #expect(seer.requests.allSatisfy { $0.messages.last?.images.map(\.data) == [Data([1, 2, 3]), Data([4, 5])] })
        let seerRequest = try #require(log.events.first { $0.kind == .requestSent && $0.role == .seer }?.request)
        #expect(seerRequest.messages.last?.images.map(\.sha256) == [SHA256.hex([1, 2, 3]), SHA256.hex([4, 5])])
        let encoded = String(decoding: try JSONEncoder().encode(log.events), as: UTF8.self)
        #expect(!encoded.contains(Data([1, 2, 3]).base64EncodedString()))
    }

    @Test func numbersEventsInOrderAndStreamsDeltas() async throws {
        let reasoner = ScriptedBackend("r", [.text(Fixtures.decide([3]).content, reasoning: "hmm")])
        let log = EventLog()
        _ = try await Self.engine(reasoner, ScriptedBackend("s", []), log: log).run(try Fixtures.referee())
        #expect(log.events.map(\.sequence) == Array(0..<log.events.count))
        #expect(log.events.map(\.kind) == [
            .refereeMessage, .refereeMessage, .requestSent, .streamDelta, .streamDelta, .reasonerTurn, .decision, .stopped,
        ])
        #expect(log.events[3].reasoning == "hmm")
        #expect(log.events.last?.stats?.rounds == 1)
    }

    @Test func stopsWithBackendFailureAndKeepsTheServersMessage() async throws {
        let seer = ScriptedBackend("s", [.failure(ScriptedBackend.Failure(message: "seer server at 127.0.0.1:9 refused the connection"))])
        let reasoner = ScriptedBackend("r", [.text(Fixtures.ask("What is in the centre?").content)])
        let log = EventLog()
        let result = try await Self.engine(reasoner, seer, log: log).run(try Fixtures.referee())
        #expect(result.outcome.stopReason == .backendFailure)
        #expect(result.failure?.exitStatus == .serviceFailure)
        #expect(log.events.suffix(2).map(\.kind) == [.error, .stopped])
        #expect(log.events.first { $0.kind == .error }?.content.contains("refused") == true)
    }

    @Test func recordsAnInterruptionWhenCancelled() async throws {
        let log = EventLog()
        let engine = Self.engine(ScriptedBackend("r", [.hang]), ScriptedBackend("s", []), log: log)
        let referee = try Fixtures.referee()
        let task = Task { try await engine.run(referee) }
        while !log.events.contains(where: { $0.kind == .requestSent }) { try await Task.sleep(for: .milliseconds(2)) }
        task.cancel()
        let result = try await task.value
        #expect(result.outcome.stopReason == .cancelled)
        #expect(log.events.suffix(2).map(\.kind) == [.interrupted, .stopped])
    }

    @Test func resumesFromRecordedEventsWithoutRepeatingThem() async throws {
        let firstLog = EventLog()
        let first = Self.engine(
            ScriptedBackend("r", [.text(Fixtures.ask("What is in the centre?").content), .hang]),
            ScriptedBackend("s", [.text("A dog.")]), log: firstLog)
        let referee = try Fixtures.referee()
        let task = Task { try await first.run(referee) }
        while firstLog.events.filter({ $0.kind == .requestSent && $0.role == .reasoner }).count < 2 {
            try await Task.sleep(for: .milliseconds(2))
        }
        task.cancel()
        _ = try await task.value
        let secondLog = EventLog()
        let reasoner = ScriptedBackend("r", [.text(Fixtures.decide([3]).content)])
        let resumed = try await Self.engine(reasoner, ScriptedBackend("s", []), log: secondLog)
            .run(try Fixtures.referee(), resumingFrom: firstLog.events)
        #expect(resumed.outcome.decision?.foreground == [3])
        #expect(secondLog.events.first?.sequence == firstLog.events.count)
        #expect(secondLog.events.first?.kind == .requestSent)
        #expect(reasoner.requests.first?.messages.last?.content.contains("A dog.") == true)
    }

    @Test func runsTheBaselineWithNoModel() async throws {
        let log = EventLog()
        let engine = DialogueEngine(reasoner: nil, seer: nil, seerImages: [], observers: [log])
        let result = try await engine.run(try Fixtures.referee(instruction: nil))
        #expect(result.outcome.stopReason == .fallback)
        #expect(result.outcome.decision?.foreground == [3])
        #expect(!log.events.contains { $0.kind == .requestSent })
    }
}
