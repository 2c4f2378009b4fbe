package org.vxdb.coordinator.resp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.WriteConsistency;

/**
 * Argument shapes shared by the vector commands: vectors as decimal words or as FP32 blobs, ids,
 * consistency levels, FILTER expressions. Each failure is a {@link CommandException} that names
 * the argument; value rules (dimension, finiteness) are the core's.
 */
final class VectorArgs {

    private VectorArgs() {
    }

    /** {@code count} decimal components starting at argument {@code from}. */
    static List<Float> values(Request r, int from, int count) {
        List<Float> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Double v = RespNumbers.parseDouble(r.raw(from + i));
            if (v == null) {
                throw CommandException.err("vector component " + i + " is not a number: '" + clip(r.arg(from + i))
                        + "'");
            }
            out.add((float) v.doubleValue());
        }
        return out;
    }

    /** A little-endian float32 blob, as VADD and VSIM take with FP32. */
    static List<Float> fp32(byte[] blob) {
        if (blob.length == 0 || blob.length % Float.BYTES != 0) {
            throw CommandException.err("FP32 vector of " + blob.length
                    + " bytes is not a whole, non-zero number of 4-byte floats");
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        List<Float> out = new ArrayList<>(blob.length / Float.BYTES);
        while (b.hasRemaining()) {
            out.add(b.getFloat());
        }
        return out;
    }

    static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** An unsigned 64-bit decimal id. */
    static long id(Request r, int i) {
        Long id = RespNumbers.parseUnsignedLong(r.arg(i));
        if (id == null) {
            throw CommandException.err("id '" + clip(r.arg(i)) + "' is not an unsigned 64-bit integer");
        }
        return id;
    }

    static WriteConsistency consistency(String word) {
        return switch (word) {
            case "ONE" -> WriteConsistency.ONE;
            case "QUORUM" -> WriteConsistency.QUORUM;
            case "ALL" -> WriteConsistency.ALL;
            default -> throw CommandException.err("CONSISTENCY must be ONE, QUORUM or ALL, got '" + clip(word) + "'");
        };
    }

    /** A FILTER expression, with the parse error's position in the reply. */
    static Filter filter(String expression, boolean booleansAsNumbers) {
        try {
            return FilterExpressionParser.parse(expression, booleansAsNumbers);
        } catch (FilterSyntaxException e) {
            throw e.toCommandError(expression);
        }
    }

    /** The first 64 characters of a client's word, for an error message. */
    static String clip(String word) {
        return word.length() <= 64 ? word : word.substring(0, 64) + "...";
    }
}
