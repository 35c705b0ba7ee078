import ArgumentParser
import BlindsightCore
import ModelClients

/// `blindsight models`: the configured model servers.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Check the configured models.",
        subcommands: [ModelsCheckCommand.self]
    )
}

/// `blindsight models check [--reasoner SPEC] [--seer SPEC]`.
struct ModelsCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the reasoner and the seer are reachable and usable.",
        discussion: """
            One line per model: server reachable, model present, images accepted (seer), structured \
            output mode the server accepts, latency of a tiny request. Exit 4 if any check fails.
            """
    )

    @OptionGroup var models: ModelSelectionOptions

    func run() async throws {
        let config = try models.loadConfiguration()
        let results = try await Interrupts.cancellingOnInterrupt {
            [
                await ModelCheck.run(role: "reasoner", spec: config.reasoner.value, config: config),
                await ModelCheck.run(role: "seer", spec: config.seer.value, config: config),
            ]
        }
        for result in results { TerminalLine.print(result.line) }
        let failed = results.filter { !$0.passed }.count
        if failed > 0 { throw ModelCheckFailure(failed: failed, total: results.count) }
    }
}

/// Some model checks failed. Exit status 4.
struct ModelCheckFailure: UserFacingError {
    let failed: Int
    let total: Int
    var message: String { "\(failed) of \(total) model checks failed" }
    var exitStatus: ExitStatus { .serviceFailure }
}
