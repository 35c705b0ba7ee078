import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import ModelClients
import Panoptic
import Synchronization
import Transcripts

/// Runs a cell as `blindsight run` runs a dialogue: the image and its segmentation, the referee with the
/// cell's template set and round limit, the engine with the shared backends, a transcript that `replay`
/// reads, and the decision's mask. Backends are shared by all runs; the seer goes through the answer
/// cache when there is one.
public struct DialogueRunExecutor: RunExecutor {
    let plan: ResolvedPlan
    let templates: [String: PromptTemplates]
    let backends: BackendPool
    let cache: SeerAnswerCache?
    let config: BlindsightConfig
    let programVersion: String
    private let scenes = SceneCache()

    /// Loads every template set of `plan` and makes its backends from `config`.
    /// - Throws: ``ExperimentError`` for a template set that does not load, the configuration's errors.
    public init(
        plan: ResolvedPlan, config: BlindsightConfig, cache: SeerAnswerCache?, programVersion: String
    ) throws {
        var templates: [String: PromptTemplates] = [:]
        for set in plan.prompts {
            do {
                templates[set.name] = try PromptTemplates(directory: set.directory)
            } catch {
                throw ExperimentError(error.message)
            }
        }
        self.plan = plan
        self.templates = templates
        self.config = config
        self.cache = cache
        self.programVersion = programVersion
        do {
            backends = try BackendPool(specs: plan.reasoners.map(\.spec) + plan.seers.map(\.spec), config: config)
        } catch let error as any UserFacingError {
            throw ExperimentError(error.message, status: error.exitStatus)
        }
    }

    public func execute(_ cell: RunCell, transcriptPath: String, maskPath: String) async -> ExecutedRun {
        do {
            return try await run(cell, transcriptPath: transcriptPath, maskPath: maskPath)
        } catch let error as any UserFacingError {
            return ExecutedRun(stopReason: "error", exitCode: error.exitStatus.rawValue, error: error.message)
        } catch {
            return ExecutedRun(stopReason: "error", exitCode: ExitStatus.badInput.rawValue, error: String(describing: error))
        }
    }

