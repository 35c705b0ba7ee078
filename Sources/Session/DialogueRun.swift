import BlindsightCore
import Compositor
import Dialogue
import Foundation
import ModelClients
import Transcripts

/// `--reasoner` / `--seer` as given (nil: the configuration's, or for a continued dialogue the recorded ones).
public struct ModelChoice: Sendable, Hashable {
    public var reasoner: String?
    public var seer: String?

    public init(reasoner: String? = nil, seer: String? = nil) {
        self.reasoner = reasoner
        self.seer = seer
    }
}

/// What a running dialogue tells its front-end besides its events.
public enum SessionNotice: Sendable {
    /// The transcript file was created here.
    case transcript(path: String)
    /// A continued dialogue starts with these recorded events (not sent again); live events follow.
    case continuing(kept: [DialogueEvent])
    /// An event could not be appended to the transcript (a full disk); the run goes on.
    case transcriptFailure(String)
}

/// A new dialogue: the scene, what the user wants, and the referee's rules.
public struct DialogueStart: Sendable {
    public var scene: Scene
    public var instruction: String?
    /// Reasoner turns in all, the decision round included.
    public var maxRounds: Int
    /// Show the seer the Set-of-Mark overlay too.
    public var marks: Bool
    /// Apply the baseline policy when the reasoner never decides.
    public var allowFallback: Bool
    public var prompts: PromptTemplates
    /// Sampling for both roles' requests (an experiment gives each run its own seed).
    public var sampling: DialogueEngine.Sampling
    /// What the seer is shown, when already prepared for this scene (an experiment prepares it once per
    /// image); nil prepares it from the scene.
    public var seerImages: [DialogueEngine.SeerAttachment]?

    public init(
        scene: Scene, instruction: String? = nil, maxRounds: Int = 5, marks: Bool = true, allowFallback: Bool = true,
        prompts: PromptTemplates, sampling: DialogueEngine.Sampling = .init(),
        seerImages: [DialogueEngine.SeerAttachment]? = nil
    ) {
        self.scene = scene
        self.instruction = instruction
        self.maxRounds = maxRounds
        self.marks = marks
        self.allowFallback = allowFallback
        self.prompts = prompts
        self.sampling = sampling
        self.seerImages = seerImages
    }
}

/// How a dialogue ended and what it wrote.
public struct DialogueRunResult: Sendable {
    public var outcome: DialogueOutcome
    /// The backend's own error when a model failed (`outcome.stopReason == .backendFailure`).
    public var failure: (any UserFacingError)?
    /// The files written from the decision; nil when there was no decision or the run was interrupted.
    public var outputs: WrittenOutputs?
    /// The transcript's path; nil with no transcript.
    public var transcriptPath: String?
    /// An append to the transcript that failed (the outputs are written, the run still fails, exit 3).
    public var transcriptFailure: (any UserFacingError)?
    /// True when a chat's user left at the decision without accepting it (nothing was written).
    public var userLeft = false

    /// The decision (the reasoner's or the baseline fallback), if any.
    public var decision: Decision? { outcome.decision }

    /// Throws what a command should exit with: the model failure, ``InterruptedError``,
    /// ``NoDecisionError``, or the transcript failure; returns for a complete run.
    public func check() throws {
        if let failure { throw failure }
        if outcome.stopReason == .cancelled || userLeft { throw InterruptedError() }
        guard outcome.decision != nil else { throw NoDecisionError(stopReason: outcome.stopReason) }
        if let transcriptFailure { throw transcriptFailure }
    }
}

/// The dialogue ended without a decision the user allowed.
public struct NoDecisionError: UserFacingError {
    public var stopReason: StopReason
    public var message: String {
        "the dialogue ended without a decision (\(stopReason.rawValue)); no cutout was written "
            + "(drop --no-fallback to apply the baseline policy)"
    }
    public var exitStatus: ExitStatus { .noDecision }
}

/// The one dialogue driver under `run`, `chat`, `run/chat --resume`, `replay --live-from` and the
/// experiment runner: checks the outputs, builds backends, the seer's attachments, the referee and the
/// transcript, runs the engine, and writes the decision's outputs. It prints nothing and keeps no
/// process-wide state: events go to the injected observers, notices to `notify`, steering comes
/// from the injected user. Cancelling the calling task (Ctrl-C) ends the dialogue as interrupted and
/// stops any output being written (its temporary file removed).
public struct DialogueRun: Sendable {
    /// The configuration (file and environment); `models` is applied on top.
    public var config: BlindsightConfig
    public var models: ModelChoice
    public var transcript: TranscriptTarget
    public var outputs: OutputRequest
    public var observers: [any DialogueObserver]
    /// A chat's person, asked before every reasoner turn and at a decision; nil for `run`, `replay` and experiments.
    public var user: (any DialogueUser)?
    /// Lets a chat cancel the model call in flight on its own (Ctrl-C once); nil elsewhere.
    public var calls: CallCanceller?
    public var notify: @Sendable (SessionNotice) async -> Void
    /// Makes the backend of a role's model; nil uses `BackendFactory` with the configuration. The
    /// experiment runner shares backends between runs (behind per-server gates, the seer behind its
    /// answer cache).
    public var makeBackend: (@Sendable (ModelSpec, DialogueEvent.Role) throws -> any ChatBackend)?

