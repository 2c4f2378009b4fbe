package org.vxdb.storage.memory;

/** A reservation would pass the native memory budget; nothing was allocated. */
public final class NativeMemoryExhaustedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public NativeMemoryExhaustedException(String message) {
        super(message);
    }
}
