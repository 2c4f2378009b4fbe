package org.vxdb.coordinator.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line ({@code SET "a b" 'c'}, as typed into telnet or nc) into arguments
 * the way Redis does: words separated by spaces; double quotes with {@code \n \r \t \b \a \\ \"}
 * and {@code \xHH} escapes; single quotes with {@code \'}; a closing quote must end the word.
 */
final class InlineCommandSplitter {

    private InlineCommandSplitter() {
    }

    static List<byte[]> split(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return args;
            }
            ByteArrayOutputStream word = new ByteArrayOutputStream();
            i = readWord(line, i, word);
            args.add(word.toByteArray());
        }
    }

    /** Reads one argument starting at {@code i}; returns the index after it. */
    private static int readWord(String line, int i, ByteArrayOutputStream word) {
        int n = line.length();
        char first = line.charAt(i);
        if (first == '"') {
            i = readDoubleQuoted(line, i + 1, word);
        } else if (first == '\'') {
            i = readSingleQuoted(line, i + 1, word);
        } else {
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            word.writeBytes(line.substring(start, i).getBytes(StandardCharsets.UTF_8));
            return i;
        }
        if (i < n && !Character.isWhitespace(line.charAt(i))) {
            throw unbalanced();
        }
        return i;
    }

    private static int readDoubleQuoted(String line, int i, ByteArrayOutputStream word) {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line.charAt(i + 2))
                    && isHex(line.charAt(i + 3))) {
                word.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                i += 4;
            } else if (c == '\\' && i + 1 < n) {
                word.write(unescape(line.charAt(i + 1)));
                i += 2;
            } else {
                i = appendCodePoint(line, i, word);
            }
        }
        throw unbalanced();
    }

    private static int readSingleQuoted(String line, int i, ByteArrayOutputStream word) {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\'') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                word.write('\'');
                i += 2;
            } else {
                i = appendCodePoint(line, i, word);
            }
        }
        throw unbalanced();
    }

    private static int appendCodePoint(String line, int i, ByteArrayOutputStream word) {
        int cp = line.codePointAt(i);
        word.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        return i + Character.charCount(cp);
    }

    private static int unescape(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> 7;
            default -> c;
        };
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static RespProtocolException unbalanced() {
        return new RespProtocolException("unbalanced quotes in request");
    }
}
