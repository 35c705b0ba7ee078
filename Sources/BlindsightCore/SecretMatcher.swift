/// Finds every occurrence of a fixed set of byte strings in one left-to-right pass (an Aho–Corasick
/// automaton compiled into a table: one lookup per input byte, whatever the number of patterns).
///
/// ``coveredRanges(in:)`` reports the union of all occurrences, so patterns that contain each other or
/// overlap are covered whole; time is linear in the text's length.
struct SecretMatcher: Sendable {
    /// Byte → column of ``transitions``; bytes that occur in no pattern share column 0.
    private let byteClass: [UInt8]
    private let classCount: Int
    /// `transitions[state * classCount + class]`: the next state (failure links folded in).
    private let transitions: [Int32]
    /// Length of the longest pattern ending at each state (0: none).
    private let matchLength: [Int32]
    /// Length of the text each state stands for: the longest suffix that is a prefix of a pattern.
    private let depth: [Int32]

    init(patterns: [[UInt8]]) {
        var classes = [UInt8](repeating: 0, count: 256)
        var count = 1
        for byte in Set(patterns.joined()).sorted() {
            classes[Int(byte)] = UInt8(count)
            count += 1
        }
        byteClass = classes
        classCount = count
        // The trie, as explicit edges (-1: none).
        var next: [Int32] = Array(repeating: -1, count: count)
        var terminal: [Int32] = [0]
        var depth: [Int32] = [0]
        for pattern in patterns where !pattern.isEmpty {
            var state = 0
            for byte in pattern {
                let slot = state * count + Int(classes[Int(byte)])
                if next[slot] < 0 {
                    next[slot] = Int32(depth.count)
                    depth.append(depth[state] + 1)
                    terminal.append(0)
                    next.append(contentsOf: repeatElement(-1, count: count))
                }
                state = Int(next[slot])
            }
            terminal[state] = depth[state]
        }
        // Breadth-first: fold failure links into the table and inherit the longest match along them.
        var failure = [Int32](repeating: 0, count: depth.count)
        var longest = terminal
        var queue: [Int] = []
        for column in 0..<count {
            let child = next[column]
            if child < 0 { next[column] = 0 } else { queue.append(Int(child)) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let fallback = Int(failure[state])
            if longest[state] == 0 { longest[state] = longest[fallback] }
            for column in 0..<count {
                let slot = state * count + column
                let child = next[slot]
                let viaFailure = next[fallback * count + column]
                if child < 0 {
                    next[slot] = viaFailure
                } else {
                    failure[Int(child)] = viaFailure
                    queue.append(Int(child))
                }
            }
        }
        transitions = next
        matchLength = longest
        self.depth = depth
    }

    /// Half-open byte ranges covering every occurrence of every pattern in `bytes`, merged and
    /// ascending, plus the length of the longest suffix of `bytes` that could still grow into a match.
    func coveredRanges(in bytes: some Collection<UInt8>) -> (ranges: [Range<Int>], openSuffix: Int) {
        var ranges: [Range<Int>] = []
        var state = 0
        var offset = 0
        for byte in bytes {
            state = Int(transitions[state * classCount + Int(byteClass[Int(byte)])])
            offset += 1
            let length = Int(matchLength[state])
            guard length > 0 else { continue }
            var covered = (offset - length)..<offset
            // A later match may start before earlier ones: absorb every range it overlaps.
            while let last = ranges.last, last.upperBound > covered.lowerBound {
                covered = min(last.lowerBound, covered.lowerBound)..<offset
                ranges.removeLast()
            }
            ranges.append(covered)
        }
        return (ranges, Int(depth[state]))
    }
}
