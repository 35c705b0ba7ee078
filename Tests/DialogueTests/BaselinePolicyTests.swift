import Dialogue
import Panoptic
import Testing

@Suite struct BaselinePolicyTests {
    @Test func prefersPeopleAndAnimalsNearTheCentre() {
        // The dog (12.5 %, centre) scores far above the person (6 %, left edge); the frisbee is no animal.
        #expect(BaselinePolicy.decide(table: Fixtures.table, instruction: nil).numbers == [3])
    }

    @Test func keepsCompanionsThatScoreAtLeastHalfTheBest() {
        var table = Fixtures.table
        table.rows[3] = Fixtures.row(4, 104, "person", thing: true, area: 11, "centre", x: 260, y: 170, w: 120, h: 140)
        #expect(BaselinePolicy.decide(table: table, instruction: nil).numbers == [3, 4])
    }

    @Test func fallsBackToOtherThingsWithoutPeopleOrAnimals() {
        var table = Fixtures.table
        table.rows.removeAll { $0.label == "dog" || $0.label == "person" }
        #expect(BaselinePolicy.decide(table: table, instruction: nil).numbers == [5])
    }

    @Test func keepsTheBestStuffSegmentWhenThereAreNoThings() {
        var table = Fixtures.table
        table.rows.removeAll(where: \.isThing)
        // Grass: 40 % with its centre 120 px below the image centre beats sky, 30 % and 165 px above it.
        #expect(BaselinePolicy.decide(table: table, instruction: nil).numbers == [1])
    }

    @Test func followsLabelsTheInstructionNames() {
        #expect(BaselinePolicy.decide(table: Fixtures.table, instruction: "cut out the persons").numbers == [4])
        #expect(BaselinePolicy.decide(table: Fixtures.table, instruction: "keep nothing").numbers == [])
        #expect(BaselinePolicy.decide(table: Fixtures.table, instruction: "keep the dog and nothing else").numbers == [3])
    }
}
