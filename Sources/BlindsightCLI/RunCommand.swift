import ArgumentParser
import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Session
import Terminal
import Transcripts

/// `blindsight run IMAGE`: one non-interactive dialogue, printed as it happens, ending in a cutout.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one dialogue between the reasoner and the seer and write the cutout.",
        discussion: """
            The cutout goes to --out, else beside the photo (photo.cutout.png); --mask, --preview and \
            --marks-out add files. No output may be an input (the photo, the id map, the segments JSON, \
            a background image, the transcript resumed) or another output (exit 2, nothing written). \
            Exit codes: 0 with a decision (the reasoner's or the baseline fallback), 2 usage, 3 bad input, \
            4 a model server failed, 5 no decision (with --no-fallback), 130 interrupted.
            """)

    @Argument(help: "The image (PNG or JPEG); optional with --resume (the recorded one).")
    var image: String?

    @Option(help: "What to keep, in your words (may be vague or left out).")
    var instruction: String?

    /// `--reasoner SPEC` (provider:model, or `baseline` for no model at all) and `--seer SPEC`.
    @OptionGroup var models: ModelSelectionOptions

    /// `--panoptic`, `--segments`, `--categories`.
    @OptionGroup var panoptic: PanopticOptions

    @Option(help: "Reasoner turns in all, the decision round included (the question budget is one less).")
    var maxRounds: Int = 5

    @Flag(inversion: .prefixedNo, help: "Also show the seer the Set-of-Mark overlay (segment numbers drawn on the image).")
    var marks = true

    @Flag(help: "Exit 5 with no cutout when the reasoner never decides, instead of applying the baseline policy.")
    var noFallback = false

    @Flag(inversion: .prefixedNo, help: "Show replies word by word as they stream (default: when standard output is a terminal).")
    var stream: Bool?

    @Option(help: "The prompt set: a shipped or user set's name (`blindsight prompts list`), or a folder (default: default).")
    var prompts: String?

    /// `--out`, `--mask`, `--preview`, `--marks-out` and the compositing options.
    @OptionGroup var outputs: OutputOptions

    /// `--transcript PATH` / `--no-transcript` (issue 6).
    @OptionGroup var transcript: TranscriptOptions

    @Option(help: ArgumentHelp(
        "Continue the interrupted session saved in this transcript, into a new transcript naming it.", valueName: "file"))
    var resume: String?

    func validate() throws {
        guard (1...Referee.largestRoundLimit).contains(maxRounds) else {
            throw ValidationError("--max-rounds must be between 1 and \(Referee.largestRoundLimit)")
        }
        if image == nil && resume == nil { throw ValidationError("give the IMAGE to cut out (or --resume T.jsonl)") }
    }

    func run() async throws {
        try await execute(chat: nil)
    }

    /// Runs the dialogue; with `chat`, the user is in it (``ChatFrontEnd``: the screen, the prompt,
    /// the pictures and a Ctrl-C that cancels one model call at a time).
    func execute(chat: ChatFrontEnd?) async throws {
        let config = try BlindsightConfig.load()
        if let resume {
            let parent = try TranscriptReader.read(path: resume)
            SessionPrinting.notes(parent)
            let choice = try panoptic.choice(recorded: parent.header.panoptic.source)
            let scene = try await Scene.load(recordedIn: parent, imageOverride: image, choice: choice)
            SessionPrinting.notes(scene)
            let printer = SequencedPrinter(parent.header)
            let front = try await chat?.open(
                scene, outputs: outputs.request(), roundLimit: parent.header.refereeRules.maxRounds,
                models: ChatFrontEnd.modelNames(models.choice, config: config, recorded: parent.header))
            let session = dialogue(config: config, chat: front, printer: printer)
            return try await run(front) { try await session.resume(parent, scene: scene) }
        }
        guard let image else { return }
        let scene = try await Scene.load(imagePath: image, choice: try panoptic.choice())
        SessionPrinting.notes(scene)
        let start = DialogueStart(
            scene: scene, instruction: instruction, maxRounds: maxRounds, marks: marks, allowFallback: !noFallback,
            prompts: try SessionPrompts.load(prompts))
        let colour = DialogueTextRenderer.colourSuitsStandardOutput()
        // Unbuffered, so live pieces show at once.
        let printer = DialoguePrinter(renderer: DialogueTextRenderer(colour: colour, table: scene.table), live: stream ?? colour) {
            FileHandle.standardOutput.write(Data($0.utf8))
        }
        let front = try await chat?.open(
            scene, outputs: outputs.request(), roundLimit: maxRounds,
            models: ChatFrontEnd.modelNames(models.choice, config: config, recorded: nil))
        let session = dialogue(config: config, chat: front, printer: printer)
        try await run(front) { try await session.start(start) }
    }

    /// Runs `dialogue` with Ctrl-C cancelling it (`run`) or one model call at a time (`chat`), and
    /// exits as its result says; a chat left before it was finished says how to resume it.
    private func run(
        _ front: ChatFrontEnd.Session?, _ dialogue: @escaping @Sendable () async throws -> DialogueRunResult
    ) async throws {
        guard let front else { return try await Interrupts.cancellingOnInterrupt(dialogue).check() }
        let result = try await front.run(dialogue)
        if result.outcome.stopReason == .cancelled || result.userLeft {
            await front.sayHowToResume(result.transcriptPath, outputs: outputs.request())
        }
        try result.check()
    }

    private func dialogue(
        config: BlindsightConfig, chat: ChatFrontEnd.Session?, printer: any DialogueObserver
    ) -> DialogueRun {
        DialogueRun(
            config: config, models: models.choice, transcript: transcript.target, outputs: outputs.request(),
            observers: [chat?.screen ?? printer], user: chat?.user, calls: chat?.calls,
            notify: SessionPrinting.notices(printer: chat?.screen ?? printer, quiet: false))
    }
}
