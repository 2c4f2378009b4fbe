package org.vxdb.storage.metaindex;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.RoaringBitmapWriter;
import org.vxdb.storage.filter.Filter;
import org.vxdb.storage.meta.MetadataCodec.MetadataReader;
import org.vxdb.storage.meta.MetadataValue;

/**
 * Numeric values of one field (integers as doubles, the way range filters compare them) with their
 * rows. While growing (the memory buffer) the pairs stay in row order and a range is a linear pass
 * over a double array; frozen, they are sorted by value and cut into at most 256 buckets of at
 * least {@link #MIN_BUCKET_ROWS} rows that each keep a row bitmap, so a wide range unites whole
 * buckets and only the two partial ones are assembled row by row.
 */
final class OrderedFieldIndex implements FieldIndex {

    static final int MIN_BUCKET_ROWS = 512;
    private static final int TARGET_BUCKETS = 256;

    private final MetadataIndexSpec spec;
    private double[] values;
    private int[] rows;
    private int size;
    private boolean frozen;
    private int bucketRows;
    private RoaringBitmap[] buckets;

    OrderedFieldIndex(MetadataIndexSpec spec) {
        this.spec = spec;
        this.values = new double[64];
        this.rows = new int[64];
    }

    private OrderedFieldIndex(MetadataIndexSpec spec, double[] sortedValues, int[] sortedRows) {
        this.spec = spec;
        this.values = sortedValues;
        this.rows = sortedRows;
        this.size = sortedValues.length;
        this.frozen = true;
        buildBuckets();
    }

    @Override
    public MetadataIndexSpec spec() {
        return spec;
    }

    @Override
    public void add(int row, MetadataReader field) {
        if (frozen) {
            throw new IllegalStateException("ordered index on '" + spec.field() + "' is frozen");
        }
        double v = field.numeric();
        if (Double.isNaN(v)) {
            return; // not a number (or NaN): no range or numeric eq matches it
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            rows = Arrays.copyOf(rows, size * 2);
        }
        values[size] = v == 0.0 ? 0.0 : v;
        rows[size] = row;
        size++;
    }

    @Override
    public void freeze() {
        if (frozen) {
            return;
        }
        values = Arrays.copyOf(values, size);
        rows = Arrays.copyOf(rows, size);
        sort(values, rows, 0, size - 1);
        frozen = true;
        buildBuckets();
    }

    private void buildBuckets() {
        bucketRows = Math.max(MIN_BUCKET_ROWS, (size + TARGET_BUCKETS - 1) / TARGET_BUCKETS);
        int count = (size + bucketRows - 1) / bucketRows;
        buckets = new RoaringBitmap[count];
        for (int b = 0; b < count; b++) {
            buckets[b] = rowsBitmap(b * bucketRows, Math.min(size, (b + 1) * bucketRows));
            buckets[b].runOptimize();
        }
    }

    private RoaringBitmap rowsBitmap(int from, int to) {
        return RoaringBitmap.bitmapOfUnordered(Arrays.copyOfRange(rows, from, to));
    }

    @Override
    public RoaringBitmap eq(MetadataValue value) {
        Filter.Range point = point(value);
        return point == null ? null : range(point);
    }

    @Override
    public long countEq(MetadataValue value) {
        Filter.Range point = point(value);
        return point == null ? -1 : countRange(point);
    }

    /** Numeric equality as a one-point range; null for non-numbers and integers a double cannot tell apart. */
    private static Filter.Range point(MetadataValue value) {
        return switch (value) {
            case MetadataValue.Int i when i.value() >= -EXACT_DOUBLE_INTEGER && i.value() <= EXACT_DOUBLE_INTEGER ->
                    (Filter.Range) Filter.between("point", i.value(), i.value());
            case MetadataValue.Real r -> (Filter.Range) Filter.between("point", r.value(), r.value());
            default -> null;
        };
    }

    @Override
    public RoaringBitmap range(Filter.Range range) {
        if (!frozen) {
            RoaringBitmapWriter<RoaringBitmap> out = RoaringBitmapWriter.writer().get();
            for (int i = 0; i < size; i++) {
                if (range.contains(values[i])) {
                    out.add(rows[i]);
                }
            }
            return out.get();
        }
        int lo = lowerIndex(range);
        int hi = upperIndex(range);
        if (hi <= lo) {
            return new RoaringBitmap();
        }
        int firstFull = (lo + bucketRows - 1) / bucketRows;
        int endFull = hi / bucketRows;
        if (hi == size) {
            endFull = buckets.length;
        }
        if (firstFull >= endFull) {
            return rowsBitmap(lo, hi);
        }
        List<RoaringBitmap> parts = new ArrayList<>(endFull - firstFull + 2);
        for (int b = firstFull; b < endFull; b++) {
            parts.add(buckets[b]);
        }
        parts.add(rowsBitmap(lo, firstFull * bucketRows));
        parts.add(rowsBitmap(Math.min(hi, endFull * bucketRows), hi));
        return FastAggregation.or(parts.iterator());
    }

