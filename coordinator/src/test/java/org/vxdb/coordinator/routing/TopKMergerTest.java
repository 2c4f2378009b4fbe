package org.vxdb.coordinator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.api.v1.SearchHit;

class TopKMergerTest {

    private static SearchHit hit(long id, float distance, long version) {
        return SearchHit.newBuilder().setId(id).setDistance(distance).setVersion(version).build();
    }

    private static List<String> render(List<SearchHit> hits) {
        return hits.stream().map(h -> h.getId() + "@" + h.getDistance() + "v" + h.getVersion()).toList();
    }

    @Test
    void shouldMergeNearestFirstAndCutAtK() {
        List<SearchHit> merged = TopKMerger.merge(List.of(
                List.of(hit(1, 0.1f, 1), hit(2, 0.5f, 1)),
                List.of(hit(3, 0.2f, 1), hit(4, 0.9f, 1))), 3);
        assertEquals(List.of("1@0.1v1", "3@0.2v1", "2@0.5v1"), render(merged));
    }

    @Test
    void shouldKeepOnlyTheHighestVersionOfADuplicateIdWithItsDistance() {
        List<SearchHit> merged = TopKMerger.merge(List.of(
                List.of(hit(7, 0.1f, 5), hit(8, 0.3f, 1)),
                List.of(hit(7, 0.4f, 9), hit(9, 0.2f, 1))), 10);
        assertEquals(List.of("9@0.2v1", "8@0.3v1", "7@0.4v9"), render(merged));
    }

    @Test
    void shouldBreakDistanceTiesByLowerId() {
        List<SearchHit> merged = TopKMerger.merge(List.of(List.of(hit(5, 1f, 1)), List.of(hit(2, 1f, 1))), 2);
        assertEquals(List.of("2@1.0v1", "5@1.0v1"), render(merged));
    }

    @Test
    void shouldCompareVersionsAsUnsigned() {
        List<SearchHit> merged = TopKMerger.merge(List.of(List.of(hit(1, 0f, 3)), List.of(hit(1, 1f, -1L))), 1);
        assertEquals(List.of("1@1.0v-1"), render(merged));
    }
}
