import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import TestSupport
import Testing
@testable import Transcripts

/// Transcripts are shared files: damaged or hostile numbers and names must give one clear line and
/// exit 3, never a trap later on (the engine continuing a sequence at `Int.max`, a dictionary refusing
/// duplicate display numbers, a question budget that underflows).
@Suite struct HostileTranscriptTests {
    /// The fixture transcript's lines as JSON objects.
    static func lines() throws -> [[String: Any]] {
        let path = try TranscriptFixtures.write(in: try TestData.temporaryFolder())
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Reads the fixture transcript after `edit`; returns the refusal's message (nil when it was read).
    static func refusal(_ edit: (inout [[String: Any]]) -> Void) throws -> String? {
        var objects = try lines()
        edit(&objects)
        let text = try objects.map {
            String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        do {
            _ = try TranscriptReader.read(data: Data(text.utf8), path: "hostile.jsonl")
            return nil
        } catch {
            #expect(error.exitStatus == .badInput)
            return error.message
        }
    }

    @Test(arguments: [Int64.max, Int64.min, -1, 1_000_000_001])
    func refusesSequenceNumbersOutOfRange(sequence: Int64) throws {
        let message = try Self.refusal { $0[3]["sequence"] = NSNumber(value: sequence) }
        #expect(message?.contains("hostile.jsonl is not a Blindsight transcript: line 4: event sequence \(sequence) is outside 0…1000000000") == true, "\(message ?? "read")")
    }

    @Test func refusesRepeatedAndDecreasingSequenceNumbers() throws {
        let repeated = try Self.refusal { $0[3]["sequence"] = $0[2]["sequence"] }
        #expect(repeated?.contains("line 4: event sequence 1 does not follow 1") == true, "\(repeated ?? "read")")
        let decreasing = try Self.refusal { $0[4]["sequence"] = 0 }
        #expect(decreasing?.contains("does not follow") == true, "\(decreasing ?? "read")")
    }

    @Test func refusesAbsurdRounds() throws {
        let message = try Self.refusal { $0[2]["round"] = 1_000_000_000 }
        #expect(message?.contains("round 1000000000, outside 0…1001") == true, "\(message ?? "read")")
    }

    @Test func refusesHeadersWithOutOfBoundNumbersOrPathLikeTemplateNames() throws {
        func header(_ edit: @escaping (inout [String: Any]) -> Void) throws -> String? {
            try Self.refusal { edit(&$0[0]) }
        }
        #expect(try header { $0["maxRounds"] = Int64.min }?.contains("maxRounds -9223372036854775808 is outside 1…1000") == true)
        #expect(try header {
            var panoptic = $0["panoptic"] as? [String: Any] ?? [:]
            var table = panoptic["table"] as? [String: Any] ?? [:]
            var rows = table["rows"] as? [[String: Any]] ?? []
            rows[1]["number"] = rows[0]["number"]
            table["rows"] = rows
            panoptic["table"] = table
            $0["panoptic"] = panoptic
        }?.contains("number 1 is outside 1…1000000000 or listed twice") == true)
        #expect(try header {
            var panoptic = $0["panoptic"] as? [String: Any] ?? [:]
            var segments = panoptic["segments"] as? [[String: Any]] ?? []
            segments[0]["bbox"] = ["x": Int64.max, "y": 0, "width": Int64.max, "height": 1]
            panoptic["segments"] = segments
            $0["panoptic"] = panoptic
        }?.contains("panoptic.segments[0].bbox has a value outside") == true)
        #expect(try header { $0["prompts"] = [["name": "../pwned_area-table", "sha256": "", "text": "x"]] }?
            .contains("prompt template name \"../pwned_area-table\" has a \".\" or \"..\" part") == true)
        #expect(try header { $0["settings"] = ["seerImageMaxSide": 1e30] }?.contains("seerImageMaxSide") == true)
    }

    @Test func readsTheUntouchedFixture() throws {
        #expect(try Self.refusal { _ in } == nil)
    }

    @Test func aDeeplyNestedEventLineStopsReadingWithANoteInsteadOfRecursing() throws {
        var text = try String(contentsOfFile: try TranscriptFixtures.write(in: try TestData.temporaryFolder()), encoding: .utf8)
        text += #"{"type":"event","x":"# + String(repeating: "[", count: 100_000) + "\n"
        let transcript = try TranscriptReader.read(data: Data(text.utf8), path: "deep.jsonl")
        #expect(transcript.notes.contains { $0.contains("is unreadable; stopped there") })
    }

    /// The reasoner reply that overflowed the stack in the old recursive scanner.
    static let braceBomb = DialogueScripts.reasonerReply(String(repeating: "{", count: 100_000))

    @Test func aBraceBombReplyRerunsForksAndResumesWithoutCrashing() async throws {
        let folder = try TestData.temporaryFolder()
        let path = folder.appendingPathComponent("bomb.jsonl").path
        let replies = [Self.braceBomb] + DialogueScripts.askThenDecide
        let original = try await DialogueScripts.record(replies, to: path)
        #expect(original.outcome.decision?.foreground == [2])
        let transcript = try TranscriptReader.read(path: path)
        let bomb = try #require(transcript.events.first { $0.kind == .reasonerTurn })
        #expect(bomb.turn?.action == "invalid")

        let report = try await TranscriptRerun.run(
            transcript, prompts: try PromptTemplates(directory: DialogueScripts.promptsFolder), seerImages: [])
        #expect(report.reproduced)

        let fork = try TranscriptContinuation.fork(transcript, through: bomb.sequence, models: [], programVersion: "t")
        #expect(fork.kept.contains(bomb))
        var referee = Referee(
            task: transcript.header.task, rules: transcript.header.refereeRules,
            prompts: try PromptTemplates(directory: DialogueScripts.promptsFolder))
        let step = try referee.replay(fork.kept)
        guard case .askReasoner = step.action else {
            Issue.record("after the refused bomb the referee should ask the reasoner again, not \(step.action)")
            return
        }
    }
}

