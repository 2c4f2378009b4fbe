package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;

/**
 * One token of a FILTER expression, with its character position; {@link #tokenize} reads them the
 * way Redis's expression compiler does (selectors start with a dot, a minus starts a number where
 * an operand is due, the longest operator wins, lists are one token).
 */
record FilterToken(Kind kind, int position, String text, double number, List<FilterToken> items) {

    enum Kind { SELECTOR, NUMBER, STRING, TUPLE, TRUE, FALSE, NULL, COMPARE, IN, AND, OR, NOT, ARITHMETIC, LPAREN,
        RPAREN, EOF }

    private static final String OPERATOR_CHARS = "+-*%/!()<>=|&";
    private static final List<String> OPERATORS = List.of("**", "==", "!=", ">=", "<=", "&&", "||", "(", ")", "!",
            "*", "/", "%", "+", "-", ">", "<");

    static FilterToken of(Kind kind, int position, String text) {
        return new FilterToken(kind, position, text, 0, List.of());
    }

    static List<FilterToken> tokenize(String s) {
        List<FilterToken> out = new ArrayList<>();
        Reader r = new Reader(s);
        while (true) {
            r.skipSpaces();
            if (r.atEnd()) {
                out.add(of(Kind.EOF, r.i, ""));
                return out;
            }
            out.add(r.next(operandDue(out)));
        }
    }

    /** A minus is a sign (not an operator) at the start and after any operator but ')'. */
    private static boolean operandDue(List<FilterToken> before) {
        if (before.isEmpty()) {
            return true;
        }
        Kind last = before.get(before.size() - 1).kind();
        return switch (last) {
            case COMPARE, IN, AND, OR, NOT, ARITHMETIC, LPAREN -> true;
            default -> false;
        };
    }

    /** A cursor over the expression text. */
    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        void skipSpaces() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        FilterToken next(boolean operandDue) {
            char c = s.charAt(i);
            if (Character.isDigit(c) || (operandDue && c == '-' && i + 1 < s.length()
                    && Character.isDigit(s.charAt(i + 1)))) {
                return number();
            }
            if (c == '"' || c == '\'') {
                return string();
            }
            if (c == '.' && i + 1 < s.length() && isSelectorChar(s.charAt(i + 1))) {
                return selector();
            }
            if (c == '[') {
                return tuple();
            }
            if (Character.isLetter(c)) {
                return word();
            }
            if (OPERATOR_CHARS.indexOf(c) >= 0) {
                return operator();
            }
            throw new FilterSyntaxException(i, "unexpected character '" + c + "'");
        }

        private FilterToken number() {
            int start = i;
            if (s.charAt(i) == '-') {
                i++;
            }
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            }
            String text = s.substring(start, i);
            Double v = RespNumbers.parseDouble(text);
            if (v == null || !Double.isFinite(v)) {
                throw new FilterSyntaxException(start, "'" + text + "' is not a number");
            }
            return new FilterToken(Kind.NUMBER, start, text, v, List.of());
        }

        private FilterToken string() {
            int start = i;
            char quote = s.charAt(i++);
            StringBuilder value = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    value.append(s.charAt(i + 1));
                    i += 2;
                } else if (c == quote) {
                    i++;
                    return of(Kind.STRING, start, value.toString());
                } else {
                    value.append(c);
                    i++;
                }
            }
            throw new FilterSyntaxException(start, "unterminated string");
        }

        private FilterToken selector() {
            int start = i++;
            while (i < s.length() && isSelectorChar(s.charAt(i))) {
                i++;
            }
            return of(Kind.SELECTOR, start, s.substring(start + 1, i));
        }

        private FilterToken tuple() {
            int start = i++;
            List<FilterToken> items = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (i < s.length() && s.charAt(i) == ']' && items.isEmpty()) {
                    i++;
                    break;
                }
                if (atEnd()) {
                    throw new FilterSyntaxException(start, "unterminated list");
                }
                char c = s.charAt(i);
                if (Character.isDigit(c) || c == '-') {
                    items.add(number());
                } else if (c == '"' || c == '\'') {
                    items.add(string());
                } else {
                    throw new FilterSyntaxException(i, "a list holds numbers and strings");
                }
                skipSpaces();
                if (i < s.length() && s.charAt(i) == ']') {
                    i++;
                    break;
                }
                if (i >= s.length() || s.charAt(i) != ',') {
                    throw new FilterSyntaxException(i, "expected ',' or ']' in the list");
                }
                i++;
            }
            return new FilterToken(Kind.TUPLE, start, s.substring(start, i), 0, List.copyOf(items));
        }

        private FilterToken word() {
            int start = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            String w = s.substring(start, i);
            Kind kind = switch (w) {
                case "and" -> Kind.AND;
                case "or" -> Kind.OR;
                case "not" -> Kind.NOT;
                case "in" -> Kind.IN;
                case "true" -> Kind.TRUE;
                case "false" -> Kind.FALSE;
                case "null" -> Kind.NULL;
                default -> throw new FilterSyntaxException(start, "unknown word '" + w
                        + "' (fields start with a dot, strings are quoted)");
            };
            return of(kind, start, w);
        }

        private FilterToken operator() {
            int start = i;
            for (String op : OPERATORS) {
                if (s.startsWith(op, i)) {
                    i += op.length();
                    return of(operatorKind(op), start, op);
                }
            }
            throw new FilterSyntaxException(start, "unknown operator '" + s.charAt(start) + "'");
        }

        private static Kind operatorKind(String op) {
            return switch (op) {
                case "==", "!=", ">=", "<=", ">", "<" -> Kind.COMPARE;
                case "&&" -> Kind.AND;
                case "||" -> Kind.OR;
                case "!" -> Kind.NOT;
                case "(" -> Kind.LPAREN;
                case ")" -> Kind.RPAREN;
                default -> Kind.ARITHMETIC;
            };
        }

        private static boolean isSelectorChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '-';
        }
    }
}
