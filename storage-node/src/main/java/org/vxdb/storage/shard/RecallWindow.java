package org.vxdb.storage.shard;

/**
 * The last {@link RecallCalibrator#WINDOW} recall samples of one ladder of settings: each sample is
 * the recall@k of one query at every ladder value. Samples from served queries and stand-ins
 * (leave-one-out rows) are told apart: once {@link RecallCalibrator#MIN_SAMPLES} served samples are
 * in the window, only they count. Not thread-safe: its owner synchronizes.
 */
final class RecallWindow {

    private final int[] ladder;
    private final double[][] ring = new double[RecallCalibrator.WINDOW][];
    private final boolean[] servedSample = new boolean[RecallCalibrator.WINDOW];
    private int samples;
    private int served;
    private int next;

    RecallWindow(int[] ladder) {
        this.ladder = ladder.clone();
    }

    int[] ladder() {
        return ladder.clone();
    }

    int size() {
        return ladder.length;
    }

    int value(int i) {
        return ladder[i];
    }

    boolean sameLadder(int[] other) {
        return java.util.Arrays.equals(ladder, other);
    }

    /** Records one sample: recall at each ladder value, in ladder order. */
    void add(double[] recalls, boolean fromServed) {
        if (samples == RecallCalibrator.WINDOW && servedSample[next]) {
            served--;
        }
        ring[next] = recalls.clone();
        servedSample[next] = fromServed;
        if (fromServed) {
            served++;
        }
        next = (next + 1) % RecallCalibrator.WINDOW;
        samples = Math.min(RecallCalibrator.WINDOW, samples + 1);
    }

    int samples() {
        return samples;
    }

    int served() {
        return served;
    }

    /**
     * Whether sample {@code s} counts: once the window holds enough served queries only they do
     * (rows of the shard used as queries are a proxy: real queries may come from elsewhere, and
     * their neighbours lie differently).
     */
    private boolean counts(int s) {
        return served < RecallCalibrator.MIN_SAMPLES || servedSample[s];
    }

    private int counted() {
        return served < RecallCalibrator.MIN_SAMPLES ? samples : served;
    }

    /** Mean recall per ladder value, or null with fewer than {@link RecallCalibrator#MIN_SAMPLES} samples. */
    double[] means() {
        if (samples < RecallCalibrator.MIN_SAMPLES) {
            return null;
        }
        double[] mean = new double[ladder.length];
        for (int s = 0; s < samples; s++) {
            if (counts(s)) {
                for (int i = 0; i < ladder.length; i++) {
                    mean[i] += ring[s][i];
                }
            }
        }
        int n = counted();
        for (int i = 0; i < ladder.length; i++) {
            mean[i] /= n;
        }
        return mean;
    }

    /** One-sided 95% lower confidence bound of the mean recall at ladder index {@code i}. */
    double lowerBound(int i, double mean) {
        double squares = 0;
        for (int s = 0; s < samples; s++) {
            if (counts(s)) {
                double d = ring[s][i] - mean;
                squares += d * d;
            }
        }
        int n = counted();
        double std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        return mean - 1.645 * std / Math.sqrt(n);
    }
}