@Suite struct CanonicalRequestComparisonTests {
    static func request(schema: JSONValue) -> DialogueEvent {
        let model = ModelDescriptor(provider: "ollama", model: "m", baseURL: nil)
        return DialogueEvent(
            kind: .requestSent, round: 1, role: .reasoner,
            request: RecordedRequest(model: model, messages: [.init(role: .user, content: "table")], responseSchema: schema))
    }

    /// A schema with many properties, written in one order and built in another, in a dictionary of
    /// another capacity: equal values whose printed forms differ.
    static let names = (0..<40).map { "property\($0)" }
    static let recorded: JSONValue = {
        let text = "{" + names.map { #""\#($0)": {"type": "integer"}"# }.joined(separator: ",") + "}"
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }()

    static func rebuilt(changing changed: String? = nil) -> JSONValue {
        var members = [String: JSONValue](minimumCapacity: 1000)
        for name in names.reversed() { members[name] = .object(["type": .string(name == changed ? "string" : "integer")]) }
        return .object(members)
    }

    @Test func equalSchemasInAnotherKeyOrderAreNoDivergence() {
        #expect("\(Self.recorded)" != "\(Self.rebuilt())", "the printed forms must differ for this test to mean anything")
        #expect(RequestComparison.firstDivergence(
            recorded: [Self.request(schema: Self.recorded)], now: [Self.request(schema: Self.rebuilt())]) == nil)
    }

    @Test func aRealSchemaDifferenceIsFoundAndShownCanonically() throws {
        let divergence = try #require(RequestComparison.firstDivergence(
            recorded: [Self.request(schema: Self.recorded)], now: [Self.request(schema: Self.rebuilt(changing: "property0"))]))
        #expect(divergence.detail.first == "responseSchema")
        #expect(divergence.detail[1].hasPrefix(#"- {"property0":{"type":"integer"},"property1":"#))
        #expect(divergence.detail[2].hasPrefix(#"+ {"property0":{"type":"string"},"property1":"#))
    }
}
