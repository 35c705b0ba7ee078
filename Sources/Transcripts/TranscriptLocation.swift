import Foundation

/// Where transcripts go and what they are called.
///
/// User runs go to `$XDG_DATA_HOME/blindsight/transcripts/` (`~/.local/share/blindsight/transcripts/`
/// when `XDG_DATA_HOME` is unset), named `<UTC date and time>_<image name>_<short id>.jsonl`, for
/// example `2026-11-22T03-10-05_photo_ab12cd.jsonl`. `--transcript PATH` overrides this. The
/// repository's `transcripts/` folder holds the project's shipped examples.
public enum TranscriptLocation {
    /// The default folder for the given environment.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            dataHome = (home as NSString).appendingPathComponent(".local/share")
        }
        return (dataHome as NSString).appendingPathComponent("blindsight/transcripts")
    }

    /// A readable file name: UTC time (colons as dashes), the image's base name, the first six
    /// characters of the transcript id.
    public static func fileName(created: Date, imagePath: String, id: String) -> String {
        let stamp = created.formatted(
            Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .current)
                .year().month().day().dateTimeSeparator(.standard).time(includingFractionalSeconds: false)
        ).replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: "Z", with: "")
        let base = ((imagePath as NSString).lastPathComponent as NSString).deletingPathExtension
        let safe = String(base.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(40))
        return "\(stamp)_\(safe.isEmpty ? "image" : safe)_\(id.prefix(6)).jsonl"
    }

    /// The default path for a new transcript of `header`.
    public static func defaultPath(
        for header: TranscriptHeader, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        (defaultDirectory(environment: environment) as NSString)
            .appendingPathComponent(fileName(created: header.created, imagePath: header.image.path, id: header.id))
    }

    /// The `.jsonl` files in `directory`, newest first (by the creation time in their names, then
    /// modification time). A missing folder has none.
    public static func transcriptFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let paths = names.filter { $0.hasSuffix(".jsonl") }.map { (directory as NSString).appendingPathComponent($0) }
        func modified(_ path: String) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
        }
        return paths.map { ($0, modified($0)) }.sorted { $0.1 > $1.1 }.map(\.0)
    }
}
