package org.vxdb.storage.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadAnAbsentManifestAsEmpty() throws IOException {
        assertEquals(Manifest.empty(), Manifest.read(dir));
    }

    @Test
    void shouldRoundTripAndReplaceAtomically() throws IOException {
        Manifest m = Manifest.empty()
                .withSegment(new Manifest.SegmentEntry("seg-1.vxs", 0, 100), 40)
                .withSegment(new Manifest.SegmentEntry("seg-2.vxs", 100, 50), 77)
                .withIndex(new Manifest.IndexEntry("index-3.vxi", "IVF16,Flat", 150));
        m.write(dir);
        Manifest back = Manifest.read(dir);
        assertEquals(m, back);
        assertEquals(3, back.generation());
        assertEquals(77, back.replayAfterLsn());
        assertEquals(150, back.nextRow());
        assertFalse(Files.exists(dir.resolve("MANIFEST.tmp")));
        Manifest smaller = back.withoutSegment("seg-1.vxs");
        smaller.write(dir);
        assertEquals(1, Manifest.read(dir).segments().size());
    }

    @Test
    void shouldDetectAnEditedManifest() throws IOException {
        Manifest.empty().withSegment(new Manifest.SegmentEntry("seg-1.vxs", 0, 100), 40).write(dir);
        Path file = dir.resolve("MANIFEST");
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("seg-1.vxs 0 100", "seg-1.vxs 0 101");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        assertEquals("corrupt manifest " + file + ": checksum mismatch",
                assertThrows(IOException.class, () -> Manifest.read(dir)).getMessage());
        Files.writeString(file, "hello\n", StandardCharsets.UTF_8);
        assertEquals("corrupt manifest " + file + ": does not start with 'vxdb-manifest 1'",
                assertThrows(IOException.class, () -> Manifest.read(dir)).getMessage());
    }
}
