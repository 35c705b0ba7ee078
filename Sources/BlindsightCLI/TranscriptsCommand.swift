import ArgumentParser
import Foundation
import Transcripts

/// `blindsight transcripts …`: browse saved transcripts.
struct TranscriptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcripts",
        abstract: "Browse saved dialogue transcripts.",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    /// `blindsight transcripts list [--dir D] [--limit N]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show recent transcripts: date, image, models, rounds, decision, outcome.",
            discussion: "Reads $XDG_DATA_HOME/blindsight/transcripts (default ~/.local/share/blindsight/transcripts).")

        @Option(name: .customLong("dir"), help: "The folder to list (default: the user transcript folder).")
        var directory: String?

        @Option(help: "Show at most this many, newest first.")
        var limit = 20

        func run() async throws {
            let folder = directory ?? TranscriptLocation.defaultDirectory()
            let listing = TranscriptSummary.list(directory: folder, limit: max(limit, 0))
            for problem in listing.problems { StandardError.write("blindsight: skipped \(problem)") }
            guard !listing.rows.isEmpty else {
                TerminalLine.print("no transcripts in \(folder)")
                return
            }
            let header = ["date (UTC)", "image", "reasoner / seer", "rounds", "decision", "outcome", "file"]
            let rows = listing.rows.map { row in
                [
                    Self.dateFormat.format(row.created), row.image, row.models, String(row.rounds), row.decision,
                    row.outcome, (row.path as NSString).lastPathComponent,
                ]
            }
            // Titles, instructions and labels come from files: one line each, control characters shown.
            print(TextTable.render([header] + rows.map { $0.map { TerminalLine.clean($0, keepNewlines: false) } }))
        }

        private static let dateFormat = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .current)
            .year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false)
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
