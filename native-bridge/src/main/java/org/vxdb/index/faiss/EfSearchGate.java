package org.vxdb.index.faiss;

import java.util.function.IntConsumer;

/**
 * Lets searches that want the same HNSW efSearch run together, and changes the index's efSearch
 * field only when no search is running. Needed because FAISS 1.7.3 reads efSearch from the index,
 * not from the per-call parameters.
 */
final class EfSearchGate {

    private final IntConsumer setter;
    private int current = -1;
    private int active;

    EfSearchGate(IntConsumer setter) {
        this.setter = setter;
    }

    synchronized void enter(int efSearch) {
        boolean interrupted = false;
        while (active > 0 && current != efSearch) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (current != efSearch) {
            setter.accept(efSearch);
            current = efSearch;
        }
        active++;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void exit() {
        active--;
        if (active == 0) {
            notifyAll();
        }
    }
}
