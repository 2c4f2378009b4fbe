package org.vxdb.coordinator.ws;

import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.DIMENSION_OFFSET;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.FLAGS_OFFSET;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.FLAG_METADATA;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.HEADER_LENGTH;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.ID_LENGTH;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.KNOWN_FLAGS;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.MAGIC;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.MAGIC_OFFSET;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.MAGIC_TEXT;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.META_LENGTH_LENGTH;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.ROW_COUNT_OFFSET;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.SEQ_OFFSET;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.VALUE_LENGTH;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.VERSION;
import static org.vxdb.coordinator.ws.BinaryBatchDescriptor.VERSION_OFFSET;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vxdb.api.v1.Value;
import org.vxdb.api.v1.Vector;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/**
 * Decodes a binary frame laid out as {@link BinaryBatchDescriptor} says. Every length is checked
 * against the frame before anything is allocated for it, so a header that promises more than the
 * frame holds is an error, never a large allocation.
 */
final class BinaryBatchDecoder {

    private BinaryBatchDecoder() {
    }

    static InboundMessage decode(ByteBuf frame) {
        int length = frame.readableBytes();
        int base = frame.readerIndex();
        if (length < HEADER_LENGTH) {
            return InboundMessage.Rejected.unreadable("binary batch: " + length + " bytes is shorter than the "
                    + HEADER_LENGTH + "-byte header");
        }
        if (frame.getIntLE(base + MAGIC_OFFSET) != MAGIC) {
            return InboundMessage.Rejected.unreadable("binary batch: magic is 0x"
                    + ByteBufUtil.hexDump(frame, base + MAGIC_OFFSET, 4) + ", expected '" + MAGIC_TEXT + "'");
        }
        int version = frame.getUnsignedShortLE(base + VERSION_OFFSET);
        if (version != VERSION) {
            return InboundMessage.Rejected.unreadable("binary batch: version " + version
                    + " is not supported (this server reads version " + VERSION + ")");
        }
        long seq = frame.getLongLE(base + SEQ_OFFSET);
        try {
            return new InboundMessage.Batch(seq, rows(frame, base, length));
        } catch (DecodeProblem problem) {
            return InboundMessage.Rejected.batch(seq, problem.row(), problem.getMessage());
        }
    }

    private static List<Vector> rows(ByteBuf frame, int base, int length) {
        int flags = frame.getUnsignedShortLE(base + FLAGS_OFFSET);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new DecodeProblem(null, "binary batch: unknown flags 0x" + Integer.toHexString(flags)
                    + " (known: 0x1 metadata)");
        }
        boolean metadata = (flags & FLAG_METADATA) != 0;
        long rowCount = frame.getUnsignedIntLE(base + ROW_COUNT_OFFSET);
        long dimension = frame.getUnsignedIntLE(base + DIMENSION_OFFSET);
        long body = length - HEADER_LENGTH;
        checkLength(rowCount, dimension, metadata, body);
        List<Vector> vectors = new ArrayList<>((int) rowCount);
        int at = base + HEADER_LENGTH;
        int end = base + length;
        for (int row = 0; row < rowCount; row++) {
            at = row(frame, at, end, row, (int) dimension, metadata, vectors);
        }
        if (at != end) {
            throw new DecodeProblem(null, "binary batch: " + (end - at) + " bytes after the last row");
        }
        return vectors;
    }

    /**
     * Without metadata the rows must fill the frame exactly; with metadata each row takes at least
     * its fixed part and the length field. Either way the row count is then bounded by the frame.
     */
    private static void checkLength(long rowCount, long dimension, boolean metadata, long body) {
        BigInteger needed = BigInteger.valueOf(rowCount)
                .multiply(BigInteger.valueOf(BinaryBatchDescriptor.minimumRowLength(dimension, metadata)));
        boolean fits = metadata ? needed.compareTo(BigInteger.valueOf(body)) <= 0
                : needed.equals(BigInteger.valueOf(body));
        if (!fits) {
            throw new DecodeProblem(null, "binary batch: " + rowCount + " rows of dimension " + dimension
                    + (metadata ? " with metadata need at least " : " take ") + needed
                    + " bytes after the header; the frame has " + body);
        }
    }

    /** Decodes one row starting at {@code at}; returns where the next row starts. */
    private static int row(ByteBuf frame, int at, int end, int row, int dimension, boolean metadata,
                           List<Vector> vectors) {
        long minimum = BinaryBatchDescriptor.minimumRowLength(dimension, metadata);
        if (end - at < minimum) {
            // only with metadata: an earlier row's metadata took the bytes this row needs
            throw new DecodeProblem(row, "binary batch: row " + row + " is truncated: it needs at least " + minimum
                    + " bytes and " + (end - at) + " are left");
        }
        Vector.Builder v = Vector.newBuilder().setId(frame.getLongLE(at));
        int values = at + ID_LENGTH;
        for (int d = 0; d < dimension; d++) {
            v.addValues(frame.getFloatLE(values + d * VALUE_LENGTH));
        }
        int next = values + dimension * VALUE_LENGTH;
        if (metadata) {
            long metaLength = frame.getUnsignedIntLE(next);
            next += META_LENGTH_LENGTH;
            if (metaLength > end - next) {
                throw new DecodeProblem(row, "binary batch: row " + row + " has " + metaLength
                        + " bytes of metadata but only " + (end - next) + " bytes are left in the frame");
            }
            if (metaLength > 0) {
                v.putAllMetadata(metadata(frame.slice(next, (int) metaLength), row));
            }
            next += (int) metaLength;
        }
        vectors.add(v.build());
        return next;
    }

    private static Map<String, Value> metadata(ByteBuf json, int row) {
        String at = "vectors[" + row + "].metadata";
        try (JsonParser p = JsonReading.parser(json)) {
            p.nextToken();
            Map<String, Value> fields = JsonReading.metadata(p, at, row);
            if (p.nextToken() != null) {
                throw new DecodeProblem(row, at + ": more content after the metadata object");
            }
            return fields;
        } catch (JacksonException e) {
            throw new DecodeProblem(row, at + ": " + JsonReading.malformed(e));
        }
    }
}
