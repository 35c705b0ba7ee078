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

/// Writes one line to standard error (unbuffered).
public enum StandardError {
    public static func write(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}
