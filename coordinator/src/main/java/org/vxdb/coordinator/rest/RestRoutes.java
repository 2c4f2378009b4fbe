package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/**
 * The REST API's paths: which method on which path runs which operation, with what kind of body.
 * A path that matches no template is 404; a known path with another method is 405 with
 * {@code Allow}. Where two templates match, the one with more literal segments wins
 * ({@code /vectors/get} over {@code /vectors/{id}}).
 */
final class RestRoutes {

    /** What a route's request body is. */
    enum Body {
        /** None expected (one sent anyway is read and ignored). */
        NONE,
        /** One JSON object, {@code application/json}. */
        JSON,
        /** Newline-delimited JSON, read a line at a time. */
        NDJSON,
        /** None expected; the answer is a stream of server-sent events that lasts until the client leaves. */
        EVENTS
    }

    /** Runs one operation for a request whose body has been read. */
    @FunctionalInterface
    interface Endpoint {
        CompletableFuture<RestResponse> call(RestCall call, Map<String, String> params, JsonNode body);
    }

    /**
     * @param endpoint null for the NDJSON and event streams, which their own exchanges run
     * @param open     served without a credential (the dashboard's static files, which hold no data); a
     *                 credential that is sent is still checked
     */
    record Route(HttpMethod method, String template, String operation, Body body, Set<String> queryParams,
                 Endpoint endpoint, boolean open) {
    }

    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    RestRoutes add(HttpMethod method, String template, String operation, Body body, Set<String> queryParams,
                   Endpoint endpoint) {
        routes.add(new Route(method, template, operation, body, queryParams, endpoint, false));
        return this;
    }

    /** A route served without a credential ({@link Route#open()}). */
    RestRoutes addOpen(HttpMethod method, String template, String operation, Endpoint endpoint) {
        routes.add(new Route(method, template, operation, Body.NONE, Set.of(), endpoint, true));
        return this;
    }

    List<Route> list() {
        return List.copyOf(routes);
    }

    /** The route of a request, or a 404 / 405 {@link RestError}. */
    Match match(HttpMethod method, String rawPath) {
        List<String> segments = segments(rawPath);
        int best = -1;
        String bestTemplate = null;
        for (Route r : routes) {
            int literals = literalsMatched(r.template(), segments);
            if (literals > best) {
                best = literals;
                bestTemplate = r.template();
            }
        }
        if (bestTemplate == null) {
            throw new RestError(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no such path: " + rawPath
                    + " (the API is under /v1; see /openapi.yaml)");
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.template().equals(bestTemplate)) {
                if (r.method().equals(method)) {
                    return new Match(r, params(r.template(), segments));
                }
                allowed.add(r.method().name());
            }
        }
        String allow = String.join(", ", allowed);
        throw new RestError(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", method.name() + " is not"
                + " allowed on " + rawPath + " (allowed: " + allow + ")").withHeader("Allow", allow);
    }

    /** Literal segments of {@code template} matched by {@code path}, or -1 when it does not match. */
    private static int literalsMatched(String template, List<String> path) {
        List<String> t = templateSegments(template);
        if (t.size() != path.size()) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < t.size(); i++) {
            if (isParam(t.get(i))) {
                if (path.get(i).isEmpty()) {
                    return -1;
                }
            } else if (t.get(i).equals(path.get(i))) {
                literals++;
            } else {
                return -1;
            }
        }
        return literals;
    }

    private static Map<String, String> params(String template, List<String> path) {
        List<String> t = templateSegments(template);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < t.size(); i++) {
            if (isParam(t.get(i))) {
                params.put(t.get(i).substring(1, t.get(i).length() - 1), path.get(i));
            }
        }
        return params;
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static List<String> templateSegments(String template) {
        return List.of(template.substring(1).split("/", -1));
    }

    /** The path's segments, each percent-decoded on its own (so {@code %2F} stays inside one). */
    static List<String> segments(String rawPath) {
        if (!rawPath.startsWith("/")) {
            throw RestError.invalid("path: must start with '/', got '" + rawPath + "'");
        }
        List<String> out = new ArrayList<>();
        for (String s : rawPath.substring(1).split("/", -1)) {
            try {
                // '+' is a plus in a path; decodeComponent would read it as a space (form encoding).
                out.add(QueryStringDecoder.decodeComponent(s.replace("+", "%2B")));
            } catch (IllegalArgumentException e) {
                throw RestError.invalid("path: malformed percent-encoding in '" + s + "'");
            }
        }
        return out;
    }
}
