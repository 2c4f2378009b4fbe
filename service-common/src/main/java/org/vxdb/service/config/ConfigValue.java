package org.vxdb.service.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One value of the config tree with its full path ({@code grpc.listen}, {@code storage.data_dirs[1]}),
 * read as the type a field expects. Every error names the path. An absent or empty ({@code null})
 * value reads as the field's default.
 */
public record ConfigValue(String path, JsonNode node) {

    /** Longest {@link #identifier()}: node and coordinator ids appear in logs, metrics and file names. */
    public static final int IDENTIFIER_MAX_LENGTH = 64;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_-]{1," + IDENTIFIER_MAX_LENGTH + "}");

    public boolean isAbsent() {
        return node == null || node.isNull() || node.isMissingNode();
    }

    public ConfigException invalid(String reason) {
        return new ConfigException(path + ": " + reason);
    }

    public ConfigException wrongType(String expected) {
        return invalid("expected " + expected + ", got " + describe(node));
    }

    /** This value, or {@code <path>: required} when it is absent. */
    public ConfigValue required() {
        if (isAbsent()) {
            throw invalid("required");
        }
        return this;
    }

    public String string(String defaultValue) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (!node.isString()) {
            throw wrongType("a string");
        }
        return node.stringValue();
    }

    /** {@code true} or {@code false}; absent reads as {@code defaultValue}. */
    public boolean bool(boolean defaultValue) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw wrongType("true or false");
        }
        return node.booleanValue();
    }

    /** A string converted by {@code parser}, whose {@link IllegalArgumentException} is the reason. */
    public <T> T parsed(T defaultValue, Function<String, T> parser) {
        String text = string(null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /**
     * A required name such as {@code node_id}: 1-{@value #IDENTIFIER_MAX_LENGTH} letters, digits,
     * {@code _} or {@code -}, so it is safe in a log line, a metric label or a file name.
     */
    public String identifier() {
        String id = required().string(null);
        if (!IDENTIFIER.matcher(id).matches()) {
            throw invalid("'" + id + "' is invalid: use 1-" + IDENTIFIER_MAX_LENGTH + " letters, digits, '_' or '-'");
        }
        return id;
    }

    /** An address, {@code host:port}; absent reads as {@code defaultValue}. */
    public HostAndPort address(HostAndPort defaultValue) {
        String text = string(null);
        return text == null ? defaultValue : HostAndPort.parse(path, text);
    }

    /**
     * A path resolved against {@code baseDir} and normalized.
     *
     * @param kind "directory" or "file", for the error on a blank value
     */
    public Path resolvedPath(Path baseDir, String kind) {
        String text = string(null);
        if (text == null) {
            throw wrongType("a string");
        }
        if (text.isBlank()) {
            throw invalid("'" + text + "' is invalid: use a " + kind + " path");
        }
        if (text.equals("~") || text.startsWith("~/")) {
            throw invalid("'" + text + "' is invalid: '~' is not expanded; use an absolute path or one"
                    + " relative to the config file");
        }
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw invalid("'" + text + "' is invalid: " + e.getReason());
        }
    }

    /** One of {@code choices}, matched in any case and returned as listed there. */
    public String oneOf(String defaultValue, List<String> choices) {
        return parsed(defaultValue, text -> choices.stream()
                .filter(choice -> choice.equalsIgnoreCase(text))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is invalid: use " + listed(choices))));
    }

    /** A constant of {@code type}, written in any case: {@code fsync: batch} for {@code FsyncPolicy.BATCH}. */
    public <E extends Enum<E>> E oneOf(E defaultValue, Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        String name = oneOf(defaultValue == null ? null : defaultValue.name(), names);
        return name == null ? null : Enum.valueOf(type, name);
    }

    /** "always, batch or none": choices as written in a file, in lower case. */
    private static String listed(List<String> choices) {
        List<String> lower = choices.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        return lower.size() == 1
                ? lower.getFirst()
                : String.join(", ", lower.subList(0, lower.size() - 1)) + " or " + lower.getLast();
    }

    public long integer(long defaultValue, long min, long max) {
        return integer(defaultValue, min, max, null);
    }

    /**
     * An integer in {@code [min, max]}.
     *
     * @param limitSource where the limits come from when another field sets them, shown after them:
     *                    {@code 4 is invalid: use 1-3 (the number of nodes)}; null for fixed limits
     */
    public long integer(long defaultValue, long min, long max, String limitSource) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (!node.isIntegralNumber()) {
            throw wrongType("an integer");
        }
        return inRange(node, min, max, Long::toString, limitSource);
    }

    /** A thread count, 0 meaning one thread per CPU; never returns 0. */
    public int threads(int defaultValue, int max) {
        long configured = integer(defaultValue, 0, max);
        return configured == 0 ? Runtime.getRuntime().availableProcessors() : (int) configured;
    }

    public long size(long defaultValue, long min, long max) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (node.isIntegralNumber()) {
            return inRange(node, min, max, ByteSizeText::format, null);
        }
        if (!node.isString()) {
            throw wrongType("a size (e.g. 64MiB)");
        }
        long bytes = parsed(null, ByteSizeText::parse);
        return checkRange(bytes, min, max, ByteSizeText::format, null);
    }

    public Duration duration(Duration defaultValue, Duration min, Duration max) {
        Duration value = durationOrNull();
        if (value == null) {
            return defaultValue;
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalid(DurationText.format(value) + " is invalid: use " + DurationText.format(min) + "-"
                    + DurationText.format(max));
        }
        return value;
    }

    /** A duration above zero and, unless {@code max} is null, at most {@code max}. */
    public Duration positiveDuration(Duration defaultValue, Duration max) {
        Duration value = durationOrNull();
        if (value == null) {
            return defaultValue;
        }
        if (value.isNegative() || value.isZero() || max != null && value.compareTo(max) > 0) {
            throw invalid(DurationText.format(value) + " is invalid: use a positive duration"
                    + (max == null ? "" : " up to " + DurationText.format(max)));
        }
        return value;
    }

    private Duration durationOrNull() {
        if (isAbsent()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            throw invalid(node.asString() + " is invalid: give a unit, e.g. " + node.asString() + "s");
        }
        if (!node.isString()) {
            throw wrongType("a duration (e.g. 2s)");
        }
        return parsed(null, DurationText::parse);
    }

    /** A list, where a single value is a type error. Absent reads as an empty list. */
    public List<ConfigValue> strictList() {
        if (!isAbsent() && !node.isArray()) {
            throw wrongType("a list");
        }
        return list();
    }

    /** A list, or a single value read as a list of one. Absent reads as an empty list. */
    public List<ConfigValue> list() {
        if (isAbsent()) {
            return List.of();
        }
        if (!node.isArray()) {
            return List.of(this);
        }
        List<ConfigValue> elements = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            elements.add(new ConfigValue(path + "[" + i + "]", node.get(i)));
        }
        return elements;
    }

    private long inRange(JsonNode number, long min, long max, LongFunction<String> format, String limitSource) {
        if (!number.canConvertToLong()) {
            throw invalid(number.asString() + " is invalid: " + range(min, max, format, limitSource));
        }
        return checkRange(number.longValue(), min, max, format, limitSource);
    }

    private long checkRange(long value, long min, long max, LongFunction<String> format, String limitSource) {
        if (value < min || value > max) {
            throw invalid(format.apply(value) + " is invalid: " + range(min, max, format, limitSource));
        }
        return value;
    }

    private static String range(long min, long max, LongFunction<String> format, String limitSource) {
        String range = max == Long.MAX_VALUE
                ? "use at least " + format.apply(min)
                : "use " + format.apply(min) + "-" + format.apply(max);
        return limitSource == null ? range : range + " (" + limitSource + ")";
    }

    /** "a list", "an integer": how a YAML value is named in a type error. */
    public static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "a mapping";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case BINARY -> "binary data";
            case NULL, MISSING -> "nothing";
        };
    }
}
