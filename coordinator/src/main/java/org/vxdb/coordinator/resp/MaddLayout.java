package org.vxdb.coordinator.resp;

import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteConsistency;

/**
 * The options of {@code VECTOR.MADD collection DIM n [FP32] [WITHMETA] [CONSISTENCY c] rows...}
 * and the shape of its rows: an id, then n decimal components or one FP32 blob, then (WITHMETA)
 * a JSON object or an empty string.
 */
record MaddLayout(int dimension, boolean fp32, boolean withMeta, WriteConsistency consistency, int firstRow) {

    static MaddLayout read(Request r) {
        int dim = 0;
        boolean fp32 = false;
        boolean withMeta = false;
        WriteConsistency consistency = WriteConsistency.WRITE_CONSISTENCY_UNSPECIFIED;
        int i = 2;
        for (; i < r.argc(); i++) {
            switch (r.keyword(i)) {
                case "DIM" -> {
                    if (i + 1 >= r.argc()) {
                        throw CommandException.err("syntax error: DIM needs a value");
                    }
                    Long d = RespNumbers.parseLong(r.arg(++i));
                    if (d == null || d < 1 || d > Integer.MAX_VALUE) {
                        throw CommandException.err("DIM must be a positive integer, got '" + VectorArgs.clip(r.arg(i))
                                + "'");
                    }
                    dim = d.intValue();
                }
                case "FP32" -> fp32 = true;
                case "WITHMETA" -> withMeta = true;
                case "CONSISTENCY" -> {
                    if (i + 1 >= r.argc()) {
                        throw CommandException.err("syntax error: CONSISTENCY needs a value");
                    }
                    consistency = VectorArgs.consistency(r.keyword(++i));
                }
                default -> {
                    return checked(r, new MaddLayout(dim, fp32, withMeta, consistency, i));
                }
            }
        }
        return checked(r, new MaddLayout(dim, fp32, withMeta, consistency, i));
    }

    private static MaddLayout checked(Request r, MaddLayout layout) {
        if (!layout.fp32 && layout.dimension == 0) {
            throw CommandException.err("VECTOR.MADD needs DIM n before the rows (or FP32)");
        }
        int rowArgs = r.argc() - layout.firstRow;
        if (rowArgs % layout.width() != 0) {
            throw CommandException.err("VECTOR.MADD: " + rowArgs + " row arguments are not a whole number of rows of "
                    + layout.width() + " (" + layout.rowShape() + ")");
        }
        return layout;
    }

    /** Arguments per row. */
    int width() {
        return 1 + (fp32 ? 1 : dimension) + (withMeta ? 1 : 0);
    }

    private String rowShape() {
        return "id, " + (fp32 ? "FP32 blob" : dimension + " values") + (withMeta ? ", json" : "");
    }

    /** Row {@code row}, whose id is argument {@code at}. */
    Vector vector(Request r, int row, int at) {
        Vector.Builder v = Vector.newBuilder().setId(VectorArgs.id(r, at));
        try {
            v.addAllValues(fp32 ? VectorArgs.fp32(r.raw(at + 1)) : VectorArgs.values(r, at + 1, dimension));
        } catch (CommandException e) {
            throw CommandException.err("row " + row + ": " + e.errorText().substring("ERR ".length()));
        }
        if (withMeta) {
            String json = r.arg(at + width() - 1);
            if (!json.isEmpty()) {
                String what = "row " + row + " metadata";
                v.putAllMetadata(MetadataJson.toMetadata(MetadataJson.parseObject(json, what), what));
            }
        }
        return v.build();
    }
}
