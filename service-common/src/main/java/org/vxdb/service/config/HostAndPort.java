package org.vxdb.service.config;

/**
 * An address to listen on: a host name or IP address and a port, 0 meaning any free port.
 * Written {@code host:port}, with IPv6 addresses in brackets: {@code [::1]:7100}.
 *
 * @param host a name or an address, IPv6 without brackets
 * @param port 0-65535
 */
public record HostAndPort(String host, int port) {

    public static final int MAX_PORT = 65_535;

    public HostAndPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port " + port + " is invalid: use 0-" + MAX_PORT);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @param field the configuration field the text came from, named in the error
     * @throws ConfigException if the text is not a valid address
     */
    public static HostAndPort parse(String field, String text) {
        if (text == null) {
            throw new ConfigException(field + ": required");
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(field, text, "use host:port");
        }
        String host = host(field, text, text.substring(0, colon));
        return new HostAndPort(host, port(field, text, text.substring(colon + 1)));
    }

    private static String host(String field, String text, String host) {
        if (host.startsWith("[") && host.endsWith("]") && host.indexOf(':') > 0) {
            return host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw invalid(field, text, "the host is missing (0.0.0.0" + text + " listens on every interface)");
        }
        if (host.indexOf(':') >= 0) {
            throw invalid(field, text, "put an IPv6 address in brackets, e.g. [::1]:7100");
        }
        if (!host.chars().allMatch(HostAndPort::isHostChar)) {
            throw invalid(field, text, "use host:port");
        }
        return host;
    }

    private static boolean isHostChar(int c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_';
    }

    private static int port(String field, String text, String port) {
        boolean digits = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || Integer.parseInt(port) > MAX_PORT) {
            throw invalid(field, text, "the port must be 0-" + MAX_PORT);
        }
        return Integer.parseInt(port);
    }

    private static ConfigException invalid(String field, String text, String reason) {
        return new ConfigException(field + ": '" + text + "' is invalid: " + reason);
    }

    /** Whether both addresses would bind the same port: same port and same host, or either a wildcard. */
    public boolean overlaps(HostAndPort other) {
        return port != 0 && port == other.port
                && (host.equals(other.host) || isWildcard() || other.isWildcard());
    }

    private boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    /** {@code host:port}, or {@code [host]:port} for an IPv6 address; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
