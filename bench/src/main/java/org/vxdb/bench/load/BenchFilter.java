package org.vxdb.bench.load;

import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.Value;
import org.vxdb.storage.filter.Filter;

/**
 * One filter of the {@code filter} workload in both forms: the engine's (embedded target) and the
 * public API's (gRPC targets), with its label and the share of rows it was generated to match.
 */
record BenchFilter(String label, double percent, Filter engine, org.vxdb.api.v1.Filter wire) {

    /** {@code field < bound}: matches the rows whose uniformly spread {@code field} is below the bound. */
    static BenchFilter below(String field, long bound, double percent) {
        return new BenchFilter("range " + field + " < " + bound, percent,
                Filter.range(field, null, false, (double) bound, false),
                org.vxdb.api.v1.Filter.newBuilder().setRange(FieldRange.newBuilder().setField(field).setMax(bound)
                        .setMaxExclusive(true)).build());
    }

    /** {@code field == value} on a string field. */
    static BenchFilter equal(String field, String value, double percent) {
        return new BenchFilter("eq " + field + " = " + value, percent, Filter.eq(field, value),
                org.vxdb.api.v1.Filter.newBuilder().setEq(FieldEquals.newBuilder().setField(field)
                        .setValue(Value.newBuilder().setStringValue(value))).build());
    }
}
