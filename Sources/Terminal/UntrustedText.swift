import BlindsightCore

/// Text Blindsight does not control (model replies, labels, file names, transcripts) on its way to the
/// terminal: known secrets redacted (a model may echo a key), then control characters shown, not
/// obeyed (``TerminalText/safe(_:keepNewlines:)``). Everything the Terminal module prints from such
/// sources passes here.
enum UntrustedText {
    static func shown(_ text: String, keepNewlines: Bool = true) -> String {
        TerminalText.safe(KnownSecrets.current.redact(text), keepNewlines: keepNewlines)
    }
}
