import ArgumentParser
import Foundation

/// Names of output files written beside an input, and the guard that none overwrites the input.
enum OutputNaming {
    /// `photo.jpg` → `photo.<suffix>` in the same folder.
    static func beside(_ input: String, suffix: String) -> String {
        (input as NSString).deletingPathExtension + "." + suffix
    }

    /// Refuses (usage error) output paths that are the input file or that repeat one another.
    static func checkDistinct(input: String, outputs: [String]) throws {
        let inputKey = key(input)
        var seen = Set<String>()
        for output in outputs {
            let outputKey = key(output)
            if outputKey == inputKey { throw ValidationError("refusing to overwrite the input \(input) with an output") }
            if !seen.insert(outputKey).inserted { throw ValidationError("two outputs would both be written to \(output)") }
        }
    }

    /// The absolute path with symbolic links resolved, for comparison.
    private static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
