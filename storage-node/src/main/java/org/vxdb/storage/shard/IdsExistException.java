package org.vxdb.storage.shard;

import java.util.List;

/**
 * A create-only write ({@link Shard#write(List, boolean)} with {@code ifAbsent}) named ids that are
 * already live, or that another create-only write in flight is creating. Nothing of the batch was
 * written.
 */
public final class IdsExistException extends RuntimeException {

    /** Ids listed in the message; the rest are counted, so a huge batch does not make a huge message. */
    private static final int MESSAGE_IDS = 10;

    private final List<Long> ids;

    public IdsExistException(List<Long> ids) {
        super(message(ids));
        this.ids = List.copyOf(ids);
    }

    /** Every id of the batch that exists, in batch order, each once. */
    public List<Long> ids() {
        return ids;
    }

    private static String message(List<Long> ids) {
        StringBuilder text = new StringBuilder("ids already exist: ");
        int shown = Math.min(ids.size(), MESSAGE_IDS);
        for (int i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : ", ").append(ids.get(i));
        }
        if (ids.size() > shown) {
            text.append(" and ").append(ids.size() - shown).append(" more");
        }
        return text.toString();
    }
}
