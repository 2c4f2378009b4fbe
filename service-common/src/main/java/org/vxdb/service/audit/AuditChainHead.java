package org.vxdb.service.audit;

/**
 * The last line of an audit chain: its {@code seq} and {@code hash}. Recorded anywhere the log
 * cannot reach (the main log, a metrics system, another machine), it lets a verifier tell that no
 * line up to it was removed from the end of the log ({@code vxdb audit verify --checkpoint SEQ:HASH}).
 *
 * @param seq  0 for a log with no line yet
 * @param hash {@link AuditLineFormat#GENESIS} for a log with no line yet
 */
public record AuditChainHead(long seq, String hash) {

    public static final AuditChainHead EMPTY = new AuditChainHead(0, AuditLineFormat.GENESIS);

    /** {@code 1234:9f86d0...}: what {@code --checkpoint} takes. */
    @Override
    public String toString() {
        return seq + ":" + hash;
    }
}
