package org.vxdb.coordinator.config;

import java.time.Duration;
import org.vxdb.coordinator.net.ListenerLimits;
import org.vxdb.service.config.ConfigSection;
import org.vxdb.service.config.ConfigValue;
import org.vxdb.service.config.HostAndPort;

/**
 * The client protocols besides gRPC: {@code rest:} (HTTP REST, and WebSocket streams on the same
 * port), {@code resp:} (the Redis protocol), and the {@code connections:} limits every listener
 * applies. A listen address of {@code off} turns a listener off.
 *
 * @param restListen null when off
 * @param respListen null when off
 */
public record ProtocolSettings(HostAndPort restListen, HostAndPort respListen, ListenerLimits limits) {

    public static final HostAndPort REST_LISTEN_DEFAULT = new HostAndPort("127.0.0.1", 7110);
    public static final HostAndPort RESP_LISTEN_DEFAULT = new HostAndPort("127.0.0.1", 7111);
    public static final int MAX_CONNECTIONS_MAX = 1_000_000;
    public static final Duration TIMEOUT_MAX = Duration.ofDays(1);
    public static final long MAX_REQUEST_BYTES_MIN = 1 << 10;
    public static final long MAX_REQUEST_BYTES_MAX = 1 << 30;
    public static final long MAX_STREAM_BYTES_MAX = 1L << 50;
    public static final int RATE_LIMIT_MAX = 10_000_000;

    public static ProtocolSettings defaults() {
        return new ProtocolSettings(REST_LISTEN_DEFAULT, RESP_LISTEN_DEFAULT, ListenerLimits.defaults());
    }

    static ProtocolSettings read(ConfigSection root) {
        HostAndPort rest = listen(root.section("rest", "listen").value("listen"), REST_LISTEN_DEFAULT);
        HostAndPort resp = listen(root.section("resp", "listen").value("listen"), RESP_LISTEN_DEFAULT);
        ConfigSection c = root.section("connections", "max_per_listener", "idle_timeout", "handshake_timeout",
                "max_request_bytes", "max_stream_bytes", "rate_limit", "rate_burst");
        ListenerLimits limits = new ListenerLimits(
                (int) c.value("max_per_listener").integer(ListenerLimits.MAX_CONNECTIONS_DEFAULT, 1,
                        MAX_CONNECTIONS_MAX),
                c.value("idle_timeout").duration(ListenerLimits.IDLE_TIMEOUT_DEFAULT, Duration.ZERO, TIMEOUT_MAX),
                c.value("handshake_timeout").positiveDuration(ListenerLimits.HANDSHAKE_TIMEOUT_DEFAULT, TIMEOUT_MAX),
                (int) c.value("max_request_bytes").size(ListenerLimits.MAX_REQUEST_BYTES_DEFAULT, MAX_REQUEST_BYTES_MIN,
                        MAX_REQUEST_BYTES_MAX),
                c.value("max_stream_bytes").size(ListenerLimits.MAX_STREAM_BYTES_DEFAULT, MAX_REQUEST_BYTES_MIN,
                        MAX_STREAM_BYTES_MAX),
                (int) c.value("rate_limit").integer(ListenerLimits.RATE_LIMIT_DEFAULT, 0, RATE_LIMIT_MAX),
                (int) c.value("rate_burst").integer(ListenerLimits.RATE_BURST_DEFAULT, 0, RATE_LIMIT_MAX));
        return new ProtocolSettings(rest, resp, limits);
    }

    private static HostAndPort listen(ConfigValue v, HostAndPort defaultValue) {
        if (!v.isAbsent() && v.node().isString() && v.node().stringValue().equals("off")) {
            return null;
        }
        if (!v.isAbsent() && v.node().isBoolean() && !v.node().booleanValue()) {
            return null; // YAML 1.1 reads a bare off as false
        }
        return v.address(defaultValue);
    }

    @Override
    public String toString() {
        return "rest.listen=" + (restListen == null ? "off" : restListen) + " resp.listen="
                + (respListen == null ? "off" : respListen) + " " + limits;
    }
}
