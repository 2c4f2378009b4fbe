package org.vxdb.service.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.vxdb.service.config.ByteSizeText;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;
import org.vxdb.service.config.DurationText;

/**
 * The {@code audit:} section of a server's config. Without the section (or with an empty one) the
 * audit log is off; with it, it is on unless {@code enabled: false}, and {@code file} is required.
 *
 * @param enabled            whether anything is written
 * @param file               the current log file, absolute; null only when disabled
 * @param levels             the categories written; {@link AuditCategory#SYSTEM} lines are written whatever this says
 * @param maxFileSize        the current file is rotated before a line would take it past this size
 * @param maxFiles           rotated files kept ({@code audit.log.1} ... {@code audit.log.<maxFiles>})
 * @param checkpointInterval how often the chain's head is logged to the main log (beside rotation and close);
 *                           zero: only at open, rotation and close
 */
public record AuditSettings(boolean enabled, Path file, Set<AuditCategory> levels, long maxFileSize, int maxFiles,
                            Duration checkpointInterval) {

    public static final String SECTION = "audit";
    public static final Set<AuditCategory> LEVELS_DEFAULT = Set.copyOf(AuditCategory.LEVELS);
    private static final List<String> LEVEL_NAMES = AuditCategory.LEVELS.stream().map(AuditCategory::wireName)
            .toList();
    public static final long MAX_FILE_SIZE_DEFAULT = 100L << 20;
    public static final long MAX_FILE_SIZE_MIN = 64L << 10;
    public static final long MAX_FILE_SIZE_MAX = 1L << 40;
    public static final int MAX_FILES_DEFAULT = 10;
    public static final int MAX_FILES_MAX = 10_000;
    public static final Duration CHECKPOINT_INTERVAL_DEFAULT = Duration.ofMinutes(1);
    public static final Duration CHECKPOINT_INTERVAL_MAX = Duration.ofDays(1);

    public static final AuditSettings DISABLED = new AuditSettings(false, null, LEVELS_DEFAULT, MAX_FILE_SIZE_DEFAULT,
            MAX_FILES_DEFAULT, CHECKPOINT_INTERVAL_DEFAULT);

    public AuditSettings {
        Objects.requireNonNull(levels, "levels");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        levels = levels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(levels));
        if (enabled) {
            Objects.requireNonNull(file, "file");
            file = file.toAbsolutePath().normalize();
        }
        if (levels.contains(AuditCategory.SYSTEM)) {
            throw new IllegalArgumentException("levels: system lines are always written; list only "
                    + AuditCategory.LEVELS);
        }
        if (maxFileSize < MAX_FILE_SIZE_MIN || maxFiles < 1) {
            throw new IllegalArgumentException("maxFileSize " + maxFileSize + " or maxFiles " + maxFiles
                    + " out of range");
        }
    }

    /** Every level, the default sizes and checkpoints: what {@code audit: {file: ...}} gives. */
    public static AuditSettings enabled(Path file) {
        return new AuditSettings(true, file, LEVELS_DEFAULT, MAX_FILE_SIZE_DEFAULT, MAX_FILES_DEFAULT,
                CHECKPOINT_INTERVAL_DEFAULT);
    }

    public AuditSettings withLevels(Set<AuditCategory> newLevels) {
        return new AuditSettings(enabled, file, newLevels, maxFileSize, maxFiles, checkpointInterval);
    }

    public AuditSettings withRotation(long newMaxFileSize, int newMaxFiles) {
        return new AuditSettings(enabled, file, levels, newMaxFileSize, newMaxFiles, checkpointInterval);
    }

    /**
     * Reads and checks the {@code audit:} section of a config's top level, which must declare the
     * field {@value #SECTION}.
     *
     * @param baseDir what a relative {@code file} resolves against: the config file's directory
     */
    public static AuditSettings read(ConfigSection root, Path baseDir) {
        boolean present = !root.value(SECTION).isAbsent();
        ConfigSection audit = root.section(SECTION, "enabled", "file", "levels", "max_file_size", "max_files",
                "checkpoint_interval");
        boolean enabled = bool(audit.value("enabled"), present);
        ConfigValue fileValue = audit.value("file");
        Path file = enabled || !fileValue.isAbsent() ? fileValue.required().resolvedPath(baseDir, "file") : null;
        Set<AuditCategory> levels = levels(audit.value("levels"));
        long maxFileSize = audit.value("max_file_size").size(MAX_FILE_SIZE_DEFAULT, MAX_FILE_SIZE_MIN,
                MAX_FILE_SIZE_MAX);
        int maxFiles = (int) audit.value("max_files").integer(MAX_FILES_DEFAULT, 1, MAX_FILES_MAX);
        Duration checkpointInterval = audit.value("checkpoint_interval").duration(CHECKPOINT_INTERVAL_DEFAULT,
                Duration.ZERO, CHECKPOINT_INTERVAL_MAX);
        return new AuditSettings(enabled, file, levels, maxFileSize, maxFiles, checkpointInterval);
    }

    private static boolean bool(ConfigValue value, boolean defaultValue) {
        if (value.isAbsent()) {
            return defaultValue;
        }
        if (!value.node().isBoolean()) {
            throw value.wrongType("true or false");
        }
        return value.node().booleanValue();
    }

    private static Set<AuditCategory> levels(ConfigValue value) {
        if (value.isAbsent()) {
            return LEVELS_DEFAULT;
        }
        List<ConfigValue> entries = value.list();
        if (entries.isEmpty()) {
            throw value.invalid("at least one level is required (to write nothing, set audit.enabled: false)");
        }
        Map<AuditCategory, String> listedAs = new EnumMap<>(AuditCategory.class);
        for (ConfigValue entry : entries) {
            String name = entry.required().oneOf(null, LEVEL_NAMES);
            AuditCategory level = AuditCategory.valueOf(name.toUpperCase(Locale.ROOT));
            String earlier = listedAs.putIfAbsent(level, entry.path());
            if (earlier != null) {
                throw entry.invalid(level.wireName() + " is listed twice (also " + earlier + ")");
            }
        }
        return listedAs.keySet();
    }

    /** Every setting as {@code audit.<field>=<value>}, for a server's start-up log line. */
    @Override
    public String toString() {
        if (!enabled) {
            return "audit.enabled=false";
        }
        return "audit.file=" + file
                + " audit.levels=" + levels.stream().sorted().map(AuditCategory::wireName)
                        .collect(Collectors.joining(","))
                + " audit.max_file_size=" + ByteSizeText.format(maxFileSize)
                + " audit.max_files=" + maxFiles
                + " audit.checkpoint_interval=" + DurationText.format(checkpointInterval);
    }
}
