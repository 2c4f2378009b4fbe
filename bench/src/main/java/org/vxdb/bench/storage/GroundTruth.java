package org.vxdb.bench.storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.vxdb.index.kernel.Kernels;
import org.vxdb.index.kernel.VectorKernels;
import org.vxdb.vecs.VectorSet;

/**
 * Exact top-k L2 neighbours of every query, nearest first, equal distances by lower base row.
 *
 * <p>Two passes per query. A fast pass with the float32 kernels ({@link Kernels#best()}) keeps the
 * {@code k + MARGIN} nearest rows; those are then re-ranked with distances computed in double
 * precision, which for float32 inputs are exact up to the last bits of a double. The float pass is
 * provably enough when its farthest kept candidate is, even after the float kernel's worst-case
 * relative error ({@link #FLOAT_RELATIVE_ERROR}), farther than the k-th exact distance: every row
 * left out is then truly farther than the k-th. When that check fails (many rows at nearly the
 * same distance, duplicates), the query is recomputed by a full double-precision scan.
 *
 * <p>Queries are spread over threads in groups; each group walks the base rows in blocks that fit
 * in L2, so a block is read from memory once per group rather than once per query.
 */
final class GroundTruth {

    /** Extra candidates kept by the float pass. */
    static final int MARGIN = 28;
    /**
     * Bound on the relative error of a float32 squared-L2 sum of up to 65536 non-negative terms
     * whose differences are exactly rounded: about n * 2^-24 for the sum in the worst case, which
     * for 128-d is 7.6e-6. 1e-4 is far above it for the dimensions we benchmark (the check below
     * scales it with the dimension).
     */
    static final double FLOAT_RELATIVE_ERROR = 1e-4;

    private static final int QUERY_GROUP = 16;
    private static final int BLOCK_ROWS = 1024;

    /** Ids and L2 distances (not squared, as in the TEXMEX files), {@code queries x k}. */
    record Result(int[][] ids, float[][] distances, long fullScanQueries) {
    }

    private GroundTruth() {
    }

