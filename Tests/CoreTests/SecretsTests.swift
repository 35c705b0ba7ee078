import BlindsightCore
import Foundation
import Testing

@Suite("Secrets: redaction by value")
struct SecretsTests {
    let key = "tok-4f9a/b\"c+1"

    @Test("A secret is removed as written, JSON-escaped (with or without escaped slashes) and percent-encoded")
    func echoedForms() throws {
        let secrets = Secrets([key])
        let json = String(decoding: try JSONEncoder().encode(["echo": key]), as: UTF8.self)
        // As Go or curl, Python's quote(), JavaScript's encodeURIComponent() and a lower-case encoder write it.
        let encoded = ["tok-4f9a%2Fb%22c%2B1", "tok-4f9a/b%22c%2B1", "tok-4f9a%2fb%22c%2b1"]
        for text in ["raw \(key) end", json, #"{"m":"tok-4f9a/b\"c+1"}"#] + encoded.map({ "q=\($0)&x" }) {
            let redacted = secrets.redact(text)
            #expect(redacted.contains(Secrets.replacement), "\(text)")
            #expect(!redacted.contains("4f9a"), "\(redacted)")
        }
        let redactedJSON = secrets.redact(json)
        #expect((try? JSONSerialization.jsonObject(with: Data(redactedJSON.utf8))) != nil, "\(redactedJSON)")
    }

    @Test("Secrets inside or overlapping each other are removed whole, and text around them is kept")
    func nestedAndOverlapping() {
        let secrets = Secrets(["abcdef123456", "cdef12", "3456xyzw", "zzzzzzzz"])
        #expect(secrets.redact("<abcdef123456>") == "<[REDACTED]>")
        #expect(secrets.redact("<cdef12>") == "<[REDACTED]>")
        #expect(secrets.redact("<abcdef123456xyzw>") == "<[REDACTED]>")
        #expect(secrets.redact("zzzzzzzzzz and cdef12cdef12") == "[REDACTED] and [REDACTED][REDACTED]")
        #expect(secrets.redact("狗 abcdef123456 🐕") == "狗 [REDACTED] 🐕")
        #expect(secrets.redact("nothing here") == "nothing here")
    }

    @Test("Values shorter than the minimum length are ignored, so ordinary words are never redacted")
    func shortValuesIgnored() {
        let secrets = Secrets(["json", "admin", "x", "longer-secret"])
        #expect(secrets.values == ["longer-secret"])
        #expect(secrets.redact("admin asked for json") == "admin asked for json")
        #expect(Secrets(["12345"]).isEmpty && Secrets.minimumLength == 6)
    }

    @Test("A match right after a backslash takes it along, so a JSON escape is never left dangling")
    func noDanglingEscape() throws {
        let secrets = Secrets(["nSECRETvalue"])
        let json = #"{"a":"line\nSECRETvalue","b":"x\\nSECRETvalue"}"#
        let redacted = secrets.redact(json)
        #expect(!redacted.contains("SECRET"))
        #expect((try? JSONSerialization.jsonObject(with: Data(redacted.utf8))) != nil, "\(redacted)")
    }

    @Test("A URL's user, password, query values and Basic token are its secrets")
    func urlCredentials() {
        let found = Set(Secrets.credentials(inURL: "https://alice-user:p%40ss-word@h.example/v1?api_key=k3y-VALUE-9&v=2"))
        #expect(found.isSuperset(of: ["alice-user", "p%40ss-word", "p@ss-word", "k3y-VALUE-9", "2"]))
        #expect(found.contains(Data("alice-user:p@ss-word".utf8).base64EncodedString()))
        #expect(Secrets.credentials(inURL: "http://localhost:11434").isEmpty)
        let broken = Secrets.credentials(inURL: "http://us er:pa ss-word@host?token=abc def")
        #expect(broken.contains("pa ss-word") && broken.contains("abc def"))
    }

    @Test("A streamed text split anywhere releases exactly the redacted whole, never a piece of a secret")
    func streamSplitAnywhere() {
        let secrets = Secrets(["abcdef123456", "cdef12", "3456xyzw", "KEY-VALUE-77"])
        let text = "start abcdef123456xyzw mid KEY-VALUE-77 cdef1 abcdef12345 end KEY-VALUE-7"
        let expected = secrets.redact(text)
        let scalars = Array(text)
        for first in 0...scalars.count {
            for second in first...min(scalars.count, first + 14) {
                var stream = SecretStream(secrets)
                let pieces = [scalars[..<first], scalars[first..<second], scalars[second...]].map { String($0) }
                var released = pieces.map { stream.feed($0) }
                released.append(stream.flush())
                #expect(released.joined() == expected, "split at \(first), \(second)")
            }
        }
    }

    @Test("Long runs of near-matches are handled in one pass")
    func nearMatches() {
        let secrets = Secrets(["aaaaaaab", "aaaaaaaaaaaaac"])
        let text = String(repeating: "a", count: 200_000) + "b" + String(repeating: "a", count: 100_000)
        let redacted = secrets.redact(text)
        #expect(redacted == String(repeating: "a", count: 199_993) + "[REDACTED]" + String(repeating: "a", count: 100_000))
    }
}
