package org.vxdb.index.spi;

/**
 * Layout of the 128-byte header in front of every saved index (docs/index-format.md).
 * All integers little-endian.
 *
 * <pre>
 *   0  int    magic "VXIX" (0x58495856)
 *   4  int    format version (1)
 *   8  int    engine: 1 = FAISS payload (faiss::write_index), 2 = linear payload (ids, then rows)
 *  12  int    metric code (Metric.code())
 *  16  int    dimension
 *  20  int    description length in bytes (UTF-8, at most 76)
 *  24  long   vector count at save time
 *  32  long   payload length in bytes (the file is exactly 128 + this long)
 *  40  int    CRC32C of the payload
 *  44  byte[] index description, e.g. "IVF256,Flat", zero padded to offset 120
 * 120  int    reserved (0)
 * 124  int    CRC32C of bytes 0..123
 * </pre>
 */
public final class IndexFileDescriptor {

    public static final int MAGIC = 0x58495856;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 128;

    public static final int ENGINE_FAISS = 1;
    public static final int ENGINE_LINEAR = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int ENGINE_OFFSET = 8;
    public static final int METRIC_OFFSET = 12;
    public static final int DIMENSION_OFFSET = 16;
    public static final int DESCRIPTION_LENGTH_OFFSET = 20;
    public static final int COUNT_OFFSET = 24;
    public static final int PAYLOAD_LENGTH_OFFSET = 32;
    public static final int PAYLOAD_CRC_OFFSET = 40;
    public static final int DESCRIPTION_OFFSET = 44;
    public static final int MAX_DESCRIPTION_LENGTH = 76;
    public static final int HEADER_CRC_OFFSET = 124;

    private IndexFileDescriptor() {
    }

    public static String engineName(int engine) {
        return switch (engine) {
            case ENGINE_FAISS -> "FAISS";
            case ENGINE_LINEAR -> "linear";
            default -> "unknown engine " + engine;
        };
    }
}
