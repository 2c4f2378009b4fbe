package org.vxdb.coordinator.resp;

import org.vxdb.coordinator.core.Caller;
import org.vxdb.coordinator.net.Connection;

/**
 * What one connection has negotiated: its client id, protocol version (2 until {@code HELLO 3}),
 * name and library tags. Only the connection's event loop touches it.
 */
final class RespSession {

    private final long id;
    private final Connection connection;
    private final long createdNanos = System.nanoTime();
    private long lastCommandNanos = createdNanos;
    private String lastCommand = "NULL";
    private int protocol = 2;
    private String name = "";
    private String libName = "";
    private String libVersion = "";
    private Transaction transaction;
    private Caller caller;

    RespSession(long id, Connection connection) {
        this.id = id;
        this.connection = connection;
        this.caller = connection.caller();
    }

    /** Who the connection authenticated as ({@code AUTH}, {@code HELLO ... AUTH}); anonymous before. */
    Caller caller() {
        return caller;
    }

    void caller(Caller c) {
        this.caller = c;
    }

    long id() {
        return id;
    }

    Connection connection() {
        return connection;
    }

    int protocol() {
        return protocol;
    }

    void protocol(int version) {
        this.protocol = version;
    }

    String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
    }

    String libName() {
        return libName;
    }

    void libName(String libName) {
        this.libName = libName;
    }

    String libVersion() {
        return libVersion;
    }

    void libVersion(String libVersion) {
        this.libVersion = libVersion;
    }

    /** The open MULTI block, or null. */
    Transaction transaction() {
        return transaction;
    }

    void transaction(Transaction t) {
        this.transaction = t;
    }

    void commandStarted(String command) {
        lastCommand = command;
        lastCommandNanos = System.nanoTime();
    }

    /** Back to a new connection's state, as RESET does (the id stays). */
    /** As Redis's RESET: RESP2, no name, no transaction, and no longer authenticated. */
    void reset() {
        protocol = 2;
        name = "";
        transaction = null;
        caller = connection.caller();
    }

    /**
     * This connection as one line of {@code CLIENT INFO} / {@code CLIENT LIST}, with the fields
     * Redis clients read (id, addr, laddr, name, age, idle, db, resp, cmd, lib-name, lib-ver).
     */
    String infoLine() {
        long now = System.nanoTime();
        String local = connection.channel().localAddress() == null ? ""
                : connection.channel().localAddress().toString().replaceFirst("^.*/", "");
        return "id=" + id + " addr=" + connection.remoteAddress() + " laddr=" + local + " name=" + name
                + " age=" + (now - createdNanos) / 1_000_000_000L + " idle=" + (now - lastCommandNanos) / 1_000_000_000L
                + " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 resp=" + protocol + " cmd=" + lastCommand
                + " user=default lib-name=" + libName + " lib-ver=" + libVersion + "\n";
    }
}
