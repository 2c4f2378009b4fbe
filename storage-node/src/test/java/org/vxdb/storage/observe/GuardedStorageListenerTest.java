package org.vxdb.storage.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedStorageListenerTest {

    @Test
    void shouldSwallowExceptionsFromEveryCallback() {
        AtomicInteger calls = new AtomicInteger();
        StorageListener throwing = new StorageListener() {
            @Override
            public void walFsync(long nanos) {
                calls.incrementAndGet();
                throw new IllegalStateException("metrics broke");
            }

            @Override
            public void segmentSealed(long rows, long nanos) {
                calls.incrementAndGet();
                throw new IllegalStateException("metrics broke");
            }
        };
        StorageListener guarded = GuardedStorageListener.guard(throwing);
        guarded.walFsync(1);
        guarded.walFsync(2);
        guarded.segmentSealed(3, 4);
        guarded.walAppended(1, 2);
        guarded.indexBuilt("Flat", 1, 1);
        guarded.indexBuildFailed("x");
        guarded.compacted(1, 1);
        assertEquals(3, calls.get());
    }

    @Test
    void shouldNotWrapNoneOrAGuardedListenerTwice() {
        assertSame(StorageListener.NONE, GuardedStorageListener.guard(StorageListener.NONE));
        StorageListener guarded = GuardedStorageListener.guard(new RecordingListener());
        assertSame(guarded, GuardedStorageListener.guard(guarded));
    }

    @Test
    void shouldRejectANullListener() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuardedStorageListener.guard(null));
        assertEquals("listener must not be null (StorageListener.NONE for none)", e.getMessage());
    }
}
