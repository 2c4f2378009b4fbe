package org.vxdb.bench.load;

import java.nio.file.Path;
import java.util.List;
import org.vxdb.bench.storage.JsonLine;

/** The Markdown report of one run: the command, its tables, the plot, and the JSON figures. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(Outcome outcome, JsonLine json, Path plot) {
        StringBuilder md = new StringBuilder();
        md.append("# VxDB bench: ").append(json.get("workload")).append(" on ").append(json.get("dataset"))
                .append("\n\n");
        md.append("`./vxdb bench ").append(json.get("command")).append("`\n\n");
        md.append("Java ").append(json.get("java")).append(", ").append(json.get("cpus")).append(" CPUs, load average ")
                .append(json.get("loadavg_start")).append(" at the start, ").append(json.get("loadavg_end"))
                .append(" at the end.\n");
        for (Outcome.Table t : outcome.tables()) {
            md.append("\n## ").append(t.title()).append("\n\n");
            row(md, t.columns());
            md.append('|');
            for (int i = 0; i < t.columns().size(); i++) {
                md.append(i == 0 ? " --- |" : " ---: |");
            }
            md.append('\n');
            t.rows().forEach(r -> row(md, r));
        }
        if (plot != null) {
            md.append("\n## Latency by percentile\n\n![latency](").append(plot.toString().replace('\\', '/'))
                    .append(")\n");
        }
        md.append("\n## Figures (JSON)\n\n```json\n").append(json).append("\n```\n");
        return md.toString();
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append('|');
        for (String c : cells) {
            md.append(' ').append(c.replace("|", "\\|")).append(" |");
        }
        md.append('\n');
    }
}