    /** {@code base} and {@code queries} must be readable from other threads (a shared or global arena). */
    static Result compute(VectorSet base, VectorSet queries, int k, int threads) {
        if (base.dimension() != queries.dimension()) {
            throw new IllegalArgumentException("base is " + base.dimension() + "-d, queries are "
                    + queries.dimension() + "-d");
        }
        if (k < 1 || k > base.count()) {
            throw new IllegalArgumentException("k " + k + " must be between 1 and the base count " + base.count());
        }
        int nq = queries.count();
        int[][] ids = new int[nq][];
        float[][] distances = new float[nq][];
        AtomicInteger nextGroup = new AtomicInteger();
        AtomicLong fullScans = new AtomicLong();
        int groups = (nq + QUERY_GROUP - 1) / QUERY_GROUP;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "ground-truth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < Math.max(1, threads); t++) {
                running.add(pool.submit(() -> {
                    for (int g = nextGroup.getAndIncrement(); g < groups; g = nextGroup.getAndIncrement()) {
                        int from = g * QUERY_GROUP;
                        int to = Math.min(nq, from + QUERY_GROUP);
                        fullScans.addAndGet(group(base, queries, from, to, k, ids, distances));
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing ground truth", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("ground truth failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Result(ids, distances, fullScans.get());
    }

    /** Queries {@code [from, to)}; returns how many needed the full double-precision scan. */
    private static int group(VectorSet base, VectorSet queries, int from, int to, int k, int[][] ids,
                             float[][] distances) {
        VectorKernels kernels = Kernels.best();
        int n = base.count();
        int keep = Math.min(n, k + MARGIN);
        int size = to - from;
        float[][] q = new float[size][];
        NearestRows[] nearest = new NearestRows[size];
        for (int i = 0; i < size; i++) {
            q[i] = queries.row(from + i);
            nearest[i] = new NearestRows(keep);
        }
        float[] block = new float[BLOCK_ROWS];
        long rowBytes = base.rowBytes();
        for (int start = 0; start < n; start += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, n - start);
            for (int i = 0; i < size; i++) {
                kernels.squaredL2(q[i], base.data(), start * rowBytes, rows, block);
                NearestRows h = nearest[i];
                for (int r = 0; r < rows; r++) {
                    h.offer(block[r], start + r); // rows arrive in ascending order, so a tie keeps the lower row
                }
            }
        }
        int full = 0;
        for (int i = 0; i < size; i++) {
            if (!rerank(base, q[i], nearest[i], k, ids, distances, from + i)) {
                fullScan(base, q[i], k, ids, distances, from + i);
                full++;
            }
        }
        return full;
    }

    /** Re-ranks the float candidates exactly; false when they cannot be shown to contain the top k. */
    private static boolean rerank(VectorSet base, float[] q, NearestRows candidates, int k, int[][] ids,
                                  float[][] distances, int query) {
        int m = candidates.size();
        int[] rows = candidates.rows();
        double[] exact = new double[m];
        for (int i = 0; i < m; i++) {
            exact[i] = squaredL2Exact(q, base.data(), rows[i]);
        }
        Integer[] order = sortedByDistanceThenRow(rows, exact);
        double kth = exact[order[k - 1]];
        if (m < base.count()) {
            double farthestKept = candidates.worst();
            double bound = FLOAT_RELATIVE_ERROR * Math.max(1.0, q.length / 128.0);
            if (!(farthestKept * (1 - bound) > kth)) {
                return false;
            }
        }
        store(rows, exact, order, k, ids, distances, query);
        return true;
    }

    private static void fullScan(VectorSet base, float[] q, int k, int[][] ids, float[][] distances, int query) {
        int n = base.count();
        int[] rows = new int[n];
        double[] exact = new double[n];
        for (int r = 0; r < n; r++) {
            rows[r] = r;
            exact[r] = squaredL2Exact(q, base.data(), r);
        }
        store(rows, exact, sortedByDistanceThenRow(rows, exact), k, ids, distances, query);
    }

    private static Integer[] sortedByDistanceThenRow(int[] rows, double[] exact) {
        Integer[] order = new Integer[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(exact[a], exact[b]);
            return c != 0 ? c : Integer.compare(rows[a], rows[b]);
        });
        return order;
    }

    private static void store(int[] rows, double[] exact, Integer[] order, int k, int[][] ids, float[][] distances,
                              int query) {
        int[] outIds = new int[k];
        float[] outDist = new float[k];
        for (int i = 0; i < k; i++) {
            outIds[i] = rows[order[i]];
            outDist[i] = (float) Math.sqrt(exact[order[i]]);
        }
        ids[query] = outIds;
        distances[query] = outDist;
    }

    /** Squared L2 in double: differences and squares of float32 values are exact in double. */
    static double squaredL2Exact(float[] q, MemorySegment data, long row) {
        long base = row * q.length;
        double sum = 0;
        for (int j = 0; j < q.length; j++) {
            double d = (double) q[j] - data.getAtIndex(ValueLayout.JAVA_FLOAT, base + j);
            sum += d * d;
        }
        return sum;
    }

    /**
     * The {@code capacity} smallest distances offered so far: a max-heap on distance. A row whose
     * distance equals the current worst is rejected, which keeps the lower row when rows are
     * offered in ascending order.
     */
    static final class NearestRows {
        private final float[] dist;
        private final int[] row;
        private int size;

        NearestRows(int capacity) {
            dist = new float[capacity];
            row = new int[capacity];
        }

        void offer(float d, int r) {
            if (size < dist.length) {
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (dist[parent] >= d) {
                        break;
                    }
                    dist[i] = dist[parent];
                    row[i] = row[parent];
                    i = parent;
                }
                dist[i] = d;
                row[i] = r;
            } else if (d < dist[0]) {
                siftDown(d, r);
            }
        }

        private void siftDown(float d, int r) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && dist[child + 1] > dist[child]) {
                    child++;
                }
                if (dist[child] <= d) {
                    break;
                }
                dist[i] = dist[child];
                row[i] = row[child];
                i = child;
            }
            dist[i] = d;
            row[i] = r;
        }

        int size() {
            return size;
        }

        float worst() {
            return dist[0];
        }

        int[] rows() {
            return Arrays.copyOf(row, size);
        }
    }
}
