package org.vxdb.storage.observe;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a {@link StorageListener} so that its exceptions never reach the engine: a metrics bug must
 * not fail an fsync or a seal. The first failure is logged at WARN with its stack trace; later ones
 * only at DEBUG, so a listener that always throws does not flood the log.
 */
public final class GuardedStorageListener implements StorageListener {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedStorageListener.class);

    private final StorageListener delegate;
    private final AtomicBoolean warned = new AtomicBoolean();

    private GuardedStorageListener(StorageListener delegate) {
        this.delegate = delegate;
    }

    /** {@code listener} guarded; {@link StorageListener#NONE} and already guarded listeners as they are. */
    public static StorageListener guard(StorageListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null (StorageListener.NONE for none)");
        }
        if (listener == NONE || listener instanceof GuardedStorageListener) {
            return listener;
        }
        return new GuardedStorageListener(listener);
    }

    @Override
    public void walFsync(long nanos) {
        try {
            delegate.walFsync(nanos);
        } catch (RuntimeException e) {
            failed("walFsync", e);
        }
    }

    @Override
    public void walAppended(int records, long bytes) {
        try {
            delegate.walAppended(records, bytes);
        } catch (RuntimeException e) {
            failed("walAppended", e);
        }
    }

    @Override
    public void segmentSealed(long rows, long nanos) {
        try {
            delegate.segmentSealed(rows, nanos);
        } catch (RuntimeException e) {
            failed("segmentSealed", e);
        }
    }

    @Override
    public void indexBuilt(String description, long rows, long nanos) {
        try {
            delegate.indexBuilt(description, rows, nanos);
        } catch (RuntimeException e) {
            failed("indexBuilt", e);
        }
    }

    @Override
    public void indexBuildFailed(String reason) {
        try {
            delegate.indexBuildFailed(reason);
        } catch (RuntimeException e) {
            failed("indexBuildFailed", e);
        }
    }

    @Override
    public void compacted(long rowsRemoved, long nanos) {
        try {
            delegate.compacted(rowsRemoved, nanos);
        } catch (RuntimeException e) {
            failed("compacted", e);
        }
    }

    @Override
    public void filteredSearch(String plan, long estimatedMatches, long actualMatches) {
        try {
            delegate.filteredSearch(plan, estimatedMatches, actualMatches);
        } catch (RuntimeException e) {
            failed("filteredSearch", e);
        }
    }

    @Override
    public void metadataIndexBuilt(String fields, long rows, long nanos) {
        try {
            delegate.metadataIndexBuilt(fields, rows, nanos);
        } catch (RuntimeException e) {
            failed("metadataIndexBuilt", e);
        }
    }

    @Override
    public void recallSampled(boolean served, double recallAtDefault) {
        try {
            delegate.recallSampled(served, recallAtDefault);
        } catch (RuntimeException e) {
            failed("recallSampled", e);
        }
    }

    @Override
    public void filteredRecallSampled(double recallAtBase) {
        try {
            delegate.filteredRecallSampled(recallAtBase);
        } catch (RuntimeException e) {
            failed("filteredRecallSampled", e);
        }
    }

    private void failed(String callback, RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("storage listener {} threw from {}; ignored (further failures are logged at DEBUG)",
                    delegate.getClass().getName(), callback, e);
        } else {
            LOG.debug("storage listener {} threw from {}: {}", delegate.getClass().getName(), callback, e.toString());
        }
    }

    @Override
    public String toString() {
        return "Guarded[" + delegate + "]";
    }
}
