import ArgumentParser
import BlindsightCore
import Dialogue
import Foundation
import Imaging
import Panoptic
import Synchronization
import Terminal

/// What `chat` adds to a dialogue run: the screen, the user at the prompt, the pictures, and Ctrl-C
/// that cancels one model call at a time. Made by ``ChatCommand``, used by the run and resume paths.
struct ChatFrontEnd: Sendable {
    var showThinking: Bool
    var showPrompts: Bool
    var pictures: ScenePictures

    /// The scene the chat shows.
    struct Scene: Sendable {
        var picture: Image
        var segmentation: PanopticSegmentation
        var table: AreaTable
        /// The photo's path: `/save` never writes over it.
        var imagePath: String
        /// Where `/save` and acceptance write the cutout and the mask.
        var cutoutPath: String
        var maskPath: String?
    }

    /// The parts of a chat once its scene is loaded.
    struct Session: Sendable {
        let screen: ChatScreen
        let user: ChatUser
        let calls: CallCanceller
        /// The transcript, for the resume command (nil with `--no-transcript`).
        let transcriptPath: String?

        /// Runs the dialogue with chat Ctrl-C: once cancels the model call in flight (or, at the prompt,
        /// says how to leave); twice within a second leaves (the dialogue records the interruption).
        func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
            let task = Task { try await operation() }
            let lastPress = Mutex<Date?>(nil)
            let calls = calls
            let screen = screen
            let listener = InterruptListener {
                let now = Date()
                let quick = lastPress.withLock { last in
                    defer { last = now }
                    return last.map { now.timeIntervalSince($0) < 1 } ?? false
                }
                if quick {
                    task.cancel()
                } else if !calls.cancelCurrentCall() {
                    Task { await screen.hint("\n(Ctrl-C again within a second, Ctrl-D or /quit to leave)") }
                }
            }
            listener.start()
            defer {
                listener.stop()
                user.restoreTerminal()
            }
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        }

        /// Says how to continue the session, for a user who leaves before it is finished.
        func sayHowToResume() async {
            guard let transcriptPath else {
                await screen.hint("the session was not saved (--no-transcript), so it cannot be resumed")
                return
            }
            await screen.show("to continue: blindsight chat --resume \(Self.shellQuoted(transcriptPath))")
        }

        static func shellQuoted(_ path: String) -> String {
            path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:,@".contains($0) }
                ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }

    /// Opens the chat on `scene`: prints the area table and the numbered overlay, and prepares the
    /// user's prompt (commands, Tab completion of segment numbers, history).
    func open(
        _ scene: Scene, models: String, roundLimit: Int, transcriptPath: String?
    ) async -> Session {
        let terminal = TerminalSettings.standardOutput()
        let pictures = pictures
        let write: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
        let renderer = DialogueTextRenderer(colour: terminal.colour, table: scene.table)
        let screen = ChatScreen(
            settings: ChatScreen.Settings(
                terminal: terminal, showThinking: showThinking, showPrompts: showPrompts, models: models),
            renderer: renderer, roundLimit: roundLimit,
            preview: { decision in
                (try? pictures.cutout(keeping: decision.sourceIDs, picture: scene.picture, segmentation: scene.segmentation)) ?? ""
            },
            write: write)
        let tableText = TerminalText.safe(scene.table.renderText())
        let marks: @Sendable () -> String = {
            (try? pictures.marks(picture: scene.picture, segmentation: scene.segmentation, table: scene.table)) ?? ""
        }
        let local = ChatLocalCommands(
            table: { tableText },
            marks: {
                let drawn = marks()
                return drawn.isEmpty ? "pictures are off (--images none, or not a terminal); use /table" : drawn
            },
            save: { decision, path in Self.save(decision, scene: scene, to: path) })
        let reader = LineReader(completions: scene.table.rows.map { String($0.number) })
        await screen.show(marks())
        await screen.show(tableText)
        await screen.hint("Enter: go on · text: a note for the reasoner · /ask Q: ask the seer · /help")
        return Session(
            screen: screen, user: ChatUser(reader: reader, screen: screen, local: local), calls: CallCanceller(),
            transcriptPath: transcriptPath)
    }

    /// `/save [PATH]`: the cutout (and mask) of the current decision, written now.
    private static func save(_ decision: Decision, scene: Scene, to path: String?) -> String {
        do {
            try OutputNaming.checkDistinct(input: scene.imagePath, outputs: [path ?? scene.cutoutPath])
            let files = try CutoutWriter.write(
                decision: decision, segmentation: scene.segmentation, image: scene.picture,
                cutoutPath: path ?? scene.cutoutPath, maskPath: path == nil ? scene.maskPath : nil)
            return files.map { "wrote \($0.purpose): \(TerminalText.safe($0.path))" }.joined(separator: "\n")
        } catch {
            let message = (error as? any UserFacingError)?.message ?? (error as? ValidationError)?.message ?? "\(error)"
            return "error: " + TerminalText.safe(message, keepNewlines: false)
        }
    }
}
