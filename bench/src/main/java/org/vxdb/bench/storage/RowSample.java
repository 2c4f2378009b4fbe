package org.vxdb.bench.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.vxdb.vecs.VectorSet;

/** A seeded uniform sample of rows, the training set a benchmark's direct IVF index learns from. */
public final class RowSample {

    private static final long SEED = 0x5eed;

    private RowSample() {
    }

    /** {@code want} distinct rows chosen uniformly (selection sampling, seeded), copied contiguously. */
    public static MemorySegment of(VectorSet base, int want, Arena arena) {
        long rowBytes = base.rowBytes();
        MemorySegment out = arena.allocate(want * rowBytes, 64);
        SplittableRandom random = new SplittableRandom(SEED);
        int taken = 0;
        int n = base.count();
        for (int r = 0; r < n && taken < want; r++) {
            if (random.nextInt(n - r) < want - taken) {
                MemorySegment.copy(base.data(), r * rowBytes, out, taken * rowBytes, rowBytes);
                taken++;
            }
        }
        return out.asSlice(0, taken * rowBytes);
    }
}
