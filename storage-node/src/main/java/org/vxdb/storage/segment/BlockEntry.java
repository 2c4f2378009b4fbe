package org.vxdb.storage.segment;

import java.nio.file.Path;
import org.vxdb.storage.segment.SegmentDescriptor.Block;

/** One row of the header's block table: where a block lives, how long it is, how to check it. */
record BlockEntry(Block block, long offset, long storedLength, long uncompressedLength, int codec, int crc) {

    long end() {
        return offset + storedLength;
    }

    String part() {
        return block.name() + " block";
    }

    SegmentCorruptException corrupt(Path file, String reason) {
        return new SegmentCorruptException(file, part(), offset, reason);
    }
}
