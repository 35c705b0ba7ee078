import ArgumentParser
import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import ModelClients
import Panoptic
import Terminal
import Transcripts

/// `blindsight run IMAGE`: one non-interactive dialogue, printed as it happens, ending in a cutout.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one dialogue between the reasoner and the seer and write the cutout.",
        discussion: """
            Exit codes: 0 with a decision (the reasoner's or the baseline fallback), 2 usage, 3 bad input, \
            4 a model server failed, 5 no decision (with --no-fallback), 130 interrupted.
            """)

    @Argument(help: "The image (PNG or JPEG); optional with --resume (the recorded one).")
    var image: String?

    @Option(help: "What to keep, in your words (may be vague or left out).")
    var instruction: String?

    /// `--reasoner SPEC` (provider:model, or `baseline` for no model at all) and `--seer SPEC`.
    @OptionGroup var models: ModelSelectionOptions

    @Option(help: "The segmentation: an id map PNG or a panoptic service URL (default: IMAGE's sidecar files).")
    var panoptic: String?

    @Option(help: "The segments JSON for --panoptic FILE.png (default: beside the map).")
    var segments: String?

    @Option(help: "Reasoner turns in all, the decision round included (the question budget is one less).")
    var maxRounds: Int = 5

    @Flag(inversion: .prefixedNo, help: "Also show the seer the Set-of-Mark overlay (segment numbers drawn on the image).")
    var marks = true

    @Flag(help: "Exit 5 with no cutout when the reasoner never decides, instead of applying the baseline policy.")
    var noFallback = false

    @Flag(inversion: .prefixedNo, help: "Show replies word by word as they stream (default: when standard output is a terminal).")
    var stream: Bool?

    @Option(help: "The prompt template folder (default: prompts/default).")
    var prompts: String?

    @Option(help: "Where to write the cutout PNG (default: IMAGE-NAME.cutout.png in the current folder).")
    var out: String?

    @Option(help: "Where to write the mask PNG (default: IMAGE-NAME.mask.png in the current folder).")
    var mask: String?

    /// `--transcript PATH` / `--no-transcript` (issue 6).
    @OptionGroup var transcript: TranscriptOptions

    @Option(help: ArgumentHelp(
        "Continue the interrupted session saved in this transcript, into a new transcript naming it.", valueName: "file"))
    var resume: String?

    func validate() throws {
        guard (1...50).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 50") }
        if image == nil && resume == nil { throw ValidationError("give the IMAGE to cut out (or --resume T.jsonl)") }
    }

    func run() async throws {
        try await execute(chat: nil)
    }

    /// Runs the dialogue; with `chat`, the user is in it (``ChatFrontEnd``).
    func execute(chat: ChatFrontEnd?) async throws {
        if let resume { return try await resumeSession(resume, chat: chat) }
        guard let image else { return }
        let config = try models.loadConfiguration()
        let reasonerSpec = config.reasoner.value
        let seerSpec = config.seer.value
        let usesModels = reasonerSpec.provider != ModelSpec.baselineProvider
        let templates = try PromptTemplates(directory: try promptsDirectory())

        let imageBytes = try readBytes(image)
        let picture = try ImageDecoder.decode(imageBytes, name: image)
        let source = try PanopticSourceResolver.resolve(panoptic: panoptic, segments: segments, imagePath: image)
        let segmentation = try await source.segmentation(forImageAt: image, image: picture, imageBytes: imageBytes)
        let table = AreaTable(segmentation: segmentation)

        let rules = RefereeRules(
            maxRounds: maxRounds, allowFallback: !noFallback, marks: marks,
            structuredOutput: config.settings(for: reasonerSpec).structuredOutput
                ?? RefereeRules.structuredOutputByDefault(model: reasonerSpec.model))
        let task = DialogueTask(
            instruction: instruction, imageName: (image as NSString).lastPathComponent, imageWidth: picture.width,
            imageHeight: picture.height, table: table)
        let referee = Referee(task: task, rules: rules, prompts: templates)

        let seerImages = usesModels
            ? try SeerAttachments.make(
                picture: picture, segmentation: segmentation, table: table, marks: marks,
                maxSide: config.seerImageMaxSide.value)
            : []
        let reasonerBackend = usesModels ? try BackendFactory.makeBackend(for: reasonerSpec, config: config) : nil
        let seerBackend = usesModels ? try BackendFactory.makeBackend(for: seerSpec, config: config) : nil
        let writer = try transcript.openWriter(for: TranscriptRecording.header(
            imagePath: image, imageBytes: imageBytes, width: picture.width, height: picture.height,
            panopticSource: source, segmentation: segmentation, table: table,
            models: [
                TranscriptRecording.model(role: .reasoner, backend: reasonerBackend, spec: reasonerSpec, config: config),
                TranscriptRecording.model(role: .seer, backend: seerBackend, spec: seerSpec, config: config),
            ],
            prompts: templates, rules: rules, instruction: instruction, seerImageMaxSide: config.seerImageMaxSide.value))
        defer { writer?.close() }
        let stem = ((image as NSString).lastPathComponent as NSString).deletingPathExtension
        let cutoutPath = out ?? "\(stem).cutout.png"
        let maskPath = mask ?? "\(stem).mask.png"
        let session = await chat?.open(
            ChatFrontEnd.Scene(
                picture: picture, segmentation: segmentation, table: table, imagePath: image, cutoutPath: cutoutPath,
                maskPath: maskPath),
            models: "reasoner \(reasonerSpec.model) · seer \(seerSpec.model)", roundLimit: maxRounds, transcriptPath: writer?.path)
        let engine = DialogueEngine(
            reasoner: reasonerBackend, seer: seerBackend, seerImages: seerImages,
            observers: session.map { [$0.screen] + (writer.map { [$0] } ?? []) }
                ?? assembleObservers(table: table, writer: writer),
            user: session?.user, calls: session?.calls)

        let dialogue: @Sendable () async throws -> DialogueEngine.Result = { try await engine.run(referee) }
        var result: DialogueEngine.Result
        if let session {
            result = try await session.run(dialogue)
        } else {
            result = try await Interrupts.cancellingOnInterrupt(dialogue)
        }
        let outcome = result.outcome
        if let failure = result.failure { throw failure }
        if outcome.stopReason == .cancelled || result.userLeft {
            await session?.sayHowToResume()
            throw InterruptedError()
        }
        guard let decision = outcome.decision else { throw NoDecisionError(stopReason: outcome.stopReason) }
        let files = try CutoutWriter.write(
            decision: decision, segmentation: segmentation, image: picture, cutoutPath: cutoutPath, maskPath: maskPath)
        await engine.recordOutputs(files, after: &result)
        try TranscriptRecording.finish(writer)
    }

    /// Everyone who receives the run's events. Add transcript writers and metrics here.
    private func assembleObservers(table: AreaTable, writer: TranscriptWriter?) -> [any DialogueObserver] {
        let terminal = DialogueTextRenderer.colourSuitsStandardOutput()
        let renderer = DialogueTextRenderer(colour: terminal, table: table)
        // Unbuffered, so live pieces show at once.
        let printer = DialoguePrinter(renderer: renderer, live: stream ?? terminal) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        return [printer] + (writer.map { [$0] } ?? [])
    }

    /// `--resume T.jsonl`: the recorded image (or IMAGE), segmentation and prompts; the recorded models
    /// unless --reasoner/--seer say otherwise; a new transcript naming the old one.
    private func resumeSession(_ path: String, chat: ChatFrontEnd?) async throws {
        let parent = try TranscriptReader.read(path: path)
        for note in parent.notes { StandardError.write("blindsight: \(path): \(note)") }
        let session = try await ReplaySession(parent, imageOverride: image, panoptic: panoptic, segments: segments)
        try await LiveContinuation.resume(
            parent, session: session, models: models, transcript: transcript,
            outputs: OutputRequest(cutout: out, mask: mask), chat: chat)
    }

    private func promptsDirectory() throws -> String {
        if let prompts { return prompts }
        guard let found = PromptTemplates.defaultDirectory() else {
            throw PromptError(message: "no prompts/default folder found in the current folder or beside the program; give --prompts DIR")
        }
        return found
    }

    private func readBytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageError(.readFailed, file: path, detail: "no such file, or not readable")
        }
        return [UInt8](data)
    }
}

/// The dialogue ended without a decision the user allowed.
struct NoDecisionError: UserFacingError {
    var stopReason: StopReason
    var message: String {
        "the dialogue ended without a decision (\(stopReason.rawValue)); no cutout was written (drop --no-fallback to apply the baseline policy)"
    }
    var exitStatus: ExitStatus { .noDecision }
}
