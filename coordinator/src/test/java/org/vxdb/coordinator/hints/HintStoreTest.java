package org.vxdb.coordinator.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.api.internal.v1.RecordOp;
import org.vxdb.api.internal.v1.ShardRecord;
import org.vxdb.api.internal.v1.ShardWriteRequest;

class HintStoreTest {

    @TempDir
    Path dir;

    private static ShardWriteRequest write(int shard, long id) {
        return ShardWriteRequest.newBuilder().setCollection("c").setShard(shard).addRecords(ShardRecord.newBuilder()
                .setId(id).setVersion(id + 100).setOp(RecordOp.UPSERT).addValues(id)).build();
    }

    private static List<ShardWriteRequest> readAll(Path segment) throws IOException {
        List<ShardWriteRequest> out = new ArrayList<>();
        HintStore.read(segment, 0, out::add);
        return out;
    }

    @Test
    void shouldKeepEachNodesHintsInOrderAndForgetThemOnceDelivered() throws IOException {
        try (HintStore store = new HintStore(dir, 1 << 20)) {
            assertTrue(store.add("node-2", write(0, 1)));
            assertTrue(store.add("node-3", write(5, 9)));
            assertTrue(store.add("node-2", write(1, 2)));
            assertEquals(List.of("node-2", "node-3"), store.nodesWithHints().stream().sorted().toList());
            List<Path> segments = store.takeSegments("node-2");
            assertEquals(1, segments.size());
            assertEquals(List.of(write(0, 1), write(1, 2)), readAll(segments.getFirst()));
            assertTrue(store.add("node-2", write(2, 3)), "new hints go to a new segment meanwhile");
            store.delivered("node-2", segments.getFirst());
            assertEquals(List.of(write(2, 3)), readAll(store.takeSegments("node-2").getFirst()));
            assertTrue(store.pendingBytes("node-3") > 0);
        }
    }

    @Test
    void shouldStopAReadWhereDeliveryStopsAndGoOnFromThere() throws IOException {
        try (HintStore store = new HintStore(dir, 1 << 20)) {
            for (long id = 1; id <= 3; id++) {
                store.add("n", write(0, id));
            }
            Path segment = store.takeSegments("n").getFirst();
            List<Long> seen = new ArrayList<>();
            long stoppedAt = HintStore.read(segment, 0, r -> {
                seen.add(r.getRecords(0).getId());
                return seen.size() < 2; // the second is refused: delivery stops there
            });
            assertEquals(List.of(1L, 2L), seen);
            List<Long> rest = new ArrayList<>();
            long end = HintStore.read(segment, stoppedAt, r -> rest.add(r.getRecords(0).getId()));
            assertEquals(List.of(2L, 3L), rest, "the refused hint is tried again");
            assertEquals(Files.size(segment), end);
        }
    }

    @Test
    void shouldFindTheHintsOfAnEarlierRunAndIgnoreATornTail() throws IOException {
        try (HintStore store = new HintStore(dir, 1 << 20)) {
            store.add("node-2", write(0, 1));
            store.add("node-2", write(0, 2));
            store.sync();
        }
        Path segment;
        try (var files = Files.list(dir.resolve("node-2"))) {
            segment = files.findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2})); // a crash in the middle of an append
        }
        try (HintStore reopened = new HintStore(dir, 1 << 20)) {
            assertEquals(List.of("node-2"), reopened.nodesWithHints());
            List<Path> segments = reopened.takeSegments("node-2");
            assertEquals(List.of(write(0, 1), write(0, 2)), readAll(segments.getFirst()));
            assertTrue(reopened.add("node-2", write(0, 3)));
            assertEquals(2, reopened.takeSegments("node-2").size(), "a new segment after the old ones");
        }
    }

    @Test
    void shouldEndASegmentAtARecordWhoseChecksumIsWrong() throws IOException {
        try (HintStore store = new HintStore(dir, 1 << 20)) {
            store.add("n", write(0, 1));
            store.add("n", write(0, 2));
            Path segment = store.takeSegments("n").getFirst();
            long second = Files.size(segment) / 2;
            try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xff}), second + 12); // inside the second record's body
            }
            assertEquals(List.of(write(0, 1)), readAll(segment));
        }
    }

    @Test
    void shouldDropHintsPastTheNodesLimitAndCountThem() {
        long one = 8 + write(0, 1).getSerializedSize();
        try (HintStore store = new HintStore(dir, 2 * one)) {
            assertTrue(store.add("n", write(0, 1)));
            assertTrue(store.add("n", write(0, 2)));
            assertFalse(store.add("n", write(0, 3)));
            assertEquals(1, store.dropped());
            assertEquals(2 * one, store.pendingBytes("n"));
            assertTrue(store.add("m", write(0, 3)), "another node has its own limit");
        }
    }
}
