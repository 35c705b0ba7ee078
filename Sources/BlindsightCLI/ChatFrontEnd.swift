import ArgumentParser
import BlindsightCore
import Compositor
import Dialogue
import Foundation
import Imaging
import ModelClients
import Panoptic
import Session
import Synchronization
import Terminal
import Transcripts

/// What `chat` adds to a dialogue run: the screen, the user at the prompt, the pictures, and Ctrl-C
/// that cancels one model call at a time. Made by ``ChatCommand``, used by `run`'s start and resume paths.
struct ChatFrontEnd: Sendable {
    var showThinking: Bool
    var showPrompts: Bool
    var pictures: ScenePictures
    /// `--stream` / `--no-stream` (nil: live on a terminal).
    var stream: Bool? = nil

    /// The parts of a chat once its scene is loaded.
    struct Session: Sendable {
        let screen: ChatScreen
        let user: ChatUser
        let calls: CallCanceller

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

        /// Says how to continue the session, for a user who leaves before it is finished: the command,
        /// with the output paths this one was given.
        func sayHowToResume(_ transcriptPath: String?, outputs: OutputRequest) async {
            guard let transcriptPath else {
                await screen.hint("the session was not saved (--no-transcript), so it cannot be resumed")
                return
            }
            let flags = [("--out", outputs.cutout), ("--mask", outputs.mask), ("--preview", outputs.preview),
                         ("--marks-out", outputs.marks)]
                .compactMap { flag, path in path.map { " \(flag) \(Self.shellQuoted($0))" } }.joined()
            await screen.show("to continue: blindsight chat --resume \(Self.shellQuoted(transcriptPath))" + flags)
        }

        static func shellQuoted(_ path: String) -> String {
            path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:,@".contains($0) }
                ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }

    /// "reasoner qwen3:8b · seer gemma3:12b" for the status line: the flags, else the recorded models
    /// (a resumed chat), else the configuration's.
    static func modelNames(_ choice: ModelChoice, config: BlindsightConfig, recorded: TranscriptHeader?) -> String {
        func name(_ flag: String?, role: String, configured: ModelSpec) -> String {
            if let flag { return (try? ModelSpec(parsing: flag).model) ?? flag }
            return recorded?.model(role: role)?.model ?? configured.model
        }
        let reasoner = name(choice.reasoner, role: "reasoner", configured: config.reasoner.value)
        // The baseline policy asks no model, so no seer either.
        guard reasoner != ModelSpec.baselineProvider else { return "reasoner baseline · no seer" }
        return "reasoner \(reasoner) · seer \(name(choice.seer, role: "seer", configured: config.seer.value))"
    }

    /// Opens the chat on `scene`: draws the numbered overlay, prints the area table, and prepares the
    /// user's prompt (commands, Tab completion of segment numbers, history). `outputs` is what
    /// acceptance writes; `/save` writes it too.
    func open(_ scene: Scene, outputs: OutputRequest, roundLimit: Int, models: String) async throws -> Session {
        let terminal = TerminalSettings.standardOutput()
        let picture = try scene.image()
        let pictures = pictures
        let screen = ChatScreen(
            settings: ChatScreen.Settings(
                terminal: terminal, showThinking: showThinking, showPrompts: showPrompts, models: models, live: stream),
            renderer: DialogueTextRenderer(colour: terminal.colour, table: scene.table), roundLimit: roundLimit,
            preview: { decision in
                (try? pictures.cutout(keeping: decision.sourceIDs, picture: picture, segmentation: scene.segmentation)) ?? ""
            },
            write: { FileHandle.standardOutput.write(Data($0.utf8)) })
        let tableText = TerminalLine.clean(scene.table.renderText())
        let overlay = try pictures.marks(picture: picture, segmentation: scene.segmentation, table: scene.table)
        let local = ChatLocalCommands(
            table: { tableText },
            marks: { overlay.isEmpty ? "pictures are off (--images none, or not a terminal); /table lists the segments" : overlay },
            save: { decision, path in Self.save(decision, scene: scene, outputs: outputs, to: path) })
        let reader = LineReader(completions: scene.table.rows.map { String($0.number) })
        await screen.show(overlay)
        await screen.show(tableText)
        await screen.hint("Enter: go on · text: a note for the reasoner · /ask Q: ask the seer · /help")
        return Session(screen: screen, user: ChatUser(reader: reader, screen: screen, local: local), calls: CallCanceller())
    }

    /// `/save [PATH]`: the outputs of the current decision, written now (to PATH: the cutout only),
    /// through the same guarded path as acceptance.
    private static func save(_ decision: Decision, scene: Scene, outputs: OutputRequest, to path: String?) -> String {
        do {
            let request = path.map { OutputRequest(cutout: $0, options: outputs.options, effort: outputs.effort) } ?? outputs
            let written = try OutputPlan.checked(request, scene: scene).write(keeping: KeepSet(sourceIDs: decision.sourceIDs))
            return written.files.map { "wrote \($0.purpose): \(TerminalLine.clean($0.path))" }.joined(separator: "\n")
        } catch {
            let message = (error as? any UserFacingError)?.message ?? "\(error)"
            return "error: " + TerminalLine.clean(message, keepNewlines: false)
        }
    }
}
