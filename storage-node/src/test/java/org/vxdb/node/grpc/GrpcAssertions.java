package org.vxdb.node.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.vxdb.api.v1.CollectionSpec;
import org.vxdb.api.v1.Metric;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;

final class GrpcAssertions {

    private GrpcAssertions() {
    }

    /** The call fails with exactly this code and description. */
    static void assertStatus(Status.Code code, String description, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), () -> "status was " + e.getStatus());
        assertEquals(description, e.getStatus().getDescription());
    }

    static CollectionSpec spec(String name, int dim) {
        return CollectionSpec.newBuilder().setName(name).setDimension(dim).setMetric(Metric.L2).build();
    }

    static Vector vector(long id, float... values) {
        Vector.Builder b = Vector.newBuilder().setId(id);
        for (float v : values) {
            b.addValues(v);
        }
        return b.build();
    }

    static Vector vector(long id, String tag, float... values) {
        return vector(id, values).toBuilder().putMetadata("tag", Value.newBuilder().setStringValue(tag).build())
                .build();
    }

    static List<Float> floats(float... values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
