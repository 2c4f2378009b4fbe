package org.vxdb.storage.engine;

/** {@link StorageEngine#createCollection} was asked for a name that is already taken. */
public final class CollectionExistsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public CollectionExistsException(String name) {
        super("collection '" + name + "' already exists");
    }
}