    public init(
        config: BlindsightConfig, models: ModelChoice = .init(), transcript: TranscriptTarget = .init(),
        outputs: OutputRequest = .init(), observers: [any DialogueObserver] = [], user: (any DialogueUser)? = nil,
        calls: CallCanceller? = nil, notify: @escaping @Sendable (SessionNotice) async -> Void = { _ in },
        makeBackend: (@Sendable (ModelSpec, DialogueEvent.Role) throws -> any ChatBackend)? = nil
    ) {
        self.calls = calls
        self.makeBackend = makeBackend
        self.config = config
        self.models = models
        self.transcript = transcript
        self.outputs = outputs
        self.observers = observers
        self.user = user
        self.notify = notify
    }

    /// Runs a new dialogue on `start.scene`.
    public func start(_ start: DialogueStart) async throws -> DialogueRunResult {
        let scene = start.scene
        let plan = try checkedPlan(scene: scene, parent: nil)
        var config = config
        try config.apply(reasoner: models.reasoner, seer: models.seer)
        let models = try Backends(
            reasoner: config.reasoner.value, seer: config.seer.value, config: config, sampling: (start.sampling, start.sampling),
            make: makeBackend)
        let rules = RefereeRules(
            maxRounds: start.maxRounds, allowFallback: start.allowFallback, marks: start.marks,
            structuredOutput: config.settings(for: models.reasonerSpec).structuredOutput
                ?? RefereeRules.structuredOutputByDefault(model: models.reasonerSpec.model))
        let task = scene.task(instruction: start.instruction)
        let header = TranscriptRecording.header(
            scene: scene, models: models.records(config: config), prompts: start.prompts, rules: rules,
            instruction: start.instruction, seerImageMaxSide: config.seerImageMaxSide.value)
        let attachments = models.usesModels
            ? try start.seerImages ?? SeerAttachments.make(scene: scene, marks: start.marks, maxSide: config.seerImageMaxSide.value)
            : []
        return try await drive(
            Referee(task: task, rules: rules, prompts: start.prompts), kept: [], header: header, plan: plan,
            models: models, seerImages: attachments)
    }

    /// Continues an interrupted session (`run/chat --resume`) into a new transcript naming it; with a
    /// ``user`` (a chat), a session that ended with a decision reopens at that decision.
    /// - Throws: ``ResumeRefused`` when the parent had already ended.
    public func resume(_ parent: Transcript, scene: Scene) async throws -> DialogueRunResult {
        try await continueLive(parent, scene: scene) { records in
            try TranscriptContinuation.resume(
                parent, models: records, programVersion: BlindsightVersion.current, reopeningDecisions: user != nil)
        }
    }

    /// Forks a recorded dialogue (`replay --live-from K`): keeps its events up to #K and continues with
    /// live models into a new transcript.
    /// - Throws: ``ForkRefused`` (exit 2, with the valid choices) when #K is not a fork point.
    public func fork(_ parent: Transcript, through sequence: Int, scene: Scene) async throws -> DialogueRunResult {
        try ForkPoints.check(sequence, in: parent)
        return try await continueLive(parent, scene: scene) { records in
            try TranscriptContinuation.fork(parent, through: sequence, models: records, programVersion: BlindsightVersion.current)
        }
    }

    /// The referee restored from the kept events with the recorded templates and rules, the recorded
    /// models unless `models` says otherwise, the recorded sampling and seer image size.
    private func continueLive(
        _ parent: Transcript, scene: Scene, continuation: ([ModelRecord]) throws -> TranscriptContinuation
    ) async throws -> DialogueRunResult {
        let plan = try checkedPlan(scene: scene, parent: parent)
        let header = parent.header
        let prompts = try SessionPrompts.recorded(in: parent)
        let reasonerSpec = try spec(models.reasoner, recorded: header.model(role: "reasoner")) ?? config.reasoner.value
        let seerSpec = try spec(models.seer, recorded: header.model(role: "seer")) ?? config.seer.value
        let sampling = (
            reasoner: header.model(role: "reasoner")?.sampling ?? .init(), seer: header.model(role: "seer")?.sampling ?? .init()
        )
        let backends = try Backends(reasoner: reasonerSpec, seer: seerSpec, config: config, sampling: sampling, make: makeBackend)
        let started = try continuation(backends.records(config: config))
        await notify(.continuing(kept: started.kept))
        let attachments = backends.usesModels ? try SeerAttachments.make(scene: scene, recordedIn: header) : []
        return try await drive(
            Referee(task: header.task, rules: header.refereeRules, prompts: prompts), kept: started.kept,
            header: started.header, plan: plan, models: backends, seerImages: attachments)
    }

