import BlindsightCore

/// Failures of the dialogue itself (backend errors that are already ``UserFacingError``s pass through).
public enum DialogueError: UserFacingError {
    /// A backend failed with an error that does not describe itself.
    case backend(role: DialogueEvent.Role, error: any Error)
    /// A backend's stream ended without its completion.
    case streamEndedEarly(role: DialogueEvent.Role, model: String)
    /// The referee asked for a role that has no backend configured.
    case missingBackend(role: DialogueEvent.Role)

    public var message: String {
        switch self {
        case .backend(let role, let error): "the \(role.rawValue) failed: \(error)"
        case .streamEndedEarly(let role, let model):
            "the \(role.rawValue) (\(model)) stopped replying before the answer was complete; check the server and retry"
        case .missingBackend(let role): "no \(role.rawValue) model is configured (give one with --\(role.rawValue))"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .backend, .streamEndedEarly: .serviceFailure
        case .missingBackend: .usage
        }
    }
}
