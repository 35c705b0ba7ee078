import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Session

/// Runs a cell through the Session layer's dialogue driver, the one `blindsight run` uses: the scene, the
/// referee with the cell's template set and round limit, the engine, a transcript that `replay` reads,
/// and the decision's cutout and mask written along `run`'s one decision → outputs path. What differs
/// is only what an experiment shares between runs: each image's scene and seer attachments are prepared
/// once, the backends are shared (behind per-server gates), the seer may answer from the cache, and
/// each run gets its own sampling seed.
public struct DialogueRunExecutor: RunExecutor {
    let plan: ResolvedPlan
    let templates: [String: PromptTemplates]
    let backends: BackendPool
    let cache: SeerAnswerCache?
    let config: BlindsightConfig
    private let scenes = SceneCache()

    /// Loads every template set of `plan` and makes its backends from `config`.
    /// - Throws: ``ExperimentError`` for a template set that does not load, the configuration's errors.
    public init(plan: ResolvedPlan, config: BlindsightConfig, cache: SeerAnswerCache?) throws {
        var templates: [String: PromptTemplates] = [:]
        do {
            for set in plan.prompts { templates[set.name] = try SessionPrompts.load(set.source) }
            backends = try BackendPool(specs: plan.reasoners.map(\.spec) + plan.seers.map(\.spec), config: config)
        } catch let error as any UserFacingError {
            throw ExperimentError(error.message, status: error.exitStatus)
        }
        self.plan = plan
        self.templates = templates
        self.config = config
        self.cache = cache
    }

    public func execute(_ cell: RunCell, files: RunFiles) async -> ExecutedRun {
        do {
            return try await run(cell, files: files)
        } catch let error as any UserFacingError {
            return ExecutedRun(stopReason: "error", exitCode: error.exitStatus.rawValue, error: error.message)
        } catch {
            return ExecutedRun(stopReason: "error", exitCode: ExitStatus.badInput.rawValue, error: String(describing: error))
        }
    }

    private func run(_ cell: RunCell, files: RunFiles) async throws -> ExecutedRun {
        let configuration = cell.configuration
        guard let prompts = templates[configuration.prompts] else {
            throw ExperimentError("prompt set \(configuration.prompts) is not in the plan")
        }
        let usesModels = !configuration.isBaseline
        let (plan, config) = (plan, config)
        let prepared = try await scenes.scene(for: "\(cell.image.sha256) \(cell.image.path) \(usesModels)") {
            let scene = try await Scene.load(imagePath: cell.image.path, choice: SegmentationChoice(panoptic: plan.panoptic))
            let seerImages = usesModels
                ? try SeerAttachments.make(scene: scene, marks: plan.marks, maxSide: config.seerImageMaxSide.value) : []
            return PreparedScene(scene: scene, seerImages: seerImages)
        }
        let caching = usesModels
            ? backends.backend(configuration.seer).flatMap { seer in
                cache.map { CachingSeer(backend: seer, cache: $0, imageDigests: prepared.seerImages.map(\.reference.sha256)) }
            } : nil
        let tally = TokenTally()
        let pool = backends
        let driver = DialogueRun(
            config: config, models: ModelChoice(reasoner: configuration.reasoner, seer: usesModels ? configuration.seer : nil),
            transcript: TranscriptTarget(path: files.transcript, generator: "blindsight experiment"),
            outputs: OutputRequest(cutout: files.cutout, mask: files.mask), observers: [tally],
            makeBackend: { spec, role in
                if role == .seer, let caching { return caching }
                guard let backend = pool.backend(spec.description) else {
                    throw ExperimentError("\(spec) is not a model of this experiment")
                }
                return backend
            })
        let result = try await driver.start(DialogueStart(
            scene: prepared.scene, instruction: plan.instruction, maxRounds: configuration.maxRounds, marks: plan.marks,
            allowFallback: true, prompts: prompts, sampling: DialogueEngine.Sampling(seed: cell.seed),
            seerImages: usesModels ? prepared.seerImages : nil))
        var failure: (any UserFacingError)?
        do { try result.check() } catch let error as any UserFacingError { failure = error }
        let written = Set(result.outputs?.files.map(\.purpose) ?? [])
        return ExecutedRun(
            stopReason: result.outcome.stopReason.rawValue, exitCode: failure?.exitStatus.rawValue ?? 0,
            error: failure?.message, decision: result.decision, stats: result.outcome.stats, tokens: await tally.tokens,
            cachedAnswers: caching?.cachedAnswers ?? 0, segmentation: prepared.scene.segmentation,
            wroteTranscript: result.transcriptPath != nil, wroteCutout: written.contains("cutout"),
            wroteMask: written.contains("mask"))
    }
}

/// Sums the tokens each role's replies used.
actor TokenTally: DialogueObserver {
    private(set) var tokens: [String: ResultRow.Tokens] = [:]

    func record(_ event: DialogueEvent) async {
        guard let usage = event.usage, event.kind == .reasonerTurn || event.kind == .seerAnswer else { return }
        var sum = tokens[event.role.rawValue] ?? ResultRow.Tokens()
        sum.prompt += usage.promptTokens
        sum.completion += usage.completionTokens
        tokens[event.role.rawValue] = sum
    }
}
