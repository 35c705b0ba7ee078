import BlindsightCore
import Foundation

/// Reasoners and a seer that answer by what a request says rather than by arrival order, so dialogues
/// running concurrently against one ``FakeModelServer`` each get the replies their turn needs. Used with
/// ``FakeModelServer/respond(with:)`` by the experiment tests and benchmark.
///
/// A reasoner (a request without images) asks one question, then, once the conversation holds its earlier
/// turn (and so the answer), decides for the labels configured for its model name. The seer (a request with images) answers with
/// a fixed answer. Every reply is an Ollama NDJSON stream reporting 12 prompt and
/// 34 completion tokens, sent after `delay` seconds.
public struct ScriptedDialogueModels: Sendable {
    /// The labels each reasoner model keeps, by model name.
    public var decisions: [String: [String]]
    /// The question every reasoner asks.
    public var question: String
    /// What the seer says.
    public var answer: String
    /// Seconds before each reply.
    public var delay: Double

    public init(
        decisions: [String: [String]], question: String = "Which numbered segment is the dog?",
        answer: String = "The dog is the brown animal on the grass.", delay: Double = 0
    ) {
        self.decisions = decisions
        self.question = question
        self.answer = answer
        self.delay = delay
    }

    /// Whether a received request is for the seer (it carries images).
    public static func isSeerRequest(_ request: FakeModelServer.ReceivedRequest) -> Bool {
        messages(request).contains { $0["images"] != nil }
    }

    /// The reply for `request`, nil for anything but `/api/chat`.
    public func reply(to request: FakeModelServer.ReceivedRequest) -> ScriptedResponse? {
        guard request.path == "/api/chat" else { return nil }
        let model = request.json?["model"]?.stringValue ?? "test-model"
        let content: String
        if Self.isSeerRequest(request) {
            content = answer
        } else if Self.messages(request).contains(where: { $0["role"]?.stringValue == "assistant" }) {
            let labels = (decisions[model] ?? []).map { "\"\($0)\"" }.joined(separator: ", ")
            content = #"{"action": "decide", "foreground": [\#(labels)], "reason": "scripted"}"#
        } else {
            content = #"{"action": "ask", "question": "\#(question)"}"#
        }
        let response = ScriptedResponse.ollamaStream(content: content, deltaSize: 64, model: model)
        return delay > 0 ? response.delayed(by: delay) : response
    }

    private static func messages(_ request: FakeModelServer.ReceivedRequest) -> [JSONValue] {
        if case .array(let items)? = request.json?["messages"] { return items }
        return []
    }
}
