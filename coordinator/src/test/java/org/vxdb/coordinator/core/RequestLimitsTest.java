package org.vxdb.coordinator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.SearchRequest;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.coordinator.testing.FuzzCluster;

/** The core holds every protocol's requests to the metadata and filter limits, with the nodes' own words. */
class RequestLimitsTest {

    @RegisterExtension
    static final FuzzCluster CLUSTER = new FuzzCluster();

    private static VxdbException failure(java.util.concurrent.CompletableFuture<?> call) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
        return VxdbException.from(e.getCause());
    }

    @Test
    void shouldRefuseASearchFilterNestedDeeperThan32Levels() {
        Filter f = Filter.newBuilder().setEq(FieldEquals.newBuilder().setField("year")
                .setValue(Value.newBuilder().setIntValue(1))).build();
        for (int i = 0; i < 32; i++) {
            f = Filter.newBuilder().setNot(f).build();
        }
        SearchRequest search = SearchRequest.newBuilder().setCollection(FuzzCluster.VECTORS).addQuery(1).addQuery(0)
                .addQuery(0).setK(1).setFilter(f).build();
        VxdbException e = failure(CLUSTER.core().search(FuzzCluster.context(), search));
        assertEquals(VxdbException.Code.INVALID_ARGUMENT, e.code());
        assertEquals("filter" + ".not".repeat(32) + ": filter is nested deeper than 32 levels", e.getMessage());
    }

    @Test
    void shouldRefuseAWriteWithMoreThan256MetadataFields() {
        Vector.Builder v = Vector.newBuilder().setId(77).addValues(1).addValues(2).addValues(3);
        for (int i = 0; i < 257; i++) {
            v.putMetadata("f" + i, Value.newBuilder().setBoolValue(true).build());
        }
        WriteRequest write = WriteRequest.newBuilder().setCollection(FuzzCluster.VECTORS).addVectors(v).build();
        VxdbException e = failure(CLUSTER.core().upsert(FuzzCluster.context(), write));
        assertEquals(VxdbException.Code.INVALID_ARGUMENT, e.code());
        assertEquals("vectors[0].metadata: 257 fields; at most 256 are allowed", e.getMessage());
    }
}
