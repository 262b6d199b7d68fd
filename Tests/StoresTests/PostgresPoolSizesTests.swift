import Stores
import Testing

@Suite("PostgreSQL pool sizes")
struct PostgresPoolSizesTests {
    @Test(
        "LOGSMITH_DATABASE_POOL splits a quarter to ingest and to jobs, the rest to reads, never below the minimums",
        arguments: [(20, 5, 10, 5), (10, 2, 5, 3), (12, 3, 6, 3), (100, 25, 50, 25), (4, 2, 5, 3)])
    func split(total: Int, ingest: Int, reads: Int, jobs: Int) {
        let sizes = PostgresPoolSizes(total: total)
        #expect([sizes.ingest, sizes.reads, sizes.jobs] == [ingest, reads, jobs])
        #expect(sizes.total == max(total, PostgresPoolSizes.minimumTotal))
    }
}
