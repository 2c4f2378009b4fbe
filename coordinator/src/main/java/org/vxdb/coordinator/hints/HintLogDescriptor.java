package org.vxdb.coordinator.hints;

/**
 * The layout of a hint log segment ({@code <hints_dir>/<node id>/<sequence>.hints}): records one
 * after another, each {@code [int length][int crc32c][length bytes]}, big-endian, where the bytes
 * are one {@code vxdb.internal.v1.ShardWriteRequest}. A segment is only appended to; a torn record
 * at its tail (a crash during the append) ends it. docs/coordinator.md, "Hinted handoff".
 */
final class HintLogDescriptor {

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int HEADER_BYTES = 8;
    /** A record larger than this is corrupt (requests are bounded by the gRPC message limit). */
    static final int MAX_RECORD_BYTES = 256 << 20;
    static final String SUFFIX = ".hints";

    private HintLogDescriptor() {
    }

    static String segmentName(long sequence) {
        return String.format("%020d", sequence) + SUFFIX;
    }
}
