package org.vxdb.storage.shard;

import java.util.List;

/** PLACEHOLDER until the shard-repair branch lands. */
public final class IdsExistException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Long> ids;

    public IdsExistException(List<Long> ids) {
        super("ids already exist: " + ids);
        this.ids = List.copyOf(ids);
    }

    public List<Long> ids() {
        return ids;
    }
}
