import ArgumentParser

/// Release-build benchmarks. Each prints its figures and a ratio against the named peer measured in
/// the same run. Run with `swift run -c release blindsight-bench <benchmark>`.
@main
struct BlindsightBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blindsight-bench",
        abstract: "Measure Blindsight's speed and memory against named peers.",
        subcommands: [
            // -- image I/O vs Pillow (issue 2) --
            ImagingBenchmark.self,
            // -- compositor vs Pillow + numpy (issue 3) --
            CompositorBenchmark.self,
            ProcessBenchmark.self,  // composite / run as whole processes (issue 9)
            // -- model client overhead (issue 4) --
            ModelClientBench.self,
            // -- referee overhead (issue 5) --
            RefereeBench.self,
            ReplayBenchmark.self,
            // -- experiment runner (issue 10) --
            ExperimentBenchmark.self,
        ]
    )
}
