import ArgumentParser
import BlindsightCore
import Experiments
import Foundation

/// `blindsight experiment compare A B`: paired per-image ΔIoU between two folders or two configurations.
struct ExperimentCompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two experiment folders, or two configurations within one (--in DIR), image by image.",
        discussion: """
            Exit codes: 0 compared; 1 with --fail-on-regression when B is worse than A with the whole 95 % \
            interval of ΔIoU below zero; 2 usage; 3 bad input.
            """)

    @Argument(help: "Folder A (or, with --in, configuration A: its key or a unique part of it).")
    var a: String

    @Argument(help: "Folder B (or, with --in, configuration B).")
    var b: String

    @Option(name: .customLong("in"), help: "Compare two configurations of this one folder.")
    var folder: String?

    @Option(help: "How many of the most changed images to list.")
    var top: Int = 5

    @Flag(help: "Exit 1 when B is worse with the interval below zero (for CI).")
    var failOnRegression = false

    func run() async throws {
        let pairs: [ComparisonPair]
        if let folder {
            let (rows, plan) = try Self.load(folder)
            let configA = try ComparisonPlanner.configuration(named: a, in: rows)
            let configB = try ComparisonPlanner.configuration(named: b, in: rows)
            pairs = [ComparisonPair(
                a: configA, rowsA: rows.filter { $0.configuration == configA }, b: configB,
                rowsB: rows.filter { $0.configuration == configB }, seed: plan.seed, top: top)]
        } else {
            let (rowsA, plan) = try Self.load(a)
            let (rowsB, _) = try Self.load(b)
            pairs = ComparisonPlanner.pairs(a: rowsA, b: rowsB).map { configA, configB in
                ComparisonPair(
                    a: configA, rowsA: rowsA.filter { $0.configuration == configA }, b: configB,
                    rowsB: rowsB.filter { $0.configuration == configB }, seed: plan.seed, top: top)
            }
            guard !pairs.isEmpty else {
                throw ExperimentError("the folders share no configuration to compare (use --in DIR A B for two configurations of one folder)", status: .usage)
            }
        }
        for pair in pairs { print(TerminalText.safe(Self.describe(pair))) }
        if failOnRegression, pairs.contains(where: \.isRegression) { throw ExitCode(1) }
    }

    private static func load(_ path: String) throws -> ([ResultRow], ResolvedPlan) {
        let folder = ExperimentFolder(path: path)
        guard let plan = try folder.recordedPlan() else {
            throw ExperimentError("\(path) holds no plan.yaml: not an experiment folder")
        }
        return (ResultsFile.read(path: folder.resultsPath).rows, plan)
    }

    static func describe(_ pair: ComparisonPair) -> String {
        func signed(_ value: Double) -> String { String(format: "%+.3f", value) }
        var lines = ["A: \(pair.a.key)", "B: \(pair.b.key)"]
        if let delta = pair.delta {
            lines.append(
                "ΔIoU (B − A) over \(pair.images) images: \(signed(delta.mean)) [95 % CI \(signed(delta.low)), \(signed(delta.high))]"
                    + (pair.isRegression ? "  REGRESSION" : ""))
        } else {
            lines.append("no image scored in both")
        }
        lines.append("wins \(pair.wins) · ties \(pair.ties) · losses \(pair.losses) (tie: |Δ| ≤ \(ComparisonPair.tieTolerance))")
        for change in pair.mostChanged {
            lines.append(String(format: "  %@  %.3f → %.3f (%@)", (change.image as NSString).lastPathComponent, change.iouA, change.iouB, signed(change.delta)))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// What the experiment commands print when they are done.
enum ExperimentPrinting {
    static func printOutputs(folder: ExperimentFolder, summaries: [ConfigurationSummary]) {
        print(TerminalText.safe(SummaryTables.markdown(summaries, title: "Summary")))
        print("results: \(TerminalText.safe(folder.resultsPath))")
        print("summary: \(TerminalText.safe(folder.summaryCSVPath)), \(TerminalText.safe(folder.summaryMarkdownPath))")
        print("report: \(TerminalText.safe(folder.reportPath))")
    }
}