    @Override
    public boolean rangeInto(Filter.Range range, long[] bits, long base) {
        if (!frozen) {
            for (int i = 0; i < size; i++) {
                if (range.contains(values[i])) {
                    long row = base + rows[i];
                    bits[(int) (row >>> 6)] |= 1L << row;
                }
            }
            return true;
        }
        // The matching rows are one run of the value-sorted positions: set them straight from it.
        int hi = upperIndex(range);
        for (int i = lowerIndex(range); i < hi; i++) {
            long row = base + rows[i];
            bits[(int) (row >>> 6)] |= 1L << row;
        }
        return true;
    }

    @Override
    public long countRange(Filter.Range range) {
        if (!frozen) {
            long n = 0;
            for (int i = 0; i < size; i++) {
                if (range.contains(values[i])) {
                    n++;
                }
            }
            return n;
        }
        return Math.max(0, upperIndex(range) - lowerIndex(range));
    }

    /** First sorted position at or above the range's lower bound. */
    private int lowerIndex(Filter.Range r) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            boolean below = r.minInclusive() ? values[mid] < r.min() : values[mid] <= r.min();
            if (below) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First sorted position past the range's upper bound. */
    private int upperIndex(Filter.Range r) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            boolean inOrBelow = r.maxInclusive() ? values[mid] <= r.max() : values[mid] < r.max();
            if (inOrBelow) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Rows with a numeric value. */
    int size() {
        return size;
    }

    @Override
    public long bytes() {
        long n = (long) values.length * Double.BYTES + (long) rows.length * Integer.BYTES;
        if (buckets != null) {
            for (RoaringBitmap b : buckets) {
                n += b.getLongSizeInBytes();
            }
        }
        return n;
    }

    @Override
    public long payloadBytes() {
        return Integer.BYTES + (long) size * (Double.BYTES + Integer.BYTES);
    }

    @Override
    public void writePayload(ByteBuffer out) {
        if (!frozen) {
            throw new IllegalStateException("ordered index on '" + spec.field() + "' is written before it is frozen");
        }
        out.putInt(size);
        for (int i = 0; i < size; i++) {
            out.putDouble(values[i]);
        }
        for (int i = 0; i < size; i++) {
            out.putInt(rows[i]);
        }
    }

    /** Reads what {@link #writePayload} wrote: values ascending, rows in {@code [0, rows)}. */
    static OrderedFieldIndex read(MetadataIndexSpec spec, ByteBuffer in, long segmentRows) {
        int n = in.getInt();
        if (n < 0 || n > segmentRows || (long) n * (Double.BYTES + Integer.BYTES) > in.remaining()) {
            throw new IllegalArgumentException("field '" + spec.field() + "' lists " + Integer.toUnsignedString(n)
                    + " values for " + segmentRows + " rows in " + in.remaining() + " bytes");
        }
        double[] values = new double[n];
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.getDouble();
            if (Double.isNaN(values[i]) || (i > 0 && values[i] < values[i - 1])) {
                throw new IllegalArgumentException("field '" + spec.field() + "': values are not ascending at " + i);
            }
        }
        for (int i = 0; i < n; i++) {
            rows[i] = in.getInt();
            if (rows[i] < 0 || rows[i] >= segmentRows) {
                throw new IllegalArgumentException("field '" + spec.field() + "': row " + rows[i]
                        + " is beyond the segment's " + segmentRows + " rows");
            }
        }
        return new OrderedFieldIndex(spec, values, rows);
    }

    /** Sorts the pairs by value (then row), in place: quicksort with median-of-three, insertion sort below 16. */
    private static void sort(double[] v, int[] r, int lo, int hi) {
        while (hi - lo >= 16) {
            int mid = (lo + hi) >>> 1;
            if (less(v, r, mid, lo)) {
                swap(v, r, mid, lo);
            }
            if (less(v, r, hi, lo)) {
                swap(v, r, hi, lo);
            }
            if (less(v, r, hi, mid)) {
                swap(v, r, hi, mid);
            }
            double pv = v[mid];
            int pr = r[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (v[i] < pv || (v[i] == pv && r[i] < pr)) {
                    i++;
                }
                while (v[j] > pv || (v[j] == pv && r[j] > pr)) {
                    j--;
                }
                if (i <= j) {
                    swap(v, r, i, j);
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) {
                sort(v, r, lo, j);
                lo = i;
            } else {
                sort(v, r, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && less(v, r, j, j - 1); j--) {
                swap(v, r, j, j - 1);
            }
        }
    }

    private static boolean less(double[] v, int[] r, int a, int b) {
        return v[a] < v[b] || (v[a] == v[b] && r[a] < r[b]);
    }

    private static void swap(double[] v, int[] r, int a, int b) {
        double tv = v[a];
        v[a] = v[b];
        v[b] = tv;
        int tr = r[a];
        r[a] = r[b];
        r[b] = tr;
    }
}
