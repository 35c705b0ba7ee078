import Dialogue
import Foundation
import Transcripts

/// The one place prompt template sets are loaded, for every command and the experiment runner.
public enum SessionPrompts {
    /// The set named by `--prompts` (a folder), or the default set when `option` is nil.
    /// - Throws: ``PromptError`` (exit 3) when no set is found or a template does not parse.
    public static func load(_ option: String?) throws -> PromptTemplates {
        if let option { return try PromptTemplates(directory: option) }
        guard let found = PromptTemplates.defaultDirectory() else {
            throw PromptError(message: "no prompts/default folder found in the current folder or beside the program; give --prompts DIR")
        }
        return try PromptTemplates(directory: found)
    }

    /// The templates a transcript recorded, rebuilt in memory (nothing is written anywhere), so a
    /// continued dialogue speaks exactly as it began.
    public static func recorded(in transcript: Transcript) throws -> PromptTemplates {
        try PromptTemplates(
            records: transcript.header.prompts.map { PromptTemplates.Record(name: $0.name, text: $0.text) },
            origin: transcript.path)
    }
}