    private func run(_ cell: RunCell, transcriptPath: String, maskPath: String) async throws -> ExecutedRun {
        let configuration = cell.configuration
        guard let prompts = templates[configuration.prompts] else {
            throw ExperimentError("prompt set \(configuration.prompts) is not in the plan")
        }
        let path = cell.image.path
        let reasoner = backends.backend(configuration.reasoner)
        let scene = try await scenes.scene(for: "\(cell.image.sha256) \(path) \(reasoner != nil)") {
            try await prepare(path, withSeerImages: reasoner != nil)
        }
        let (picture, segmentation, table, seerImages) = (scene.picture, scene.segmentation, scene.table, scene.seerImages)
        let reasonerModel = reasoner.map { _ in configuration.reasoner }.flatMap { try? ModelSpec(parsing: $0) }
        let rules = RefereeRules(
            maxRounds: configuration.maxRounds, allowFallback: true, marks: plan.marks,
            structuredOutput: reasonerModel.flatMap { config.settings(for: $0).structuredOutput }
                ?? RefereeRules.structuredOutputByDefault(model: reasonerModel?.model ?? configuration.reasoner))
        let task = DialogueTask(
            instruction: plan.instruction, imageName: (path as NSString).lastPathComponent, imageWidth: picture.width,
            imageHeight: picture.height, table: table)
        let referee = Referee(task: task, rules: rules, prompts: prompts)
        var seer = reasoner == nil ? nil : backends.backend(configuration.seer)
        let caching = seer.flatMap { backend in
            cache.map { CachingSeer(backend: backend, cache: $0, imageDigests: seerImages.map(\.reference.sha256)) }
        }
        if let caching { seer = caching }

        let sampling = DialogueEngine.Sampling(seed: cell.seed)
        let header = TranscriptHeader(
            programVersion: programVersion, generator: "blindsight experiment",
            image: ImageRecord(
                path: path, sha256: cell.image.sha256, bytes: scene.byteCount, width: picture.width, height: picture.height),
            panoptic: PanopticRecord(source: plan.panoptic ?? "\(path).panoptic.png", segments: segmentation.segments, table: table),
            models: [(DialogueEvent.Role.reasoner, reasoner), (.seer, seer)].compactMap { role, backend in
                backend.map { ModelRecord(role: role.rawValue, descriptor: $0.descriptor, parameters: ["seed": .number(Double(cell.seed))]) }
            },
            prompts: prompts.records.map(PromptRecord.init), rules: rules, instruction: plan.instruction,
            settings: [
                "seerImageMaxSide": .number(Double(config.seerImageMaxSide.value)), "experimentRun": .string(cell.runID),
            ])
        let writer = try TranscriptWriter(creating: transcriptPath, header: header)
        defer { writer.close() }
        let tally = TokenTally()
        let engine = DialogueEngine(
            reasoner: reasoner, seer: seer, seerImages: seerImages, reasonerSampling: sampling, seerSampling: sampling,
            observers: [writer, tally])
        var result = try await engine.run(referee)
        let outcome = result.outcome
        var wroteMask = false
        if let decision = outcome.decision {
            let keep = Set(decision.sourceIDs.map { UInt32(truncatingIfNeeded: $0) })
            let mask = Compositor.mask(idMap: segmentation.idMap, keep: keep, options: CompositeOptions())
            let png = try PNGEncoder.encode(mask)
            try AtomicFile.write(png, to: maskPath)
            wroteMask = true
            await engine.recordOutputs(
                [OutputFile(purpose: "mask", path: maskPath, byteCount: png.count, sha256: SHA256.hex(png))], after: &result)
        }
        writer.close()
        if let failure = writer.failure { throw failure }
        let exitCode: ExitStatus =
            outcome.decision != nil ? .success
            : outcome.stopReason == .cancelled ? .interrupted
            : result.failure?.exitStatus ?? .noDecision
        return ExecutedRun(
            stopReason: outcome.stopReason.rawValue, exitCode: exitCode.rawValue, error: result.failure?.message ?? outcome.error?.message,
            decision: outcome.decision, stats: outcome.stats, tokens: await tally.tokens, cachedAnswers: caching?.cachedAnswers ?? 0,
            segmentation: segmentation, wroteTranscript: true, wroteMask: wroteMask)
    }

    /// Decodes the image, reads its segmentation and, for model runs, encodes what the seer is shown.
    private func prepare(_ path: String, withSeerImages: Bool) async throws -> PreparedScene {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError("image \(path) does not exist or cannot be read")
        }
        let bytes = [UInt8](data)
        let picture = try ImageDecoder.decode(bytes, name: path)
        let source = try PanopticSourceResolver.resolve(panoptic: plan.panoptic, segments: nil, imagePath: path)
        let segmentation = try await source.segmentation(forImageAt: path, image: picture, imageBytes: bytes)
        let table = AreaTable(segmentation: segmentation)
        let seerImages = withSeerImages ? try Self.seerImages(
            picture: picture, segmentation: segmentation, table: table, marks: plan.marks, maxSide: config.seerImageMaxSide.value) : []
        return PreparedScene(
            picture: picture, byteCount: bytes.count, segmentation: segmentation, table: table, seerImages: seerImages)
    }

    /// The photo and, with marks, the Set-of-Mark overlay, as `run` sends them to the seer.
    static func seerImages(
        picture: Image, segmentation: PanopticSegmentation, table: AreaTable, marks: Bool, maxSide: Int
    ) throws -> [DialogueEngine.SeerAttachment] {
        var attachments = [DialogueEngine.SeerAttachment(try SeerImage.prepare(picture, maxSide: maxSide), purpose: "image")]
        if marks {
            let overlay = MarkOverlay.render(image: picture, idMap: segmentation.idMap, table: table)
            attachments.append(.init(try SeerImage.prepare(overlay, maxSide: maxSide), purpose: "marks"))
        }
        return attachments
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
