package org.vxdb.cli.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vxdb.api.v1.Vector;
import org.vxdb.api.v1.WriteRequest;
import org.vxdb.api.v1.WriteResponse;
import org.vxdb.cli.CliException;
import org.vxdb.cli.client.ClientOptions;
import org.vxdb.cli.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vxdb import}: the rows of an fvecs, JSON lines or CSV file into a collection, in batches
 * of upserts. After each acknowledged batch the position is saved ({@link ImportState}); an
 * interrupted import run again resumes there, and every row ends up present exactly once.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an fvecs, JSON lines or CSV file into a collection (resumable)")
public final class ImportCommand implements Callable<Integer> {

    /** Exit code of an import stopped before its end (interrupted, or --stop-after-batches). */
    public static final int STOPPED = 75;

    @Mixin
    ClientOptions client;
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "COLLECTION", description = "The collection (it must exist)")
    String collection;
    @Parameters(index = "1", paramLabel = "FILE", description = "The input: .fvecs, .jsonl or .csv")
    Path input;
    @Option(names = "--format", paramLabel = "fvecs|jsonl|csv", description = "The input format (default: from the"
            + " extension)")
    String format;
    @Option(names = "--batch", defaultValue = "1000", description = "Rows per write (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--state", paramLabel = "FILE",
            description = "Where the position is kept (default: FILE.vxdb-import beside the input)")
    Path stateFile;
    @Option(names = "--restart", description = "Ignore a saved position and import from the first row")
    boolean restart;
    @Option(names = "--no-progress", description = "No progress bar (it is drawn only on a terminal anyway)")
    boolean noProgress;
    /** Tests: stop as if interrupted once this many batches are acknowledged. */
    @Option(names = "--stop-after-batches", hidden = true, defaultValue = "0")
    long stopAfterBatches;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || batch > 10_000) {
            throw new CliException("--batch must be 1..10000, got " + batch);
        }
        if (!Files.isRegularFile(input)) {
            throw new CliException(input + ": no such file");
        }
        RowSource.Format f = RowSource.Format.of(format, input);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path statePath = stateFile != null ? stateFile : ImportState.defaultFile(input);
        if (restart) {
            Files.deleteIfExists(statePath);
        }
        try (Connection c = Connection.open(client); RowSource source = open(f, input)) {
            int dimension = c.describe(collection).getSpec().getDimension();
            ImportState state = ImportState.open(statePath, collection, input);
            long start = state.rows();
            if (start > 0) {
                source.skip(start);
                err.println("vxdb: resuming the import of " + input + " at row " + start + " (state file " + statePath
                        + ")");
                err.flush();
            }
            ProgressBar progress = new ProgressBar(err, !noProgress && System.console() != null
                    && System.console().isTerminal());
            long[] done = {start};
            Thread interrupted = new Thread(() -> {
                err.println();
                err.println("vxdb: import interrupted after row " + done[0] + "; run the same command again to resume");
                err.flush();
            }, "vxdb-import-interrupted");
            Runtime.getRuntime().addShutdownHook(interrupted);
            try {
                return importRows(c, source, state, dimension, start, done, progress, out);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(interrupted);
                } catch (IllegalStateException shuttingDown) {
                    // the hook says where the import stopped
                }
            }
        }
    }

    private int importRows(Connection c, RowSource source, ImportState state, int dimension, long start, long[] done,
                           ProgressBar progress, PrintWriter out) throws IOException {
        long batches = 0;
        List<Row> rows = new ArrayList<>(batch);
        while (true) {
            rows.clear();
            Row r;
            while (rows.size() < batch && (r = source.next()) != null) {
                if (r.vector().length != dimension) {
                    throw new CliException(r.where() + ": vector has " + r.vector().length + " values, collection '"
                            + collection + "' has dimension " + dimension);
                }
                rows.add(r);
            }
            if (rows.isEmpty()) {
                break;
            }
            write(c, rows);
            done[0] += rows.size();
            state.save(done[0]);
            batches++;
            progress.update(source.progress(), done[0], done[0] - start, false);
            if (stopAfterBatches > 0 && batches == stopAfterBatches) {
                progress.finish();
                throw new CliException("import stopped after " + batches + " batches at row " + done[0]
                        + "; run the same command again to resume", STOPPED);
            }
        }
        progress.update(1, done[0], done[0] - start, true);
        progress.finish();
        state.delete();
        out.println("imported " + (done[0] - start) + " rows into " + collection + (start > 0
                ? " (resumed at row " + start + ", " + done[0] + " rows in all)" : ""));
        out.flush();
        return 0;
    }

    private void write(Connection c, List<Row> rows) {
        WriteRequest.Builder w = WriteRequest.newBuilder().setCollection(collection);
        for (Row r : rows) {
            Vector.Builder v = Vector.newBuilder().setId(r.id()).putAllMetadata(r.metadata());
            for (float x : r.vector()) {
                v.addValues(x);
            }
            w.addVectors(v);
        }
        WriteResponse response = c.vectors().upsert(w.build());
        if (response.getFailuresCount() > 0) {
            var failure = response.getFailures(0);
            throw new CliException("id " + Long.toUnsignedString(failure.getId()) + " was not written: "
                    + failure.getReason() + " (" + response.getFailuresCount() + " ids in the batch failed; run the"
                    + " same command again to retry from the last acknowledged batch)");
        }
    }

    static RowSource open(RowSource.Format format, Path file) throws IOException {
        return switch (format) {
            case FVECS -> new FvecsSource(file);
            case JSONL -> new TextSource.JsonLines(file);
            case CSV -> new TextSource.Csv(file);
        };
    }
}
