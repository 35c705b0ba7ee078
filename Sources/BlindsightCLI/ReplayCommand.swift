import ArgumentParser
import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import Panoptic
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
            photo.panoptic.json), else the recorded source.
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

    @OptionGroup var outputs: ReplayOutputOptions

    @Flag(help: "Run the current referee again against the recorded replies; report where the requests differ.")
    var rerun = false

    @Option(help: "Prompt template folder for --rerun (default: prompts/default).")
    var prompts: String?

    @Option(name: .customLong("live-from"), help: "Keep events up to #K and continue with live models into a new transcript.")
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
        for note in recorded.notes { StandardError.write("blindsight: \(transcript): \(note)") }
        if rerun {
            return try await ReplayRerun.run(
                recorded, imageOverride: image, panoptic: source.panoptic, segments: source.segments,
                categories: source.categories, prompts: prompts, quiet: quiet)
        }
        if let liveFrom {
            return try await LiveContinuation.fork(
                recorded, through: liveFrom, session: try await session(recorded), models: models, transcript: newTranscript,
                outputs: outputs.request, quiet: quiet)
        }
        if !quiet {
            try await TranscriptPlayer.play(recorded.events, speed: speed, to: SequencedPrinter(recorded.header))
        }
        guard outputs.any else { return }
        guard let decision = recorded.decision else { throw TranscriptError.noDecision(path: transcript) }
        for file in try await session(recorded).writeOutputs(decision, outputs.request, defaultCutout: nil) {
            print("wrote \(file.purpose): \(file.path)")
        }
    }

    /// The recorded image and its segmentation, for recomposing or continuing.
    private func session(_ recorded: Transcript) async throws -> ReplaySession {
        try await ReplaySession(
            recorded, imageOverride: image, panoptic: source.panoptic, segments: source.segments,
            categories: source.categories)
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

/// Where replay gets the segmentation: `--panoptic`, else the sidecar files beside the image, else
/// the source the transcript recorded.
enum ReplaySegmentation {
    static func source(
        for transcript: Transcript, imagePath: String, panoptic: String?, segments: String?, categories: CategorySet?
    ) throws -> any PanopticSource {
        if panoptic == nil, segments == nil, FilePanopticSource.sidecar(forImageAt: imagePath) == nil {
            let recorded = transcript.header.panoptic.source
            let candidates = [recorded, ((imagePath as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent((recorded as NSString).lastPathComponent)]
            if recorded.hasPrefix("http://") || recorded.hasPrefix("https://") {
                return try PanopticSourceResolver.resolve(
                    panoptic: recorded, segments: nil, imagePath: imagePath, categories: categories)
            }
            if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                return try PanopticSourceResolver.resolve(
                    panoptic: found, segments: nil, imagePath: imagePath, categories: categories)
            }
        }
        return try PanopticSourceResolver.resolve(
            panoptic: panoptic, segments: segments, imagePath: imagePath, categories: categories)
    }
}
