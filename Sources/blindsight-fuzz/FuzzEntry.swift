import FuzzTargets
import Foundation

/// `blindsight-fuzz TARGET [libFuzzer options and corpus folders]` when built by `scripts/fuzz.sh`
/// (with `-sanitize=fuzzer -DBLINDSIGHT_FUZZ`): libFuzzer drives the target.
///
/// `blindsight-fuzz TARGET FILE-OR-FOLDER…` in an ordinary build: runs the target once on each file
/// (a folder: each file in it), to replay a crash the fuzzer saved or a corpus.
@main
struct FuzzEntry {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: blindsight-fuzz TARGET [ARGUMENTS…]; targets: \(names)\n".utf8))
            exit(2)
        }
        #if BLINDSIGHT_FUZZ
        exit(LibFuzzer.run(target, arguments: [arguments[0]] + arguments.dropFirst(2)))
        #else
        var count = 0
        for path in arguments.dropFirst(2) {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target.run(data)
                count += 1
            }
        }
        print("\(target.rawValue): \(count) inputs ran without a crash")
        #endif
    }

    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}

#if BLINDSIGHT_FUZZ
/// libFuzzer's driver, called from our own `main` (SwiftPM links executables with their own entry).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

enum LibFuzzer {
    /// The target libFuzzer's callback runs (it cannot capture context).
    nonisolated(unsafe) static var target = FuzzTarget.reply

    static func run(_ target: FuzzTarget, arguments: [String]) -> CInt {
        Self.target = target
        var argc = CInt(arguments.count)
        let strings = arguments.map { strdup($0) } + [nil]
        let vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count)
        vector.initialize(from: strings, count: strings.count)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = vector
        return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
            guard let bytes else { return 0 }
            LibFuzzer.target.run(Data(bytes: bytes, count: count))
            return 0
        }
    }
}
#endif
