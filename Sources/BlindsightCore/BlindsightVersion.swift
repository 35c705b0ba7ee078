/// The program's version, recorded in transcripts and printed by `--version`.
public enum BlindsightVersion {
    public static let current = "0.1.0"
}
