package org.vxdb.service.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in the config: a whole number, optionally followed by a binary unit
 * ({@code KiB MiB GiB TiB}, powers of 1024) or a decimal one ({@code KB MB GB TB}, powers of 1000).
 * Units are case-sensitive, so {@code mb} is an error rather than a guess.
 */
public final class ByteSizeText {

    private record Unit(String symbol, long bytes) {
    }

    /** Binary before decimal so that {@link #format} prefers {@code 1KiB} over {@code 1024}. */
    private static final List<Unit> UNITS = List.of(
            new Unit("TiB", 1L << 40), new Unit("GiB", 1L << 30), new Unit("MiB", 1L << 20), new Unit("KiB", 1L << 10),
            new Unit("TB", 1_000_000_000_000L), new Unit("GB", 1_000_000_000L), new Unit("MB", 1_000_000L),
            new Unit("KB", 1_000L));

    private static final Unit BYTE = new Unit("B", 1L);
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([A-Za-z]*)");
    public static final String EXPECTED = "use a whole number of bytes or of KiB, MiB, GiB, TiB, KB, MB, GB or TB";

    private ByteSizeText() {
    }

    /**
     * @throws IllegalArgumentException with the reason, e.g. {@code '2 mb' is invalid: use ...}
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        Unit unit = m.matches() ? unit(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("'" + text + "' is invalid: " + EXPECTED);
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit.bytes());
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is invalid: too large", e);
        }
    }

    private static Unit unit(String symbol) {
        if (symbol.isEmpty() || symbol.equals("B")) {
            return BYTE;
        }
        return UNITS.stream().filter(u -> u.symbol().equals(symbol)).findFirst().orElse(null);
    }

    /** The shortest exact form, a unit winning ties: {@code 64MiB}, {@code 1KiB}, {@code 2GB}, {@code 1536}. */
    public static String format(long bytes) {
        String best = null;
        for (Unit unit : UNITS) {
            if (bytes > 0 && bytes % unit.bytes() == 0) {
                String candidate = bytes / unit.bytes() + unit.symbol();
                if (best == null || candidate.length() < best.length()) {
                    best = candidate;
                }
            }
        }
        String plain = Long.toString(bytes);
        return best == null || plain.length() < best.length() ? plain : best;
    }
}
