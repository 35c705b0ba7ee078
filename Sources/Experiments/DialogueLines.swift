import Dialogue

/// A recorded dialogue as short readable lines for the report: who spoke, and what.
enum DialogueLines {
    static func lines(_ events: [DialogueEvent]) -> [[String: String]] {
        events.compactMap { event -> [String: String]? in
            func line(_ kind: String, _ who: String, _ text: String) -> [String: String] {
                ["kind": kind, "who": who, "text": text]
            }
            switch event.kind {
            case .reasonerTurn:
                guard let turn = event.turn else { return nil }
                switch turn.action {
                case "ask": return line("question", "round \(event.round) · reasoner asks:", turn.question ?? "")
                case "decide": return nil
                default: return line("rejection", "round \(event.round) · reasoner (unreadable):", turn.problem ?? event.content)
                }
            case .seerAnswer:
                return line("answer", "seer answers:", event.content)
            case .userNote:
                return line("note", "user:", event.content)
            case .rejection:
                return line("rejection", "referee rejects (\(event.rejection?.reason.rawValue ?? "turn")):", event.rejection?.detail ?? event.content)
            case .decision, .fallback:
                guard let decision = event.decision else { return nil }
                let who = event.kind == .fallback ? "baseline policy keeps" : "reasoner keeps"
                let numbers = decision.foreground.map { "#\($0)" }.joined(separator: ", ")
                return line("decision", "\(who) \(numbers.isEmpty ? "nothing" : numbers):", decision.reason)
            case .error:
                return line("rejection", "error:", event.error?.message ?? event.content)
            case .stopped:
                return line("stopped", "stopped:", event.stopReason?.rawValue ?? event.content)
            default:
                return nil
            }
        }
    }
}
