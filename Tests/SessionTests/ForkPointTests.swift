import Dialogue
import Session
import Testing
import Transcripts

@Suite("Fork points")
struct ForkPointTests {
}
