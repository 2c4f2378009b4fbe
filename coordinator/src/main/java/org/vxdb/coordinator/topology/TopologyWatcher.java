package org.vxdb.coordinator.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vxdb.service.config.ConfigException;
import org.vxdb.service.config.DurationText;
import org.vxdb.service.config.YamlDocument;

/**
 * Reloads the topology when its file changes. Every interval it looks at the file's size and
 * modification time, reads it when either changed, and parses it when its content (by hash) changed.
 * A valid topology that differs from the current one is handed to {@code onChange} and logged with
 * its {@link Topology#diff}; an invalid one is logged and the current topology stays. So is a
 * change of {@code total_clusters}: it would move almost every vector to another cluster.
 */
public final class TopologyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyWatcher.class);

    /**
     * Modification times are coarse (a kernel tick), so a file rewritten in the tick it was read in
     * keeps its time and perhaps its size. Until a file has been unmodified this long when read, it
     * is read again at every check rather than trusted by size and time ("racy git").
     */
    static final Duration SETTLE_TIME = Duration.ofSeconds(2);

    private final Path file;
    private final Consumer<Topology> onChange;
    private final Clock clock;
    private Topology current;
    /** What the file was when last read; null before the first read and while it cannot be read. */
    private FileStamp lastRead;
    /** The last read error logged, so a missing file is reported once rather than every interval. */
    private String lastProblem;
    private volatile ScheduledFuture<?> task;

    TopologyWatcher(Path file, Topology current, Consumer<Topology> onChange, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.current = Objects.requireNonNull(current, "current");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Checks {@code file} every {@code interval} on {@code scheduler}, which the caller owns and shuts down.
     *
     * @param current  the topology in use, normally loaded from {@code file}; the first check compares
     *                 the file with it, so a change made since it was loaded is not missed
     * @param onChange receives each valid new topology, on the scheduler's thread
     */
    public static TopologyWatcher start(Path file, Topology current, Duration interval, Consumer<Topology> onChange,
                                        ScheduledExecutorService scheduler) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        TopologyWatcher watcher = new TopologyWatcher(file, current, onChange, Clock.systemUTC());
        long nanos = interval.toNanos();
        watcher.task = scheduler.scheduleWithFixedDelay(watcher::checkQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
        LOG.info("{}: checking for topology changes every {}", file, DurationText.format(interval));
        return watcher;
    }

    /** The topology last handed to {@code onChange}, or the one it started with. */
    public synchronized Topology current() {
        return current;
    }

    /** A scheduled task that throws is never run again, so nothing may escape a check. */
    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            LOG.error("{}: checking the topology failed; keeping the current topology", file, e);
        }
    }

    /** One poll of the file; the scheduler calls it, tests call it instead of waiting. */
    synchronized void checkNow() {
        BasicFileAttributes attributes;
        String text;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (lastRead != null && lastRead.unchanged(attributes)) {
                return;
            }
            text = YamlDocument.readFile(file);
        } catch (NoSuchFileException e) {
            cannotRead(file + ": no such file");
            return;
        } catch (IOException e) {
            cannotRead(file + ": cannot read: " + e);
            return;
        } catch (ConfigException e) {
            cannotRead(e.getMessage());
            return;
        }
        lastProblem = null;
        FileStamp stamp = new FileStamp(attributes.size(), attributes.lastModifiedTime(), sha256(text), clock.instant());
        boolean contentChanged = lastRead == null || !Arrays.equals(lastRead.hash(), stamp.hash());
        lastRead = stamp;
        if (contentChanged) {
            apply(text);
        }
    }

    private void cannotRead(String problem) {
        lastRead = null;
        if (!problem.equals(lastProblem)) {
            LOG.error("{}; keeping the current topology", problem);
            lastProblem = problem;
        }
    }

    private void apply(String text) {
        Topology newer;
        try {
            newer = Topology.parse(text);
        } catch (ConfigException e) {
            LOG.error("{}; keeping the current topology", e.inFile(file).getMessage());
            return;
        }
        if (newer.equals(current)) {
            LOG.debug("{}: rewritten with the same topology", file);
            return;
        }
        if (newer.totalClusters() != current.totalClusters()) {
            LOG.error("{}: total_clusters cannot change from {} to {} without moving every vector;"
                    + " keeping the current topology", file, current.totalClusters(), newer.totalClusters());
            return;
        }
        handOver(newer);
    }

    private void handOver(Topology newer) {
        String diff = current.diff(newer);
        try {
            onChange.accept(newer);
        } catch (RuntimeException e) {
            LOG.error("{}: applying the new topology failed; keeping the current topology", file, e);
            return;
        }
        current = newer;
        LOG.info("{}: topology reloaded: {} (now {})", file, diff, newer.summary());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** Stops checking; the scheduler stays up (it is the caller's). */
    @Override
    public void close() {
        ScheduledFuture<?> scheduled = task;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    /** The file as last read: its size and time, its content's hash, and when it was read. */
    private record FileStamp(long size, FileTime modified, byte[] hash, Instant readAt) {

        /** Whether size and time say the file is as read, and the time can be trusted to say so. */
        boolean unchanged(BasicFileAttributes now) {
            boolean settled = modified.toInstant().plus(SETTLE_TIME).isBefore(readAt);
            return settled && now.size() == size && now.lastModifiedTime().equals(modified);
        }
    }
}
