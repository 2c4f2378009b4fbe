package org.vxdb.coordinator.ws;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Binary frames the JavaScript encoder cannot make (it only writes valid metadata JSON). */
final class BinaryFrames {

    private BinaryFrames() {
    }

    /** One row of dimension 3 with metadata flagged on and "nope" as its metadata bytes. */
    static String withBadMetadata(long seq) {
        byte[] meta = "nope".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(24 + 8 + 12 + 4 + meta.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("VXWB".getBytes(StandardCharsets.US_ASCII)).putShort((short) 1).putShort((short) 1).putLong(seq)
                .putInt(1).putInt(3);
        b.putLong(12).putFloat(1).putFloat(2).putFloat(3).putInt(meta.length).put(meta);
        return HexFormat.of().formatHex(b.array());
    }
}
