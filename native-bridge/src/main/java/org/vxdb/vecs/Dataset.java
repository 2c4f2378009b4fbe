package org.vxdb.vecs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A benchmark dataset directory: {@code base.fvecs}, {@code query.fvecs}, {@code groundtruth.ivecs}
 * and, when present, {@code groundtruth_dist.fvecs} for tie-aware recall.
 */
public record Dataset(String name, VectorSet base, VectorSet queries, int[][] groundTruth, float[][] groundTruthDistances) {

    public static Dataset load(Path dir, Arena arena) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("dataset directory " + dir + " does not exist");
        }
        VectorSet base = Vecs.readFvecs(dir.resolve("base.fvecs"), arena);
        VectorSet queries = Vecs.readFvecs(dir.resolve("query.fvecs"), arena);
        if (queries.dimension() != base.dimension()) {
            throw new IOException(dir + ": queries are " + queries.dimension() + "-d, base is " + base.dimension() + "-d");
        }
        int[][] gt = Vecs.readIvecs(dir.resolve("groundtruth.ivecs"));
        Path distFile = dir.resolve("groundtruth_dist.fvecs");
        float[][] gtDist = Files.exists(distFile) ? Vecs.readFvecsRows(distFile) : null;
        if (gt.length != queries.count()) {
            throw new IOException(dir + ": " + gt.length + " ground-truth rows for " + queries.count() + " queries");
        }
        return new Dataset(dir.getFileName().toString(), base, queries, gt, gtDist);
    }
}
