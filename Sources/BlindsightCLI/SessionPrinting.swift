import BlindsightCore
import Dialogue
import Foundation
import Session
import Transcripts

/// How the CLI shows what the session layer returns: scene notes and transcript notes on stderr,
/// session notices as they come, written files on stdout.
enum SessionPrinting {
    /// The scene's notes (a rescaled id map, unlisted ids), one `note:` line each on stderr.
    static func notes(_ scene: Scene) {
        for note in scene.notes { StandardError.write("blindsight: note: \(TerminalText.safe(note, keepNewlines: false))") }
    }

    /// What the transcript reader skipped, on stderr.
    static func notes(_ transcript: Transcript) {
        for note in transcript.notes {
            StandardError.write("blindsight: \(transcript.path): \(TerminalText.safe(note, keepNewlines: false))")
        }
    }

    /// The notice handler for a dialogue: the transcript's path on stdout, the kept events of a
    /// continued dialogue through `printer` (unless `quiet`), failures on stderr.
    static func notices(printer: any DialogueObserver, quiet: Bool) -> @Sendable (SessionNotice) async -> Void {
        { notice in
            switch notice {
            case .transcript(let path):
                FileHandle.standardOutput.write(Data("transcript: \(path)\n".utf8))
            case .continuing(let kept):
                if !quiet { try? await TranscriptPlayer.play(kept, speed: nil, to: printer) }
                StandardError.write("blindsight: continuing live after event #\(kept.last?.sequence ?? -1)")
            case .transcriptFailure(let message):
                StandardError.write("blindsight: \(message)")
            }
        }
    }

    /// "wrote cutout: PATH" for each file.
    static func written(_ outputs: WrittenOutputs) {
        for file in outputs.files { print("wrote \(file.purpose): \(file.path)") }
    }
}

extension ModelSelectionOptions {
    /// The flags as the session layer takes them.
    var choice: ModelChoice { ModelChoice(reasoner: reasoner, seer: seer) }
}
