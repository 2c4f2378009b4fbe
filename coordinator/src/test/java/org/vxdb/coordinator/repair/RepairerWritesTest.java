package org.vxdb.coordinator.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;
import org.vxdb.api.internal.v1.StreamRecordsResponse;

/** Repair splits a streamed batch into replica writes a node's WAL takes (one record each). */
class RepairerWritesTest {

    private static ShardRecord row(long id, int dim) {
        ShardRecord.Builder r = ShardRecord.newBuilder().setOp(RecordOp.UPSERT).setId(id).setVersion(1);
        for (int d = 0; d < dim; d++) {
            r.addValues(d);
        }
        return r.build();
    }

    @Test
    void shouldSplitABatchOfWideRowsByBytes() {
        StreamRecordsResponse.Builder batch = StreamRecordsResponse.newBuilder();
        for (long id = 0; id < 10_000; id++) {
            batch.addRecords(row(id, 1024)); // ~4 KiB each: 40 MiB in all, over a node's 16 MiB WAL record limit
        }
        List<ShardWriteRequest> writes = Repairer.writes("c", 3, batch.build());
        assertEquals(10, writes.size());
        long ids = 0;
        for (ShardWriteRequest w : writes) {
            assertEquals("c", w.getCollection());
            assertEquals(3, w.getShard());
            assertTrue(w.getSerializedSize() <= Repairer.MAX_WRITE_BYTES + 64, w.getSerializedSize() + " bytes");
            for (ShardRecord r : w.getRecordsList()) {
                assertEquals(ids++, r.getId());
            }
        }
        assertEquals(10_000, ids);
    }

    @Test
    void shouldKeepASmallBatchWholeAndSendARowLargerThanTheCapAlone() {
        StreamRecordsResponse small = StreamRecordsResponse.newBuilder().addRecords(row(1, 8)).addRecords(row(2, 8))
                .build();
        assertEquals(1, Repairer.writes("c", 0, small).size());
        assertEquals(2, Repairer.writes("c", 0, small).getFirst().getRecordsCount());
        StreamRecordsResponse huge = StreamRecordsResponse.newBuilder().addRecords(row(1, 1_200_000))
                .addRecords(row(2, 8)).build();
        List<ShardWriteRequest> writes = Repairer.writes("c", 0, huge);
        assertEquals(List.of(1, 1), writes.stream().map(ShardWriteRequest::getRecordsCount).toList());
    }
}
