package org.vxdb.coordinator.resp;

import java.nio.charset.StandardCharsets;

/**
 * Numbers in Redis arguments and replies: integers are plain decimal (an optional minus, digits,
 * nothing else), floats are decimal or {@code inf}/{@code nan} as C's {@code strtod} reads them,
 * and doubles in replies are written in their shortest exact form ({@code 1}, {@code 0.25},
 * {@code inf}).
 */
final class RespNumbers {

    private RespNumbers() {
    }

    /** The value, or null when {@code text} is not a plain decimal integer within a long. */
    static Long parseLong(String text) {
        int n = text.length();
        if (n == 0 || n > 20) {
            return null;
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        if (start == n) {
            return null;
        }
        for (int i = start; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An unsigned 64-bit decimal id, or null. */
    static Long parseUnsignedLong(String text) {
        if (text.isEmpty() || text.length() > 20 || text.charAt(0) == '-' || text.charAt(0) == '+') {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A float the way Redis reads one: decimal with an optional exponent, or inf/infinity/nan in
     * any case and with a sign. Non-finite values are returned as such: the core rejects them with
     * its own message. Null when {@code text} is not a number at all.
     */
    static Double parseDouble(String text) {
        if (text.isEmpty() || text.length() > 400) {
            return null;
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (!isDecimal(unsigned)) {
            return null;
        }
        try {
            return Double.parseDouble(lower);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Double parseDouble(byte[] bytes) {
        return parseDouble(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    /** Digits with at most one dot, then an optional exponent: what strtod takes, minus hex and suffixes. */
    private static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && s.charAt(i) == 'e') {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    /** The shortest text that reads back as {@code v}: {@code 1}, {@code 0.5}, {@code 1.0e-5}, {@code inf}. */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).replace('E', 'e');
    }
}
