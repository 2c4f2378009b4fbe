package org.vxdb.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.vxdb.bench.storage.JsonLine;

/**
 * What a workload measured: its JSON figures (the line printed last), the tables of the Markdown
 * report, and the latency histograms (nanoseconds) the plot draws, by series name.
 */
record Outcome(JsonLine json, List<Table> tables, Map<String, Histogram> latencies) {

    /** One Markdown table: a heading, column names and rows of cells. */
    record Table(String title, List<String> columns, List<List<String>> rows) {
    }

    static Map<String, Histogram> series() {
        return new LinkedHashMap<>();
    }
}
