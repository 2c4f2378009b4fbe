package org.vxdb.storage.wal;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Layout of one framed record in a WAL file (docs/wal-format.md). Little-endian throughout.
 *
 * <pre>
 *   0  int32   payload length in bytes (1..MAX_PAYLOAD_LENGTH)
 *   4  int32   CRC32C of bytes 8 .. 16 + length (the LSN and the payload)
 *   8  int64   LSN
 *  16  byte[]  payload
 *      byte[]  zero padding to the next multiple of 8 (not covered by the CRC)
 * </pre>
 *
 * Records follow each other without gaps from offset 0 of the file, so every record starts at a
 * multiple of {@link #ALIGNMENT}.
 */
public final class WalRecordDescriptor {

    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final int LENGTH_OFFSET = 0;
    public static final int CHECKSUM_OFFSET = 4;
    public static final int LSN_OFFSET = 8;
    public static final int PAYLOAD_OFFSET = 16;
    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;

    /** The CRC covers the LSN and the payload: it starts here and runs {@code 8 + length} bytes. */
    public static final int CHECKSUM_COVERAGE_OFFSET = LSN_OFFSET;

    public static final int ALIGNMENT = 8;

    /** Largest payload any WAL file may hold, whatever the configured limit (64 MiB). */
    public static final int MAX_PAYLOAD_LENGTH = 64 * 1024 * 1024;

    public static final ValueLayout.OfInt INT_LAYOUT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(BYTE_ORDER);
    public static final ValueLayout.OfLong LONG_LAYOUT =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(BYTE_ORDER);

    private WalRecordDescriptor() {
    }

    /** Bytes the record occupies in the file: header, payload and padding. */
    public static int frameLength(int payloadLength) {
        return align(HEADER_LENGTH + payloadLength);
    }

    /** Bytes the CRC covers: the LSN and the payload. */
    public static int checksumCoverage(int payloadLength) {
        return Long.BYTES + payloadLength;
    }

    public static boolean isValidPayloadLength(int payloadLength) {
        return payloadLength >= 1 && payloadLength <= MAX_PAYLOAD_LENGTH;
    }

    private static int align(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
