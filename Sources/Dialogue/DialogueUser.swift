import Foundation
import Synchronization

/// The person at the terminal in a chat: asked before each reasoner turn and when a decision is
/// reached. What they answer becomes a referee transition (see `Referee+User.swift`).
public protocol DialogueUser: Sendable {
    /// What the user wants at `moment`.
    func turn(_ moment: UserMoment) async -> UserTurn
    /// The referee refused the user's last command (`message` says why, in one line); the user is
    /// asked again.
    func refused(_ message: String) async
}

/// When the user is asked.
public enum UserMoment: Sendable, Hashable {
    /// The reasoner's turn in `round` (of `roundLimit`) is next.
    case beforeTurn(round: Int, roundLimit: Int)
    /// The dialogue reached this decision (edits included); `canUndo` when an edit can be reverted.
    case decided(Decision, canUndo: Bool)
}

/// What the user does.
public enum UserTurn: Sendable, Hashable {
    /// Before a turn: let the reasoner take it. At a decision: accept it.
    case goOn
    /// Before a turn: tell the reasoner this first (``Referee/userSaid(_:)``). At a decision: a
    /// refinement (``Referee/refine(_:)``).
    case note(String)
    /// Ask the seer directly (``Referee/userAsked(_:)``).
    case ask(String)
    /// Ask the reasoner to decide at this turn (``Referee/decideNow()``).
    case decideNow
    /// Set the round limit (``Referee/setRoundLimit(_:)``).
    case rounds(Int)
    /// Add segments to the decision, by display number.
    case keep([Int])
    /// Remove segments from the decision, by display number.
    case drop([Int])
    /// Revert the last edit.
    case undo
    /// End the dialogue: before a decision as interrupted (resumable), at a decision without accepting it.
    case stop

    /// Whether the reasoner takes its turn right after this answer (otherwise the user is asked again).
    public var endsThePrompt: Bool {
        switch self {
        case .goOn, .note, .decideNow, .stop: true
        case .ask, .rounds, .keep, .drop, .undo: false
        }
    }

    /// The command as recorded in a `decisionEdited` event: "keep 4 7", "drop 5", "undo".
    public var summary: String {
        switch self {
        case .keep(let numbers): "keep " + numbers.map(String.init).joined(separator: " ")
        case .drop(let numbers): "drop " + numbers.map(String.init).joined(separator: " ")
        case .undo: "undo"
        case .goOn: "go on"
        case .note(let text), .ask(let text): text
        case .decideNow: "decide"
        case .rounds(let limit): "rounds \(limit)"
        case .stop: "quit"
        }
    }
}

/// Cancels the model call in flight without ending the dialogue (a chat's first Ctrl-C).
public final class CallCanceller: Sendable {
    private let current = Mutex<Task<(Swift.Result<ModelReply, any Error>, Int), Never>?>(nil)

    public init() {}

    /// Cancels the call in flight; false when no call is in flight.
    @discardableResult
    public func cancelCurrentCall() -> Bool {
        guard let task = current.withLock({ $0 }) else { return false }
        task.cancel()
        return true
    }

    func began(_ task: Task<(Swift.Result<ModelReply, any Error>, Int), Never>) {
        current.withLock { $0 = task }
    }

    func ended() {
        current.withLock { $0 = nil }
    }
}

/// A model call cancelled on its own, with what had arrived.
struct CutReply: Error {
    var partial: ModelReply
}
