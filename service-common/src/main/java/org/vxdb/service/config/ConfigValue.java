package org.vxdb.service.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import tools.jackson.databind.JsonNode;

/**
 * One value of the config tree with its full path ({@code grpc.listen}, {@code storage.data_dirs[1]}),
 * read as the type a field expects. Every error names the path. An absent or empty ({@code null})
 * value reads as the field's default.
 */
public record ConfigValue(String path, JsonNode node) {

    public boolean isAbsent() {
        return node == null || node.isNull() || node.isMissingNode();
    }

    public ConfigException invalid(String reason) {
        return new ConfigException(path + ": " + reason);
    }

    public ConfigException wrongType(String expected) {
        return invalid("expected " + expected + ", got " + describe(node));
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

    public long integer(long defaultValue, long min, long max) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (!node.isIntegralNumber()) {
            throw wrongType("an integer");
        }
        return inRange(node, min, max, Long::toString);
    }

    public long size(long defaultValue, long min, long max) {
        if (isAbsent()) {
            return defaultValue;
        }
        if (node.isIntegralNumber()) {
            return inRange(node, min, max, ByteSizeText::format);
        }
        if (!node.isString()) {
            throw wrongType("a size (e.g. 64MiB)");
        }
        long bytes = parsed(null, ByteSizeText::parse);
        return checkRange(bytes, min, max, ByteSizeText::format);
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

    private long inRange(JsonNode number, long min, long max, LongFunction<String> format) {
        if (!number.canConvertToLong()) {
            throw invalid(number.asString() + " is invalid: " + range(min, max, format));
        }
        return checkRange(number.longValue(), min, max, format);
    }

    private long checkRange(long value, long min, long max, LongFunction<String> format) {
        if (value < min || value > max) {
            throw invalid(format.apply(value) + " is invalid: " + range(min, max, format));
        }
        return value;
    }

    private static String range(long min, long max, LongFunction<String> format) {
        return max == Long.MAX_VALUE
                ? "use at least " + format.apply(min)
                : "use " + format.apply(min) + "-" + format.apply(max);
    }

    /** "a list", "an integer": how a YAML value is named in a type error. */
    public static String describe(JsonNode node) {
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