    /// The output plan, refused (exit 2) before any model is asked when it would overwrite an input
    /// (the scene's files, a background image, the parent transcript), itself, or an existing transcript.
    private func checkedPlan(scene: Scene, parent: Transcript?) throws -> OutputPlan {
        let newTranscript = transcript.disabled ? nil : transcript.path.map { NamedFile("the transcript", $0) }
        return try OutputPlan.checked(
            outputs, scene: scene, inputs: [parent.map { NamedFile("the transcript", $0.path) }].compactMap { $0 },
            created: [newTranscript].compactMap { $0 })
    }

    private func drive(
        _ referee: Referee, kept: [DialogueEvent], header: TranscriptHeader, plan: OutputPlan, models: Backends,
        seerImages: [DialogueEngine.SeerAttachment]
    ) async throws -> DialogueRunResult {
        let notify = notify
        let writer = try transcript.open(for: header) { message in Task { await notify(.transcriptFailure(message)) } }
        defer { writer?.close() }
        if let writer { await notify(.transcript(path: writer.path)) }
        for event in kept { try writer?.append(event) }
        let engine = DialogueEngine(
            reasoner: models.reasoner, seer: models.seer, seerImages: seerImages,
            reasonerSampling: models.sampling.reasoner, seerSampling: models.sampling.seer,
            observers: observers + (writer.map { [$0] } ?? []), user: user, calls: calls)
        var result = try await engine.run(referee, resumingFrom: kept)
        var outputs: WrittenOutputs?
        if result.failure == nil, result.outcome.stopReason != .cancelled, !result.userLeft,
            let decision = result.outcome.decision
        {
            let written = try plan.write(keeping: KeepSet(sourceIDs: decision.sourceIDs))
            await engine.recordOutputs(written.records(), after: &result)
            outputs = written
        }
        writer?.close()
        return DialogueRunResult(
            outcome: result.outcome, failure: result.failure, outputs: outputs, transcriptPath: writer?.path,
            transcriptFailure: writer?.failure, userLeft: result.userLeft)
    }

    private func spec(_ flag: String?, recorded: ModelRecord?) throws -> ModelSpec? {
        if let flag { return try ModelSpec(parsing: flag) }
        return recorded.map { ModelSpec(provider: $0.provider, model: $0.model) }
    }
}

/// The reasoner's and seer's backends (none for the baseline reasoner) and how they are recorded.
private struct Backends {
    let reasonerSpec: ModelSpec
    let seerSpec: ModelSpec
    let reasoner: (any ChatBackend)?
    let seer: (any ChatBackend)?
    let sampling: (reasoner: DialogueEngine.Sampling, seer: DialogueEngine.Sampling)

    var usesModels: Bool { reasonerSpec.provider != ModelSpec.baselineProvider }

    init(
        reasoner: ModelSpec, seer: ModelSpec, config: BlindsightConfig,
        sampling: (reasoner: DialogueEngine.Sampling, seer: DialogueEngine.Sampling) = (.init(), .init()),
        make: (@Sendable (ModelSpec, DialogueEvent.Role) throws -> any ChatBackend)?
    ) throws {
        reasonerSpec = reasoner
        seerSpec = seer
        let live = reasoner.provider != ModelSpec.baselineProvider
        // Key commands run once and their secrets are redacted from here on; an injected `make` (an
        // experiment's shared backends) comes with a configuration already prepared.
        var config = config
        if make == nil { try config.prepare(for: live ? [reasoner, seer] : []) }
        let make = make ?? { [config] spec, _ in try BackendFactory.makeBackend(for: spec, config: config) }
        self.reasoner = live ? try make(reasoner, .reasoner) : nil
        self.seer = live ? try make(seer, .seer) : nil
        self.sampling = sampling
    }

    func records(config: BlindsightConfig) -> [ModelRecord] {
        [
            TranscriptRecording.model(
                role: .reasoner, backend: reasoner, spec: reasonerSpec, config: config, sampling: sampling.reasoner),
            TranscriptRecording.model(role: .seer, backend: seer, spec: seerSpec, config: config, sampling: sampling.seer),
        ]
    }
}
