package org.vxdb.storage.shard;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vxdb.index.IndexSpec;
import org.vxdb.index.Metric;

/**
 * When and how a shard indexes its sealed data. {@code description} is an index factory string;
 * for IVF the list count may be left out ({@code IVF,Flat}, {@code IVF,SQ8}, {@code IVF,PQ16}) and is
 * then chosen at build time as about 4 x sqrt(N), capped so every list gets 39 training vectors.
 * {@code Flat} means no index: sealed data is scanned exactly.
 *
 * @param buildThreshold  sealed rows before the first index is built
 * @param rebuildFactor   rebuild when sealed rows reach this multiple of the rows the index was trained on
 * @param maxTrainingRows rows sampled for training at most
 * @param defaultNprobe   IVF lists probed when a search does not say (0: about sqrt(nlist), at least 1)
 */
public record IndexPolicy(String description, long buildThreshold, double rebuildFactor, int maxTrainingRows,
                          int defaultNprobe) {

    public static final IndexPolicy EXACT = new IndexPolicy("Flat", Long.MAX_VALUE, 2.0, 100_000, 0);
    private static final Pattern AUTO_IVF = Pattern.compile("IVF,(Flat|SQ8|PQ\\d{1,5})");

    public IndexPolicy {
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("index description is required");
        }
        if (buildThreshold < 1) {
            throw new IllegalArgumentException("index buildThreshold must be >= 1, got " + buildThreshold);
        }
        if (!(rebuildFactor > 1.0)) {
            throw new IllegalArgumentException("index rebuildFactor must be > 1, got " + rebuildFactor);
        }
        if (maxTrainingRows < 1) {
            throw new IllegalArgumentException("index maxTrainingRows must be >= 1, got " + maxTrainingRows);
        }
        if (defaultNprobe < 0) {
            throw new IllegalArgumentException("index defaultNprobe must be >= 0, got " + defaultNprobe);
        }
    }

    public static IndexPolicy of(String description, long buildThreshold) {
        return new IndexPolicy(description, buildThreshold, 2.0, 100_000, 0);
    }

    public boolean isExact() {
        return description.equals("Flat");
    }

    /** The concrete spec for {@code rows} sealed rows. */
    public IndexSpec resolve(int dimension, Metric metric, long rows) {
        return resolve(description, dimension, metric, rows, Math.min(rows, maxTrainingRows));
    }

    /** nlist ~ 4 sqrt(rows), capped so each list gets 39 of the {@code trainingRows} training vectors. */
    private static IndexSpec resolve(String description, int dimension, Metric metric, long rows, long trainingRows) {
        Matcher auto = AUTO_IVF.matcher(description);
        if (auto.matches()) {
            int nlist = (int) Math.max(1, Math.min(Math.round(4 * Math.sqrt(rows)), trainingRows / 39));
            return IndexSpec.parse("IVF" + nlist + "," + auto.group(1), dimension, metric);
        }
        return IndexSpec.parse(description, dimension, metric);
    }
}
