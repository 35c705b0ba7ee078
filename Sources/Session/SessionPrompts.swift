import Dialogue
import Foundation
import Transcripts

/// The one place prompt template sets are loaded, for every command and the experiment runner.
public enum SessionPrompts {
    /// The set named by `--prompts` (a shipped set's name, a user set's name or a folder; see
    /// ``PromptSets/resolve(_:environment:)``), or the shipped default set when `option` is nil.
    /// - Throws: ``PromptError`` (exit 3) when no set is found or a template does not parse.
    public static func load(_ option: String?) throws -> PromptTemplates {
        try PromptSets.resolve(option)
    }

    /// The templates a transcript recorded, rebuilt in memory (nothing is written anywhere), so a
    /// continued dialogue speaks exactly as it began.
    public static func recorded(in transcript: Transcript) throws -> PromptTemplates {
        try PromptTemplates(
            records: transcript.header.prompts.map { PromptTemplates.Record(name: $0.name, text: $0.text) },
            origin: transcript.path)
    }
}
