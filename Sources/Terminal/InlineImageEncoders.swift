import Foundation

/// The escape sequences that carry a PNG to a terminal drawing it inline.
public enum InlineImageEncoders {
    /// Base64 characters per kitty graphics chunk (the protocol's limit).
    static let kittyChunk = 4096

    /// The kitty graphics protocol: transmit and display (`a=T`) a PNG (`f=100`) `columns` cells wide,
    /// quietly (`q=2`, so the terminal sends no reply into standard input), in chunks of at most 4096
    /// base64 characters, each but the last with `m=1`.
    public static func kitty(png: [UInt8], columns: Int) -> String {
        let payload = Array(Data(png).base64EncodedString().utf8)
        var output = ""
        var start = 0
        repeat {
            let end = min(start + kittyChunk, payload.count)
            let more = end < payload.count ? 1 : 0
            let keys = start == 0 ? "f=100,a=T,q=2,c=\(columns),m=\(more)" : "m=\(more)"
            output += "\u{1B}_G\(keys);" + String(decoding: payload[start..<end], as: UTF8.self) + "\u{1B}\\"
            start = end
        } while start < payload.count
        return output + "\n"
    }

    /// iTerm2's inline image (OSC 1337, also WezTerm): the file's size, `columns` cells wide, aspect kept.
    public static func iterm(png: [UInt8], columns: Int) -> String {
        "\u{1B}]1337;File=inline=1;size=\(png.count);width=\(columns);preserveAspectRatio=1:"
            + Data(png).base64EncodedString() + "\u{07}\n"
    }
}
