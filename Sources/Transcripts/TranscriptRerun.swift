import BlindsightCore
import Dialogue
import ModelClients
import Synchronization

/// What `replay --rerun` found.
public struct RerunReport: Sendable {
    /// The events the current referee produced against the recorded replies.
    public var events: [DialogueEvent]
    public var outcome: DialogueOutcome
    /// The decision the transcript recorded.
    public var recordedDecision: Decision?
    /// Where the requests sent now first differ from the recorded ones; nil when they all match.
    public var divergence: RequestDivergence?

    /// True when the re-run kept the same segments, decided the same way (reasoner or fallback) and
    /// sent exactly the recorded requests.
    public var reproduced: Bool {
        divergence == nil && outcome.decision?.foreground == recordedDecision?.foreground
            && outcome.decision?.outcome == recordedDecision?.outcome
    }
}

/// Runs the current referee (current prompt templates and rules code) again, with the transcript's
/// recorded replies served in order by ``RecordedBackend``s, and compares the requests.
public enum TranscriptRerun {
    /// Re-runs `transcript`. `seerImages` must be built from the same image the way a live run builds
    /// them (their digests are part of the compared requests).
    public static func run(
        _ transcript: Transcript, prompts: PromptTemplates, seerImages: [DialogueEngine.SeerAttachment],
        observers: [any DialogueObserver] = []
    ) async throws -> RerunReport {
        let header = transcript.header
        let collector = EventCollector()
        let engine = DialogueEngine(
            reasoner: header.usesBaselineReasoner ? nil : RecordedBackend(transcript: transcript, role: .reasoner),
            seer: RecordedBackend(transcript: transcript, role: .seer), seerImages: seerImages,
            reasonerSampling: header.model(role: "reasoner")?.sampling ?? .init(),
            seerSampling: header.model(role: "seer")?.sampling ?? .init(),
            observers: [collector] + observers)
        let referee = Referee(task: header.task, rules: header.refereeRules, prompts: prompts)
        let result = try await engine.run(referee)
        let events = collector.events
        return RerunReport(
            events: events, outcome: result.outcome, recordedDecision: transcript.decision,
            divergence: RequestComparison.firstDivergence(recorded: transcript.events, now: events))
    }
}

/// Keeps every event it is given (stream deltas excepted), in order.
public final class EventCollector: DialogueObserver {
    private let store = Mutex<[DialogueEvent]>([])

    public init() {}

    public var events: [DialogueEvent] { store.withLock { $0 } }

    public func record(_ event: DialogueEvent) async {
        guard event.kind.isRecordedInTranscripts else { return }
        store.withLock { $0.append(event) }
    }
}

extension TranscriptHeader {
    /// True when the reasoner was the baseline policy (no model).
    public var usesBaselineReasoner: Bool {
        guard let reasoner = model(role: "reasoner") else { return true }
        return reasoner.provider == "baseline"
    }
}

extension ModelRecord {
    /// Records a model with its sampling settings as parameters.
    public init(role: String, descriptor: ModelDescriptor, sampling: DialogueEngine.Sampling) {
        var parameters: [String: JSONValue] = [:]
        if let value = sampling.temperature { parameters["temperature"] = .number(value) }
        if let value = sampling.seed { parameters["seed"] = .number(Double(value)) }
        if let value = sampling.maxTokens { parameters["maxTokens"] = .number(Double(value)) }
        self.init(role: role, descriptor: descriptor, parameters: parameters.isEmpty ? nil : parameters)
    }

    /// The sampling settings recorded in ``parameters``.
    public var sampling: DialogueEngine.Sampling {
        DialogueEngine.Sampling(
            temperature: parameters?["temperature"]?.numberValue,
            seed: parameters?["seed"]?.numberValue.map { UntrustedInput.clampedInt($0) },
            maxTokens: parameters?["maxTokens"]?.numberValue.map { UntrustedInput.clampedInt($0, to: 1...Int(Int32.max)) })
    }
}
