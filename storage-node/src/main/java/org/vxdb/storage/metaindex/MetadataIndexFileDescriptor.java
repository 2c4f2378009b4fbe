package org.vxdb.storage.metaindex;

/**
 * Byte layout of a metadata index file ({@code <segment>.vxm}, beside its segment), little-endian.
 * docs/storage-engine.md ("Metadata index files") describes the same layout.
 *
 * <pre>
 *   0  u32  magic "VXMI"
 *   4  u16  format version (1)
 *   6  u16  field count F
 *   8  u64  rows of the segment
 *  16  F x field:
 *        u16 name length, UTF-8 name, u8 kind (1 inverted, 2 ordered), u64 payload length, payload
 *        inverted payload: u32 V, V x (u8 type tag, value, u32 bitmap length, RoaringBitmap portable form)
 *                          value: string u32 length + UTF-8 | long i64 | double f64 | bool u8
 *        ordered payload:  u32 N, N x f64 values ascending, N x u32 rows (same order)
 * end  u32  CRC32C of every byte before it
 * </pre>
 */
final class MetadataIndexFileDescriptor {

    static final int MAGIC = 0x494D5856; // "VXMI" read little-endian
    static final short FORMAT_VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int FIELD_COUNT_OFFSET = 6;
    static final int ROWS_OFFSET = 8;
    static final int HEADER_BYTES = 16;
    static final int CRC_BYTES = 4;
    /** Per field, besides its name and payload: name length, kind, payload length. */
    static final int FIELD_OVERHEAD_BYTES = 2 + 1 + 8;
    static final byte KIND_INVERTED = 1;
    static final byte KIND_ORDERED = 2;
    static final String SUFFIX = ".vxm";

    private MetadataIndexFileDescriptor() {
    }

    static byte kindCode(MetadataIndexKind kind) {
        return switch (kind) {
            case INVERTED -> KIND_INVERTED;
            case ORDERED -> KIND_ORDERED;
        };
    }

    static MetadataIndexKind kindOf(byte code) {
        return switch (code) {
            case KIND_INVERTED -> MetadataIndexKind.INVERTED;
            case KIND_ORDERED -> MetadataIndexKind.ORDERED;
            default -> throw new IllegalArgumentException("unknown index kind " + code);
        };
    }
}
