import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Transcripts

/// Starting a dialogue continued with live models: `replay --live-from K` (a fork) and
/// `run --resume` (an interrupted session).
extension LiveContinuation {
    /// Keeps the parent's events up to #K and continues with live models into a new transcript.
    static func fork(
        _ parent: Transcript, through sequence: Int, session: ReplaySession, models: ModelSelectionOptions,
        transcript: TranscriptOptions, outputs: OutputRequest, quiet: Bool
    ) async throws {
        let live = LiveContinuation(
            reasonerFlag: models.reasoner, seerFlag: models.seer, transcript: transcript, session: session,
            outputs: outputs, quiet: quiet)
        try await live.run { models in
            try TranscriptContinuation.fork(parent, through: sequence, models: models, programVersion: BlindsightVersion.current)
        }
    }

    /// Continues an interrupted session into a new transcript naming it.
    static func resume(
        _ parent: Transcript, session: ReplaySession, models: ModelSelectionOptions, transcript: TranscriptOptions,
        outputs: OutputRequest, chat: ChatFrontEnd? = nil
    ) async throws {
        let live = LiveContinuation(
            reasonerFlag: models.reasoner, seerFlag: models.seer, transcript: transcript, session: session,
            outputs: outputs, quiet: false, chat: chat)
        try await live.run { models in
            try TranscriptContinuation.resume(
                parent, models: models, programVersion: BlindsightVersion.current, reopeningDecisions: chat != nil)
        }
    }
}

/// Runs the engine from a recorded prefix with live backends: the referee is restored from the kept
/// events (with the recorded prompt templates and rules), the new transcript starts with them, and
/// the run ends like `run`: a cutout, or an exit status saying why not.
struct LiveContinuation {
    /// `--reasoner` / `--seer` when given; else the recorded models are used again.
    let reasonerFlag: String?
    let seerFlag: String?
    let transcript: TranscriptOptions
    let session: ReplaySession
    let outputs: OutputRequest
    let quiet: Bool
    /// A chat's screen and prompt; nil for `run` and `replay`.
    var chat: ChatFrontEnd? = nil

    func run(_ makeContinuation: ([ModelRecord]) throws -> TranscriptContinuation) async throws {
        let header = session.transcript.header
        let config = try BlindsightConfig.load()
        let reasonerSpec = try spec(reasonerFlag, recorded: header.model(role: "reasoner")) ?? config.reasoner.value
        let seerSpec = try spec(seerFlag, recorded: header.model(role: "seer")) ?? config.seer.value
        let usesModels = reasonerSpec.provider != ModelSpec.baselineProvider
        let reasoner = usesModels ? try BackendFactory.makeBackend(for: reasonerSpec, config: config) : nil
        let seer = usesModels ? try BackendFactory.makeBackend(for: seerSpec, config: config) : nil
        let reasonerSampling = header.model(role: "reasoner")?.sampling ?? .init()
        let seerSampling = header.model(role: "seer")?.sampling ?? .init()
        let models = [
            TranscriptRecording.model(role: .reasoner, backend: reasoner, spec: reasonerSpec, config: config,
                                      sampling: reasonerSampling),
            TranscriptRecording.model(role: .seer, backend: seer, spec: seerSpec, config: config, sampling: seerSampling),
        ]
        let continuation = try makeContinuation(models)
        let writer = try transcript.openWriter(for: continuation.header)
        defer { writer?.close() }
        for event in continuation.kept { try writer?.append(event) }
        let printer = SequencedPrinter(header)
        if !quiet { try await TranscriptPlayer.play(continuation.kept, speed: nil, to: printer) }
        StandardError.write("blindsight: continuing live after event #\(continuation.kept.last?.sequence ?? -1)")

        let stem = ((session.imagePath as NSString).lastPathComponent as NSString).deletingPathExtension
        let referee = Referee(task: header.task, rules: header.refereeRules, prompts: try session.recordedPrompts())
        let chatSession = await chat?.open(
            ChatFrontEnd.Scene(
                picture: session.picture, segmentation: session.segmentation, table: header.panoptic.table,
                imagePath: session.imagePath, cutoutPath: outputs.cutout ?? "\(stem).cutout.png", maskPath: outputs.mask),
            models: "reasoner \(reasonerSpec.model) · seer \(seerSpec.model)", roundLimit: header.refereeRules.maxRounds,
            transcriptPath: writer?.path)
        let engine = DialogueEngine(
            reasoner: reasoner, seer: seer,
            seerImages: usesModels ? try session.seerAttachments(marks: header.refereeRules.marks) : [],
            reasonerSampling: reasonerSampling, seerSampling: seerSampling,
            observers: [chatSession?.screen ?? printer] + (writer.map { [$0] } ?? []), user: chatSession?.user,
            calls: chatSession?.calls)
        let kept = continuation.kept
        let dialogue: @Sendable () async throws -> DialogueEngine.Result = {
            try await engine.run(referee, resumingFrom: kept)
        }
        var result: DialogueEngine.Result
        if let chatSession {
            result = try await chatSession.run(dialogue)
        } else {
            result = try await Interrupts.cancellingOnInterrupt(dialogue)
        }
        if let failure = result.failure { throw failure }
        if result.outcome.stopReason == .cancelled || result.userLeft {
            await chatSession?.sayHowToResume()
            throw InterruptedError()
        }
        guard let decision = result.outcome.decision else { throw NoDecisionError(stopReason: result.outcome.stopReason) }
        let files = try session.writeOutputs(decision, outputs, defaultCutout: "\(stem).cutout.png")
        await engine.recordOutputs(files, after: &result)
        try TranscriptRecording.finish(writer)
    }

    private func spec(_ flag: String?, recorded: ModelRecord?) throws -> ModelSpec? {
        if let flag { return try ModelSpec(parsing: flag) }
        return TranscriptRecording.spec(of: recorded)
    }
}
