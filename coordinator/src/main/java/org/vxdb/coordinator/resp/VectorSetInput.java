package org.vxdb.coordinator.resp;

import java.util.List;

/**
 * The vector of VADD and VSIM: {@code FP32 blob} or {@code VALUES num v1 .. vnum}, starting at an
 * argument, and how many arguments it took.
 */
record VectorSetInput(List<Float> values, int consumed) {

    static final String INVALID = "invalid vector specification";

    /** Reads the vector at {@code at}, or fails with Redis's {@code ERR invalid vector specification}. */
    static VectorSetInput read(Request r, int at) {
        if (at >= r.argc()) {
            throw CommandException.err(INVALID);
        }
        String format = r.keyword(at);
        if (format.equals("FP32") && at + 1 < r.argc()) {
            return new VectorSetInput(VectorArgs.fp32(r.raw(at + 1)), 2);
        }
        if (format.equals("VALUES") && at + 1 < r.argc()) {
            Long n = RespNumbers.parseLong(r.arg(at + 1));
            if (n == null || n < 1 || n > 65_536 || at + 2 + n > r.argc()) {
                throw CommandException.err(INVALID);
            }
            return new VectorSetInput(VectorArgs.values(r, at + 2, n.intValue()), 2 + n.intValue());
        }
        throw CommandException.err(INVALID);
    }
}
