package org.vxdb.storage.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NativeMemoryBudgetTest {

    @Test
    void shouldRefuseAReservationPastTheLimitAndReserveNothing() {
        NativeMemoryBudget budget = new NativeMemoryBudget(10L << 20);
        NativeMemoryBudget.Reservation a = budget.reserve(6L << 20, "a");
        assertEquals("native memory budget exceeded: b needs 5.0 MiB, 6.0 MiB of 10.0 MiB already in use",
                assertThrows(NativeMemoryExhaustedException.class, () -> budget.reserve(5L << 20, "b")).getMessage());
        assertEquals(6L << 20, budget.used());
        a.close();
        a.close();
        assertEquals(0, budget.used());
        try (NativeMemoryBudget.Reservation b = budget.reserve(5L << 20, "b")) {
            assertEquals(5L << 20, b.bytes());
        }
        assertEquals(0, budget.used());
    }

    @Test
    void shouldRejectNonsense() {
        assertEquals("native memory budget must be >= 1 byte, got 0", assertThrows(IllegalArgumentException.class,
                () -> new NativeMemoryBudget(0)).getMessage());
        assertEquals("cannot reserve -1 bytes for x", assertThrows(IllegalArgumentException.class,
                () -> NativeMemoryBudget.UNLIMITED.reserve(-1, "x")).getMessage());
    }
}
