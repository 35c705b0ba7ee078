import ArgumentParser
import BlindsightCore
import Foundation

/// Runs the command line and returns the process exit status.
///
/// This is the one place where errors become exit statuses: usage errors exit 2 (argument-parser's
/// default is 64), ``UserFacingError``s print one line and exit with their own status, cancellation
/// exits 130. Kept apart from `main` so tests can drive it.
public enum BlindsightMain {
    public static func run(arguments: [String]) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try Blindsight.parseAsRoot(arguments)
        } catch {
            let status = Blindsight.exitCode(for: error)
            if status == .success {
                print(Blindsight.fullMessage(for: error))
                return 0
            }
            StandardError.write(Blindsight.fullMessage(for: error))
            return ExitStatus.usage.rawValue
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            return ExitStatus.success.rawValue
        } catch let error as any UserFacingError {
            StandardError.write("blindsight: \(error.message)")
            return error.exitStatus.rawValue
        } catch is CancellationError {
            StandardError.write("blindsight: interrupted")
            return ExitStatus.interrupted.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let status = Blindsight.exitCode(for: error)
            if status == .success {
                // `--help` on a subcommand arrives here as a clean exit from `run()`: print it.
                print(Blindsight.fullMessage(for: error))
                return 0
            }
            StandardError.write(Blindsight.fullMessage(for: error))
            return error is ValidationError ? ExitStatus.usage.rawValue : status.rawValue
        }
    }
}

/// Writes one line to standard error (unbuffered), as every terminal line must go: with the known
/// secrets redacted and control characters neutralised (``TerminalText/safe(_:keepNewlines:)``), since
/// errors quote server text, labels and file names.
public enum StandardError {
    public static func write(_ line: String) {
        let text = TerminalLine.clean(line)
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// The gate for text Blindsight does not control on its way to a terminal: known secrets redacted,
/// then control characters neutralised.
public enum TerminalLine {
    /// `text` ready for a terminal: secrets redacted, control characters shown, not obeyed.
    public static func clean(_ text: String, keepNewlines: Bool = true) -> String {
        TerminalText.safe(KnownSecrets.current.redact(text), keepNewlines: keepNewlines)
    }

    /// Prints `text` to standard output, cleaned, followed by a line feed.
    public static func print(_ text: String, terminator: String = "\n") {
        Swift.print(clean(text), terminator: terminator)
    }

    /// JSON text ready for a terminal without changing what it means: the characters
    /// ``TerminalText/safe(_:keepNewlines:)`` would replace (DEL, C1 controls, bidirectional overrides;
    /// encoders already escape C0 controls) are written as `\uXXXX` escapes, which is valid since they
    /// can only occur inside JSON strings. Secrets are redacted.
    public static func json(_ text: String) -> String {
        let redacted = KnownSecrets.current.redact(text)
        guard !TerminalText.isSafe(redacted) else { return redacted }
        var result = ""
        for scalar in redacted.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || TerminalText.isSafe(String(scalar)) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u" + String(format: "%04X", scalar.value)
            }
        }
        return result
    }
}
