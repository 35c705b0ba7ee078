import ArgumentParser
import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import ModelClients
import Panoptic
import Session
import Terminal
import Transcripts

/// `blindsight replay T.jsonl`: re-render a saved dialogue, recompose its cutout offline, re-run the
/// current referee against the recorded replies (`--rerun`), or fork it with live models (`--live-from K`).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a saved dialogue transcript; recompose its cutout offline, re-run or fork it.",
        discussion: """
            Each event is printed with its sequence number (#K), the number --live-from takes. \
            The image is found at the recorded path (as recorded, or relative to the transcript's folder) \
            or given with --image; its sha256 must match the transcript's (else exit 3). The segmentation \
            comes from --panoptic, else the sidecar files beside the image (photo.panoptic.png + \
            photo.panoptic.json), else the recorded source. \
            Any of --out, --mask, --preview, --marks-out recomposes the recorded decision; the cutout goes \
            to --out, else beside the photo (photo.cutout.png), as with run. --live-from K forks after a \
            printed event #K before the decision and writes what run would write. \
            No output may be an input (the transcript, the photo, the segmentation files) or another output.
            Exit codes: 0 success; 1 --rerun found a divergence (or a different decision); 2 usage; \
            3 bad input (unreadable or unsupported transcript, image mismatch); 4 model failure \
            (--live-from); 5 no decision to recompose.
            """)

    @Argument(help: "The transcript (.jsonl).")
    var transcript: String

    @Option(help: "Pace the replay by the recorded times divided by this factor (default: instant).")
    var speed: Double?

    @Flag(help: "Do not print the conversation.")
    var quiet = false

    @Option(help: "The image, when it is not at the recorded path.")
    var image: String?

    /// `--panoptic`, `--segments`, `--categories`: the segmentation, when not beside the image.
    @OptionGroup var source: PanopticOptions

    /// `--out`, `--mask`, `--preview`, `--marks-out` and the compositing options: recompose the
    /// recorded decision (with any of them), or where `--live-from` writes.
    @OptionGroup var outputs: OutputOptions

    @Flag(help: "Run the current referee again against the recorded replies; report where the requests differ.")
    var rerun = false

    @Option(help: "The prompt set for --rerun: a shipped or user set's name, or a folder (default: default).")
    var prompts: String?

    @Option(name: .customLong("live-from"), help: "Keep events up to #K (a number replay prints) and continue with live models into a new transcript.")
    var liveFrom: Int?

    /// With --live-from: the models to continue with (default: the recorded ones).
    @OptionGroup var models: ModelSelectionOptions

    /// With --live-from: where the new transcript goes.
    @OptionGroup var newTranscript: TranscriptOptions

    func validate() throws {
        if let speed, speed <= 0 { throw ValidationError("--speed must be greater than 0") }
        if rerun && liveFrom != nil { throw ValidationError("--rerun and --live-from cannot be combined") }
        let liveFlags = models.reasoner != nil || models.seer != nil || newTranscript.path != nil || newTranscript.disabled
        if liveFrom == nil && liveFlags { throw ValidationError("--reasoner, --seer and --transcript need --live-from K") }
    }

    func run() async throws {
        let recorded = try TranscriptReader.read(path: transcript)
        SessionPrinting.notes(recorded)
        if rerun {
            return try await ReplayRerun.run(
                recorded, imageOverride: image, choice: try source.choice(recorded: recorded.header.panoptic.source),
                prompts: prompts, quiet: quiet)
        }
        if let liveFrom {
            try ForkPoints.check(liveFrom, in: recorded)
            let scene = try await scene(recorded)
            let printer = SequencedPrinter(recorded.header)
            let session = DialogueRun(
                config: try BlindsightConfig.load(), models: models.choice, transcript: newTranscript.target,
                outputs: outputs.request(), observers: [printer],
                notify: SessionPrinting.notices(printer: printer, quiet: quiet))
            let result = try await Interrupts.cancellingOnInterrupt {
                try await session.fork(recorded, through: liveFrom, scene: scene)
            }
            return try result.check()
        }
        if !quiet {
            try await TranscriptPlayer.play(recorded.events, speed: speed, to: SequencedPrinter(recorded.header))
        }
        let request = outputs.request()
        guard request.namesAFile else { return }
        guard let decision = recorded.decision else { throw TranscriptError.noDecision(path: transcript) }
        let scene = try await scene(recorded)
        let plan = try OutputPlan.checked(request, scene: scene, inputs: [NamedFile("the transcript", transcript)])
        let written = try await Interrupts.cancellingOnInterrupt {
            try plan.write(keeping: KeepSet(sourceIDs: decision.sourceIDs))
        }
        SessionPrinting.written(written)
    }

    /// The recorded image and its segmentation, for recomposing or continuing; its notes printed.
    private func scene(_ recorded: Transcript) async throws -> Scene {
        let choice = try source.choice(recorded: recorded.header.panoptic.source)
        let scene = try await Scene.load(recordedIn: recorded, imageOverride: image, choice: choice)
        SessionPrinting.notes(scene)
        return scene
    }
}

/// Prints events as the live run does, each headed by its sequence number.
struct SequencedPrinter: DialogueObserver {
    let renderer: DialogueTextRenderer

    init(_ header: TranscriptHeader) {
        renderer = DialogueTextRenderer(
            colour: DialogueTextRenderer.colourSuitsStandardOutput(), table: header.panoptic.table)
    }

    func record(_ event: DialogueEvent) async {
        let lines = renderer.lines(for: event)
        guard let first = lines.first else { return }
        print("#\(event.sequence) " + first)
        for line in lines.dropFirst() { print(line) }
    }
}
