package org.vxdb.storage.engine;

/** A request named a collection this engine does not have. */
public final class CollectionNotFoundException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public CollectionNotFoundException(String name) {
        super("unknown collection '" + name + "'");
    }
}
