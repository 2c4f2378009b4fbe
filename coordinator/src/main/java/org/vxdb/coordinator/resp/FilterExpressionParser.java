package org.vxdb.coordinator.resp;

import java.util.ArrayList;
import java.util.List;
import org.vxdb.api.v1.FieldEquals;
import org.vxdb.api.v1.FieldIn;
import org.vxdb.api.v1.FieldRange;
import org.vxdb.api.v1.Filter;
import org.vxdb.api.v1.FilterList;
import org.vxdb.api.v1.Value;

/**
 * The FILTER expressions of Redis vector sets ({@code .year > 1990 and .genre == "drama"}) as a
 * {@link Filter}. A recursive-descent parser over the subset that a metadata filter can express:
 *
 * <pre>
 * or         := and (("or" | "||") and)*
 * and        := unary (("and" | "&&") unary)*
 * unary      := ("!" | "not") unary | "(" or ")" | comparison
 * comparison := operand op operand          one side a .field, the other a value
 * op         := "==" | "!=" | "&gt;" | "&gt;=" | "&lt;" | "&lt;=" | "in"
 * operand    := .field | number | "string" | 'string' | true | false | [value, ...]
 * </pre>
 *
 * {@code ==}/{@code !=} take numbers, strings and booleans; ordering takes numbers; {@code in}
 * takes a .field on the left and a list of numbers and strings on the right. Arithmetic, comparing
 * two fields, {@code null}, a bare {@code .field} as a condition and {@code in} with the field on
 * the right (array membership, substrings) are refused with the position, never approximated.
 * Unlike Redis, {@code !} negates the whole comparison after it ({@code !.a == 1} is {@code !(.a == 1)}).
 */
final class FilterExpressionParser {

    /** Parentheses and negations nested deeper than this are refused before the stack could suffer. */
    static final int MAX_DEPTH = 64;

    private final String text;
    private final List<FilterToken> tokens;
    private final boolean booleansAsNumbers;
    private int pos;

    private FilterExpressionParser(String text, boolean booleansAsNumbers) {
        this.text = text;
        this.tokens = FilterToken.tokenize(text);
        this.booleansAsNumbers = booleansAsNumbers;
    }

    /**
     * Parses {@code text}.
     *
     * @param booleansAsNumbers true for vector sets, whose JSON booleans are stored as 1 and 0;
     *                          false for VECTOR.SEARCH over typed metadata, where true is a boolean
     * @throws FilterSyntaxException with the character position of the problem
     */
    static Filter parse(String text, boolean booleansAsNumbers) {
        FilterExpressionParser p = new FilterExpressionParser(text, booleansAsNumbers);
        if (p.peek().kind() == FilterToken.Kind.EOF) {
            throw new FilterSyntaxException(0, "empty expression");
        }
        Filter f = p.or(1);
        if (p.peek().kind() != FilterToken.Kind.EOF) {
            throw p.unexpected("expected 'and', 'or' or the end of the expression");
        }
        return f;
    }

    private Filter or(int depth) {
        List<Filter> parts = new ArrayList<>();
        parts.add(and(depth));
        while (peek().kind() == FilterToken.Kind.OR) {
            pos++;
            parts.add(and(depth));
        }
        return parts.size() == 1 ? parts.get(0)
                : Filter.newBuilder().setOr(FilterList.newBuilder().addAllFilters(parts)).build();
    }

    private Filter and(int depth) {
        List<Filter> parts = new ArrayList<>();
        parts.add(unary(depth));
        while (peek().kind() == FilterToken.Kind.AND) {
            pos++;
            parts.add(unary(depth));
        }
        return parts.size() == 1 ? parts.get(0)
                : Filter.newBuilder().setAnd(FilterList.newBuilder().addAllFilters(parts)).build();
    }

    private Filter unary(int depth) {
        if (depth > MAX_DEPTH) {
            throw new FilterSyntaxException(peek().position(), "nested deeper than " + MAX_DEPTH + " levels");
        }
        FilterToken t = peek();
        if (t.kind() == FilterToken.Kind.NOT) {
            pos++;
            return Filter.newBuilder().setNot(unary(depth + 1)).build();
        }
        if (t.kind() == FilterToken.Kind.LPAREN) {
            pos++;
            Filter inner = or(depth + 1);
            expect(FilterToken.Kind.RPAREN, "expected ')'");
            refuseArithmetic();
            if (peek().kind() == FilterToken.Kind.COMPARE || peek().kind() == FilterToken.Kind.IN) {
                throw unexpected("a parenthesized expression cannot be compared");
            }
            return inner;
        }
        return comparison();
    }

    private Filter comparison() {
        FilterToken left = operand();
        FilterToken op = peek();
        if (op.kind() != FilterToken.Kind.COMPARE && op.kind() != FilterToken.Kind.IN) {
            throw left.kind() == FilterToken.Kind.SELECTOR
                    ? new FilterSyntaxException(op.position(), "a ." + left.text()
                            + " alone is not a condition; compare it (e.g. ." + left.text() + " == 1)")
                    : unexpected("expected a comparison operator");
        }
        pos++;
        FilterToken right = operand();
        return op.kind() == FilterToken.Kind.IN ? in(left, op, right) : compare(left, op, right);
    }

