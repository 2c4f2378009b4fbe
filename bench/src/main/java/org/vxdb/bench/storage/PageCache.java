package org.vxdb.bench.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Evicts our own files from the OS page cache, so a restart can be measured cold without dropping
 * the whole machine's cache (other people work on it): {@code fsync} then
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)} per file, through the FFM API. {@link #residentBytes}
 * counts resident pages with {@code mincore} to show that it worked. Linux only.
 */
final class PageCache {

    private static final int O_RDONLY = 0;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final long PAGE = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FSYNC = handle("fsync",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FADVISE = handle("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MINCORE = handle("mincore", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private PageCache() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** Regular files under {@code dir}. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Syncs and evicts every file under {@code dir}; returns the bytes of the files advised. */
    static long evict(Path dir) throws IOException {
        long bytes = 0;
        for (Path file : files(dir)) {
            evictFile(file);
            bytes += Files.size(file);
        }
        return bytes;
    }

    private static void evictFile(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toString()), O_RDONLY);
            if (fd < 0) {
                throw new IOException("open(" + file + ") failed");
            }
            try {
                if ((int) FSYNC.invokeExact(fd) != 0) {
                    throw new IOException("fsync(" + file + ") failed");
                }
                int rc = (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED);
                if (rc != 0) {
                    throw new IOException("posix_fadvise(" + file + ", DONTNEED) failed with error " + rc);
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed for " + file, t);
        }
    }

    /** Bytes of the files under {@code dir} that are in the page cache now (mincore over a read-only mapping). */
    static long residentBytes(Path dir) throws IOException {
        long resident = 0;
        for (Path file : files(dir)) {
            resident += residentBytesOf(file);
        }
        return resident;
    }

    private static long residentBytesOf(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size == 0) {
                return 0;
            }
            // Mapping does not fault pages in; mincore only reports what is already resident.
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long pages = (size + PAGE - 1) / PAGE;
            MemorySegment vec = arena.allocate(pages);
            int rc = (int) MINCORE.invokeExact(map, size, vec);
            if (rc != 0) {
                throw new IOException("mincore(" + file + ") failed");
            }
            long resident = 0;
            for (long p = 0; p < pages; p++) {
                if ((vec.get(ValueLayout.JAVA_BYTE, p) & 1) != 0) {
                    resident++;
                }
            }
            return Math.min(size, resident * PAGE);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mincore failed for " + file, t);
        }
    }
}
