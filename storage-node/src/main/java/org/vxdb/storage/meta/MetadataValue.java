package org.vxdb.storage.meta;

/** A typed metadata value: string, 64-bit integer, double or boolean. */
public sealed interface MetadataValue {

    /** Type tags used by {@link MetadataCodec}; never reuse a value. */
    byte TAG_STRING = 1;
    byte TAG_LONG = 2;
    byte TAG_DOUBLE = 3;
    byte TAG_BOOL = 4;

    byte tag();

    record Str(String value) implements MetadataValue {
        public Str {
            if (value == null) {
                throw new IllegalArgumentException("string metadata value is null");
            }
        }

        @Override
        public byte tag() {
            return TAG_STRING;
        }
    }

    record Int(long value) implements MetadataValue {
        @Override
        public byte tag() {
            return TAG_LONG;
        }
    }

    record Real(double value) implements MetadataValue {
        public Real {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("metadata number must be finite, got " + value);
            }
        }

        @Override
        public byte tag() {
            return TAG_DOUBLE;
        }
    }

    record Bool(boolean value) implements MetadataValue {
        @Override
        public byte tag() {
            return TAG_BOOL;
        }
    }

    static MetadataValue of(String v) {
        return new Str(v);
    }

    static MetadataValue of(long v) {
        return new Int(v);
    }

    static MetadataValue of(double v) {
        return new Real(v);
    }

    static MetadataValue of(boolean v) {
        return new Bool(v);
    }

    /** The numeric value of an Int or Real, else NaN. */
    default double asDouble() {
        return switch (this) {
            case Int i -> i.value();
            case Real r -> r.value();
            default -> Double.NaN;
        };
    }
}
