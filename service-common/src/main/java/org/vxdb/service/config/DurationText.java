package org.vxdb.service.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the config: a whole number with a unit ({@code 250us}, {@code 500ms},
 * {@code 2s}, {@code 10m}, {@code 1h}) or ISO-8601 ({@code PT2S}). A bare number is an error: a
 * missing unit is the most common duration mistake.
 */
public final class DurationText {

    private record Unit(String symbol, ChronoUnit unit) {
    }

    /** Largest first, which is the order {@link #format} tries them in. */
    private static final List<Unit> UNITS = List.of(
            new Unit("h", ChronoUnit.HOURS), new Unit("m", ChronoUnit.MINUTES), new Unit("s", ChronoUnit.SECONDS),
            new Unit("ms", ChronoUnit.MILLIS), new Unit("us", ChronoUnit.MICROS), new Unit("ns", ChronoUnit.NANOS));

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(h|m|s|ms|us|µs|ns)");
    public static final String EXPECTED = "use a whole number with h, m, s, ms, us or ns (e.g. 500ms, 2s, 10m) or ISO-8601 (PT2S)";

    private DurationText() {
    }

    /**
     * @throws IllegalArgumentException with the reason, e.g. {@code '2 sec' is invalid: use ...}
     */
    public static Duration parse(String text) {
        String stripped = text.strip();
        if (stripped.toUpperCase(Locale.ROOT).startsWith("P")) {
            return parseIso(text, stripped);
        }
        Matcher m = DURATION.matcher(stripped);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is invalid: " + EXPECTED);
        }
        try {
            return Duration.of(Long.parseLong(m.group(1)), unit(m.group(2)));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is invalid: too long", e);
        }
    }

    private static Duration parseIso(String text, String stripped) {
        try {
            return Duration.parse(stripped);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is invalid: " + EXPECTED, e);
        }
    }

    private static ChronoUnit unit(String symbol) {
        String ascii = symbol.equals("µs") ? "us" : symbol;
        return UNITS.stream().filter(u -> u.symbol().equals(ascii)).findFirst().orElseThrow().unit();
    }

    /** In the largest unit that holds it exactly: {@code 10m}, {@code 90s}, {@code 1500ms}, {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        try {
            long nanos = duration.toNanos();
            for (Unit unit : UNITS) {
                long perUnit = unit.unit().getDuration().toNanos();
                if (nanos % perUnit == 0) {
                    return nanos / perUnit + unit.symbol();
                }
            }
            throw new AssertionError("every duration is a whole number of nanoseconds");
        } catch (ArithmeticException e) {
            return duration.toString();
        }
    }
}
