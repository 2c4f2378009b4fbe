package org.vxdb.storage.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vxdb.storage.meta.Metadata;

class FilterTest {

    private static final Metadata BOOK = Metadata.of("genre", "sf", "year", 1965L, "rating", 4.5, "print", true);

    @Test
    void shouldMatchEqualityByType() {
        assertTrue(Filter.eq("genre", "sf").matches(BOOK));
        assertFalse(Filter.eq("genre", "SF").matches(BOOK));
        assertTrue(Filter.eq("year", 1965).matches(BOOK));
        assertTrue(Filter.eq("year", 1965.0).matches(BOOK));
        assertTrue(Filter.eq("rating", 4.5).matches(BOOK));
        assertTrue(Filter.eq("print", true).matches(BOOK));
        assertFalse(Filter.eq("print", "true").matches(BOOK));
        assertFalse(Filter.eq("missing", 1).matches(BOOK));
    }

    @Test
    void shouldMatchInAndRanges() {
        assertTrue(Filter.in("genre", "fantasy", "sf").matches(BOOK));
        assertFalse(Filter.in("genre", "fantasy", "crime").matches(BOOK));
        assertTrue(Filter.between("year", 1960, 1970).matches(BOOK));
        assertTrue(Filter.range("year", 1965.0, true, null, false).matches(BOOK));
        assertFalse(Filter.range("year", 1965.0, false, null, false).matches(BOOK));
        assertFalse(Filter.range("rating", null, false, 4.5, false).matches(BOOK));
        assertTrue(Filter.range("rating", null, false, 4.5, true).matches(BOOK));
        assertFalse(Filter.between("genre", 0, 10).matches(BOOK));
    }

    @Test
    void shouldCombineWithAndOrNot() {
        assertTrue(Filter.and(Filter.eq("genre", "sf"), Filter.between("year", 1900, 2000)).matches(BOOK));
        assertFalse(Filter.and(Filter.eq("genre", "sf"), Filter.eq("print", false)).matches(BOOK));
        assertTrue(Filter.or(Filter.eq("genre", "crime"), Filter.eq("print", true)).matches(BOOK));
        assertTrue(Filter.not(Filter.eq("missing", 1)).matches(BOOK));
        assertFalse(Filter.not(Filter.eq("genre", "sf")).matches(BOOK));
        assertFalse(Filter.eq("genre", "sf").matches(Metadata.EMPTY));
    }

    @Test
    void shouldRejectMeaninglessFilters() {
        assertEquals("range on field 'year' needs a lower or an upper bound", assertThrows(
                IllegalArgumentException.class, () -> Filter.range("year", null, true, null, true)).getMessage());
        assertEquals("'in' on field 'genre' needs at least one value", assertThrows(IllegalArgumentException.class,
                () -> Filter.in("genre")).getMessage());
        assertEquals("'and' needs at least one filter", assertThrows(IllegalArgumentException.class,
                Filter::and).getMessage());
        assertEquals("filter field name must be non-empty", assertThrows(IllegalArgumentException.class,
                () -> Filter.eq("", 1)).getMessage());
    }
}