    private FilterToken operand() {
        FilterToken t = peek();
        switch (t.kind()) {
            case SELECTOR, NUMBER, STRING, TRUE, FALSE, TUPLE -> {
                pos++;
                refuseArithmetic();
                return t;
            }
            case NULL -> throw new FilterSyntaxException(t.position(), "null is not supported");
            case ARITHMETIC -> throw arithmetic(t);
            default -> throw unexpected("expected a .field or a value");
        }
    }

    private void refuseArithmetic() {
        if (peek().kind() == FilterToken.Kind.ARITHMETIC) {
            throw arithmetic(peek());
        }
    }

    private static FilterSyntaxException arithmetic(FilterToken t) {
        return new FilterSyntaxException(t.position(), "arithmetic (+ - * / % **) is not supported");
    }

    private Filter in(FilterToken left, FilterToken op, FilterToken right) {
        if (left.kind() != FilterToken.Kind.SELECTOR || right.kind() != FilterToken.Kind.TUPLE) {
            throw new FilterSyntaxException(op.position(),
                    "'in' needs a .field on the left and a list [..] on the right");
        }
        if (right.items().isEmpty()) {
            throw new FilterSyntaxException(right.position(), "the list after 'in' is empty");
        }
        FieldIn.Builder in = FieldIn.newBuilder().setField(left.text());
        for (FilterToken item : right.items()) {
            in.addValues(value(item));
        }
        return Filter.newBuilder().setIn(in).build();
    }

    private Filter compare(FilterToken left, FilterToken op, FilterToken right) {
        boolean leftField = left.kind() == FilterToken.Kind.SELECTOR;
        boolean rightField = right.kind() == FilterToken.Kind.SELECTOR;
        if (leftField == rightField) {
            throw new FilterSyntaxException(op.position(), leftField
                    ? "comparing two fields is not supported" : "a comparison needs a .field on one side");
        }
        FilterToken field = leftField ? left : right;
        FilterToken literal = leftField ? right : left;
        String operator = leftField ? op.text() : flipped(op.text());
        if (literal.kind() == FilterToken.Kind.TUPLE) {
            throw new FilterSyntaxException(literal.position(), "a list can only follow 'in'");
        }
        return switch (operator) {
            case "==" -> equals(field, literal);
            case "!=" -> Filter.newBuilder().setNot(equals(field, literal)).build();
            default -> range(field, operator, literal);
        };
    }

    private Filter equals(FilterToken field, FilterToken literal) {
        return Filter.newBuilder().setEq(FieldEquals.newBuilder().setField(field.text()).setValue(value(literal)))
                .build();
    }

    private static Filter range(FilterToken field, String operator, FilterToken literal) {
        if (literal.kind() != FilterToken.Kind.NUMBER) {
            throw new FilterSyntaxException(literal.position(), "'" + operator + "' needs a number");
        }
        FieldRange.Builder r = FieldRange.newBuilder().setField(field.text());
        switch (operator) {
            case ">" -> r.setMin(literal.number()).setMinExclusive(true);
            case ">=" -> r.setMin(literal.number());
            case "<" -> r.setMax(literal.number()).setMaxExclusive(true);
            default -> r.setMax(literal.number());
        }
        return Filter.newBuilder().setRange(r).build();
    }

    private static String flipped(String operator) {
        return switch (operator) {
            case ">" -> "<";
            case ">=" -> "<=";
            case "<" -> ">";
            case "<=" -> ">=";
            default -> operator;
        };
    }

    private Value value(FilterToken t) {
        return switch (t.kind()) {
            case STRING -> Value.newBuilder().setStringValue(t.text()).build();
            case NUMBER -> {
                double d = t.number();
                yield d == Math.rint(d) && Math.abs(d) < 0x1p53 ? Value.newBuilder().setIntValue((long) d).build()
                        : Value.newBuilder().setDoubleValue(d).build();
            }
            case TRUE, FALSE -> booleansAsNumbers
                    ? Value.newBuilder().setIntValue(t.kind() == FilterToken.Kind.TRUE ? 1 : 0).build()
                    : Value.newBuilder().setBoolValue(t.kind() == FilterToken.Kind.TRUE).build();
            default -> throw new FilterSyntaxException(t.position(), "expected a number, a string or a boolean");
        };
    }

    private FilterToken peek() {
        return tokens.get(pos);
    }

    private void expect(FilterToken.Kind kind, String message) {
        if (peek().kind() != kind) {
            throw unexpected(message);
        }
        pos++;
    }

    private FilterSyntaxException unexpected(String message) {
        return new FilterSyntaxException(peek().position(), message);
    }

    @Override
    public String toString() {
        return text;
    }
}
