package org.vxdb.bench.storage;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory of this process after a full GC. The JVM's BufferPool MXBeans do not see memory that
 * {@code Arena}s or FAISS allocate, so besides heap figures this reads the kernel's view from
 * {@code /proc/self/status}: resident set (RSS) split into anonymous memory (heap, malloc, arenas)
 * and file pages (mapped segments), and the peak RSS.
 *
 * @param offHeapEstimate RSS minus committed heap: native allocations, mapped files, metaspace, code
 */
record ProcessMemory(long heapUsed, long heapCommitted, long nonHeapUsed, long rss, long rssAnon, long rssFile,
                     long peakRss, long offHeapEstimate) {

    /** A snapshot after {@code System.gc()}: fine in a benchmark, where we want the live set. */
    static ProcessMemory afterGc() {
        MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        MemoryUsage heap = bean.getHeapMemoryUsage();
        MemoryUsage nonHeap = bean.getNonHeapMemoryUsage();
        long rss = statusBytes("VmRSS");
        return new ProcessMemory(heap.getUsed(), heap.getCommitted(), nonHeap.getUsed(), rss, statusBytes("RssAnon"),
                statusBytes("RssFile"), statusBytes("VmHWM"), rss < 0 ? -1 : rss - heap.getCommitted());
    }

    /** A field of /proc/self/status in bytes (the file gives kB), or -1 when it cannot be read. */
    static long statusBytes(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    JsonLine toJson() {
        return new JsonLine().put("heap_used_mb", mb(heapUsed)).put("heap_committed_mb", mb(heapCommitted))
                .put("non_heap_used_mb", mb(nonHeapUsed)).put("rss_mb", mb(rss)).put("rss_anon_mb", mb(rssAnon))
                .put("rss_file_mb", mb(rssFile)).put("peak_rss_mb", mb(peakRss))
                .put("off_heap_estimate_mb", mb(offHeapEstimate));
    }

    static double mb(long bytes) {
        return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024.0);
    }
}
