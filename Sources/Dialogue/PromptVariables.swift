import Panoptic

/// The variables the referee gives one template, read off its view model (``PromptViews``) by
/// reflection, so the list can never disagree with what is rendered.
public struct PromptVariables: Sendable, Hashable {
    /// The variable names at this level.
    public var names: Set<String>
    /// The variables of each list's items (`rows` → a row's fields).
    public var items: [String: PromptVariables]

    public init(names: Set<String> = [], items: [String: PromptVariables] = [:]) {
        self.names = names
        self.items = items
    }

    /// The variables of `viewModel`'s stored properties; an array's items are described by its first
    /// element.
    init(reflecting viewModel: Any) {
        self.init()
        for child in Mirror(reflecting: viewModel).children {
            guard let label = child.label else { continue }
            names.insert(label)
            let value = Mirror(reflecting: child.value)
            if value.displayStyle == .collection, let first = value.children.first {
                items[label] = PromptVariables(reflecting: first.value)
            }
        }
    }

    /// The variables the referee gives template `name`; nil for `last-round`, which the referee never
    /// renders itself (it is a partial of `answer`, `rejection`, `user-note`, `user-question` and
    /// `refinement`, and sees their variables).
    public static func given(to name: PromptTemplates.Name) -> PromptVariables? {
        PromptViews.sample(for: name).map(PromptVariables.init(reflecting:))
    }
}

extension PromptViews {
    /// A view model of the type the referee renders template `name` with (the values are placeholders;
    /// only the field names matter).
    static func sample(for name: PromptTemplates.Name) -> Any? {
        switch name {
        case .reasonerSystem: ReasonerSystem(questionBudget: 0, maxRounds: 0)
        case .opening:
            Opening(
                instruction: nil, fileName: "", width: 0, height: 0, segmentCount: 1, rows: [sampleRow],
                questionBudget: 0, maxRounds: 0, marks: false)
        case .answer:
            Answer(
                questionIndex: 0, questionBudget: 0, question: "", answer: "", nextRound: 0, maxRounds: 0,
                lastRound: false, validNumbers: "")
        case .rejection:
            Rejection(
                detail: "", malformed: false, duplicateQuestion: false, unknownSegments: false, emptyDecision: false,
                questionOnLastRound: false, earlierQuestion: nil, countedAgainstBudget: false, nextRound: 0,
                maxRounds: 0, lastRound: false, validNumbers: "")
        case .lastRound: nil
        case .seerSystem: SeerSystem(marks: false)
        case .seerQuestion: SeerQuestion(questionIndex: 0, questionBudget: 0, question: "", width: 0, height: 0)
        case .userNote: UserNote(note: "", nextRound: 0, maxRounds: 0, lastRound: false, validNumbers: "")
        case .userQuestion:
            UserQuestion(
                question: "", answer: "", decided: false, nextRound: 0, maxRounds: 0, lastRound: false, validNumbers: "")
        case .refinement:
            Refinement(instruction: "", kept: "", nextRound: 0, maxRounds: 0, lastRound: false, validNumbers: "")
        }
    }

    private static let sampleRow = Row(AreaTable.Row(
        number: 1, sourceID: 1, label: "", isThing: true, isCrowd: false, areaPercent: 0, location: "",
        bbox: BoundingBox(x: 0, y: 0, width: 1, height: 1)))
}
