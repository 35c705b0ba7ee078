import Foundation
import FuzzTargets
import TestSupport
import Testing

/// The short fuzzing run of the test command: every fuzz target over its committed seed corpus
/// (`fuzz/corpus/<target>/`), then over a fixed number of deterministic mutations of each seed (the
/// kinds libFuzzer makes: bit flips, byte insertions and deletions, repeated runs, splices of two
/// seeds, and runs of brackets and quotes). A crash fails the whole test process; an invariant a
/// target checks (the stream parsers' independence from chunking) fails it the same way.
///
/// libFuzzer itself (`scripts/fuzz.sh`) needs an instrumented build of its own, too slow for every
/// test run; this keeps the same targets and seeds under test every time.
@Suite struct FuzzCorpusTests {
    static let mutationsPerSeed = 60

    static func seeds(_ target: FuzzTarget) throws -> [Data] {
        let folder = TestData.packageRoot.appendingPathComponent("fuzz/corpus/\(target.rawValue)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyTargetSurvivesItsCorpusAndMutationsOfIt(target: FuzzTarget) throws {
        let seeds = try Self.seeds(target)
        #expect(!seeds.isEmpty, "fuzz/corpus/\(target.rawValue) holds the seeds")
        var mutator = Mutator(seed: UInt64(target.rawValue.utf8.count))
        for seed in seeds {
            target.run(seed)
            for _ in 0..<Self.mutationsPerSeed {
                target.run(mutator.mutate(seed, other: seeds[mutator.below(seeds.count)]))
            }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyTargetSurvivesEmptyAndBracketBombInputs(target: FuzzTarget) {
        for input in ["", "{", String(repeating: "{", count: 100_000), String(repeating: "[", count: 100_000),
                      String(repeating: "}", count: 100_000), String(repeating: "\"", count: 10_001),
                      String(repeating: "\n", count: 10_000), String(repeating: "data: x\n", count: 10_000)] {
            target.run(Data(input.utf8))
        }
    }

    @Test func chunksCoverTheDataExactly() {
        let data = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        #expect(StreamChunks.of(data).reduce(Data(), +) == data)
    }
}

/// Deterministic input mutations (SplitMix64), so a failure reproduces.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    mutating func mutate(_ data: Data, other: Data) -> Data {
        var bytes = [UInt8](data)
        for _ in 0...below(4) {
            let at = below(bytes.count + 1)
            switch below(7) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1: bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
            case 2 where !bytes.isEmpty:
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(64)))
            case 3:
                let piece = Array(bytes[at..<min(bytes.count, at + 1 + below(16))])
                bytes.insert(contentsOf: Array(repeating: piece, count: 1 + below(32)).joined(), at: at)
            case 4:
                let start = below(other.count + 1)
                bytes.insert(contentsOf: other[start..<min(other.count, start + below(256))], at: at)
            case 5:
                let symbols = Array(#"{}[]":,\"#.utf8)
                bytes.insert(contentsOf: Array(repeating: symbols[below(symbols.count)], count: 1 + below(2000)), at: at)
            default:
                let numbers = ["9223372036854775807", "-1", "1e308", "-0", "4294967296", "NaN"]
                bytes.insert(contentsOf: Array(numbers[below(numbers.count)].utf8), at: at)
            }
        }
        return Data(bytes)
    }
}
