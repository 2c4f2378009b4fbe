package org.vxdb.storage.shard;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Encodes a batch of shard writes as one WAL payload, so a batch is recovered whole or not at all.
 * Layout (little-endian): u8 kind (1 = write batch), u32 rows, u32 dimension, then per row:
 * u8 op (1 = upsert, 2 = delete), i64 id, i64 version, and for upserts {@code dimension} float32
 * followed by u32 metadata length and the metadata bytes.
 */
public final class ShardRecordCodec {

    public static final byte KIND_BATCH = 1;
    public static final byte OP_UPSERT = 1;
    public static final byte OP_DELETE = 2;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private ShardRecordCodec() {
    }

    public static MemorySegment encode(List<ShardWrite> writes, int dimension, Arena arena) {
        MemorySegment out = arena.allocate(encodedSize(writes, dimension), 8);
        encodeInto(writes, dimension, out);
        return out;
    }

    /**
     * The batch encoded into a new heap array: what a shard hands the WAL to keep
     * ({@code WriteAheadLog.appendOwned}), with no native allocation and no copy.
     *
     * @throws IllegalArgumentException if the encoding would pass 2 GiB (the WAL's record limit is far below)
     */
    public static byte[] encode(List<ShardWrite> writes, int dimension) {
        long size = encodedSize(writes, dimension);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("write batch encodes to " + size
                    + " bytes, more than a WAL record holds");
        }
        byte[] out = new byte[(int) size];
        encodeInto(writes, dimension, MemorySegment.ofArray(out));
        return out;
    }

    private static long encodedSize(List<ShardWrite> writes, int dimension) {
        long size = 9;
        for (ShardWrite w : writes) {
            size += 17;
            if (w.op() == OP_UPSERT) {
                size += (long) dimension * Float.BYTES + 4 + w.metadata().length;
            }
        }
        return size;
    }

    private static void encodeInto(List<ShardWrite> writes, int dimension, MemorySegment out) {
        out.set(ValueLayout.JAVA_BYTE, 0, KIND_BATCH);
        out.set(I32, 1, writes.size());
        out.set(I32, 5, dimension);
        long pos = 9;
        for (ShardWrite w : writes) {
            out.set(ValueLayout.JAVA_BYTE, pos, w.op());
            out.set(I64, pos + 1, w.id());
            out.set(I64, pos + 9, w.version());
            pos += 17;
            if (w.op() == OP_UPSERT) {
                MemorySegment.copy(w.vector(), 0, out, ValueLayout.JAVA_FLOAT_UNALIGNED, pos, dimension);
                pos += (long) dimension * Float.BYTES;
                out.set(I32, pos, w.metadata().length);
                MemorySegment.copy(w.metadata(), 0, out, ValueLayout.JAVA_BYTE, pos + 4, w.metadata().length);
                pos += 4 + w.metadata().length;
            }
        }
    }

    /** Receives decoded rows; vector and metadata are views valid only during the call. */
    @FunctionalInterface
    public interface RowVisitor {
        void row(byte op, long id, long version, MemorySegment vector, MemorySegment metadata);
    }

    public static void decode(MemorySegment payload, int dimension, RowVisitor visitor) {
        require(payload, 9);
        if (payload.get(ValueLayout.JAVA_BYTE, 0) != KIND_BATCH) {
            throw new IllegalArgumentException("WAL payload kind " + payload.get(ValueLayout.JAVA_BYTE, 0) + " is unknown");
        }
        int rows = payload.get(I32, 1);
        int dim = payload.get(I32, 5);
        if (dim != dimension) {
            throw new IllegalArgumentException("WAL batch is " + dim + "-d, the shard is " + dimension + "-d");
        }
        long pos = 9;
        long vectorBytes = (long) dimension * Float.BYTES;
        for (int r = 0; r < rows; r++) {
            require(payload, pos + 17);
            byte op = payload.get(ValueLayout.JAVA_BYTE, pos);
            long id = payload.get(I64, pos + 1);
            long version = payload.get(I64, pos + 9);
            pos += 17;
            if (op == OP_UPSERT) {
                require(payload, pos + vectorBytes + 4);
                MemorySegment vector = payload.asSlice(pos, vectorBytes);
                int metaLen = payload.get(I32, pos + vectorBytes);
                require(payload, pos + vectorBytes + 4 + metaLen);
                MemorySegment meta = payload.asSlice(pos + vectorBytes + 4, metaLen);
                pos += vectorBytes + 4 + metaLen;
                visitor.row(op, id, version, vector, meta);
            } else if (op == OP_DELETE) {
                visitor.row(op, id, version, null, null);
            } else {
                throw new IllegalArgumentException("WAL batch row " + r + " has unknown op " + op);
            }
        }
    }

    private static void require(MemorySegment payload, long end) {
        if (end > payload.byteSize()) {
            throw new IllegalArgumentException("WAL batch is truncated: needs " + end + " bytes, has "
                    + payload.byteSize());
        }
    }
}
