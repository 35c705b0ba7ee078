import ArgumentParser
import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Panoptic
import Session

/// `blindsight prompts render IMAGE`: what the reasoner and the seer would receive in round 1,
/// produced by the referee (``PromptPreview``), with no model call.
struct RenderPrompts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print what the reasoner and the seer would receive in round 1 (no model is called).",
        discussion: """
            The reasoner's system and opening messages, then the seer's system message and a sample \
            question as the referee would wrap it. The seer also receives the photo (and, with marks, the \
            Set-of-Mark overlay); those are named, not printed.
            """)

    @Argument(help: "The image (PNG or JPEG).")
    var image: String

    @Option(help: "The prompt set: a shipped or user set's name (`blindsight prompts list`), or a folder (default: default).")
    var prompts: String?

    @OptionGroup var panoptic: PanopticOptions

    @Option(help: "What to keep, in your words.")
    var instruction: String?

    @Option(help: "Reasoner turns in all, the decision round included.")
    var maxRounds: Int = 5

    @Flag(inversion: .prefixedNo, help: "Render as if the seer is shown the Set-of-Mark overlay.")
    var marks = true

    @Option(help: "The sample question the seer's request wraps.")
    var question: String = PromptPreview.defaultSampleQuestion

    func validate() throws {
        guard (1...Referee.largestRoundLimit).contains(maxRounds) else {
            throw ValidationError("--max-rounds must be between 1 and \(Referee.largestRoundLimit)")
        }
    }

    func run() async throws {
        let templates = try SessionPrompts.load(prompts)
        let scene = try await Scene.load(imagePath: image, choice: try panoptic.choice(), decodingPhoto: false)
        SessionPrinting.notes(scene)
        let preview = PromptPreview(
            task: scene.task(instruction: instruction), rules: RefereeRules(maxRounds: maxRounds, marks: marks),
            prompts: templates, sampleQuestion: question)
        print(TerminalText.safe("prompts: \(templates.directory)"))
        printMessages(preview.reasoner, to: "reasoner")
        guard let seer = preview.seer else {
            return print("(no seer request: with --max-rounds 1 the reasoner can only decide)")
        }
        printMessages(seer, to: "seer", images: marks ? "the photo and the Set-of-Mark overlay" : "the photo")
    }

    private func printMessages(_ messages: [ChatMessage], to role: String, images: String? = nil) {
        for message in messages {
            let attached = message.role == .user ? images.map { ", with \($0)" } ?? "" : ""
            print("\n=== \(role), \(message.role.rawValue) message\(attached) ===")
            print(TerminalText.safe(message.content))
        }
    }
}
