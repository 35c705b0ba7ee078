import Dialogue
import Foundation
import ModelClients
import Panoptic
import TestSupport

/// Shared fixtures: a small area table, the default prompts, and reply helpers.
enum Fixtures {
    /// The checked-in default prompt folder.
    static let promptsDirectory = TestData.packageRoot.appendingPathComponent("prompts/default").path

    static func prompts() throws -> PromptTemplates {
        try PromptTemplates(directory: promptsDirectory)
    }

    /// A 640x480 scene: a dog in the centre, a person on the left, grass and sky.
    static let table = AreaTable(width: 640, height: 480, rows: [
        row(1, 101, "grass", thing: false, area: 40.0, "lower half", x: 0, y: 240, w: 640, h: 240),
        row(2, 102, "sky", thing: false, area: 30.0, "top", x: 0, y: 0, w: 640, h: 150),
        row(3, 103, "dog", thing: true, area: 12.5, "centre", x: 240, y: 180, w: 160, h: 120),
        row(4, 104, "person", thing: true, area: 6.0, "left", x: 20, y: 120, w: 100, h: 300),
        row(5, 105, "frisbee", thing: true, area: 0.4, "upper right", x: 500, y: 60, w: 30, h: 20),
    ])

    static func row(
        _ number: Int, _ id: Int, _ label: String, thing: Bool, area: Double, _ location: String,
        x: Int, y: Int, w: Int, h: Int
    ) -> AreaTable.Row {
        AreaTable.Row(
            number: number, sourceID: id, label: label, isThing: thing, isCrowd: false, areaPercent: area,
            location: location, bbox: BoundingBox(x: x, y: y, width: w, height: h))
    }

    static func task(instruction: String? = "keep the dog") -> DialogueTask {
        DialogueTask(instruction: instruction, imageName: "park.jpg", imageWidth: 640, imageHeight: 480, table: table)
    }

    static func referee(
        instruction: String? = "keep the dog", rules: RefereeRules = RefereeRules(maxRounds: 4)
    ) throws -> Referee {
        Referee(task: task(instruction: instruction), rules: rules, prompts: try prompts())
    }

    static func ask(_ question: String) -> ModelReply {
        ModelReply(content: #"{"action": "ask", "question": "\#(question)"}"#)
    }

    static func decide(_ numbers: [Int], _ reason: String = "the dog is the subject") -> ModelReply {
        let list = numbers.map(String.init).joined(separator: ", ")
        return ModelReply(content: #"{"action": "decide", "foreground": [\#(list)], "reason": "\#(reason)"}"#)
    }
}

extension Referee.Action {
    var reasonerPrompt: ReasonerPrompt? {
        if case .askReasoner(let prompt) = self { return prompt }
        return nil
    }
    var seerPrompt: SeerPrompt? {
        if case .askSeer(let prompt) = self { return prompt }
        return nil
    }
    var outcome: DialogueOutcome? {
        if case .finish(let outcome) = self { return outcome }
        return nil
    }
}
