import BlindsightCore
import Dialogue
import Transcripts

/// The events a recorded dialogue can be forked after (`replay --live-from K`): the turns `replay`
/// prints with their numbers (the referee's opening, the reasoner's turns, the seer's answers, the
/// user's notes, rejections and repairs) that come before the decision.
public enum ForkPoints {
    /// Kinds of printed events a fork may follow.
    static let kinds: Set<DialogueEvent.Kind> = [.reasonerTurn, .seerAnswer, .userNote, .rejection, .repair]

    /// The sequence numbers a fork may start after, ascending.
    public static func valid(in transcript: Transcript) -> [Int] {
        let end = transcript.events.first { [.decision, .fallback, .stopped].contains($0.kind) }?.sequence ?? Int.max
        return transcript.events.filter { event in
            event.sequence < end
                && (kinds.contains(event.kind)
                    || (event.kind == .refereeMessage && event.template == PromptTemplates.Name.opening.rawValue))
        }.map(\.sequence)
    }

    /// - Throws: ``ForkRefused`` when `sequence` is not one of ``valid(in:)``.
    public static func check(_ sequence: Int, in transcript: Transcript) throws(ForkRefused) {
        let valid = valid(in: transcript)
        guard !valid.contains(sequence) else { return }
        let decision = transcript.events.first { [.decision, .fallback].contains($0.kind) }?.sequence
        throw ForkRefused(sequence: sequence, valid: valid, decision: decision)
    }
}

/// `replay --live-from K` with a K that is not a fork point. Exit 2.
public struct ForkRefused: UserFacingError, Equatable {
    public let sequence: Int
    /// The event numbers that can be given.
    public let valid: [Int]
    /// The decision's event number, when the transcript has one.
    public let decision: Int?

    public var message: String {
        let why: String
        if let decision, sequence >= decision {
            why = "it is at or after the decision (#\(decision)), so there is nothing left to continue"
        } else {
            why = "no printed event of the dialogue before its decision has that number"
        }
        let choices = valid.isEmpty
            ? "this transcript has no event to fork after"
            : "choose one of " + valid.map { "#\($0)" }.joined(separator: ", ")
        return "cannot continue live from #\(sequence): \(why); \(choices) (the numbers replay prints)"
    }

    public var exitStatus: ExitStatus { .usage }
}
