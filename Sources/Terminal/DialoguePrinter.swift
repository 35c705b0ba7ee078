import Dialogue

/// An observer that prints each event's lines through `write` (for example to standard output).
///
/// When `live`, replies are also shown as they stream: the first piece of a reply opens a line naming
/// the round and the speaker, reasoning pieces follow dimmed and content pieces plain, and the next
/// event ends that line before its own lines (the reasoner's parsed turn, the seer's answer).
public actor DialoguePrinter: DialogueObserver {
    public let renderer: DialogueTextRenderer
    private let live: Bool
    private let write: @Sendable (String) -> Void
    /// The round and role of the reply being streamed, while its line is open.
    private var streaming: (round: Int, role: DialogueEvent.Role)?

    /// - Parameter write: takes text exactly as it is to appear (lines end with a newline; live pieces do not).
    public init(renderer: DialogueTextRenderer, live: Bool = false, write: @escaping @Sendable (String) -> Void) {
        self.renderer = renderer
        self.live = live
        self.write = write
    }

    public func record(_ event: DialogueEvent) async {
        if event.kind == .streamDelta {
            guard live else { return }
            let continuing = streaming.map { $0.round == event.round && $0.role == event.role } ?? false
            if !continuing, streaming != nil { write("\n") }
            write(renderer.livePiece(for: event, opensLine: !continuing))
            streaming = (event.round, event.role)
            return
        }
        if streaming != nil {
            write("\n")
            streaming = nil
        }
        for line in renderer.lines(for: event) { write(line + "\n") }
    }
}
