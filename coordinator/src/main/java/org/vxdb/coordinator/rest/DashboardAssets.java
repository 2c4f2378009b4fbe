package org.vxdb.coordinator.rest;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's files, read from the jar once: the page, its script and style, and the chart
 * library the build installed from npm (docs/dashboard.md). They hold no data, so they are served
 * without a credential; every figure they show comes from the API, which asks for one. The page
 * may load scripts, styles and data only from this listener (a strict Content-Security-Policy).
 */
final class DashboardAssets {

    static final String BASE = "/dashboard/";
    private static final String ROOT = "/org/vxdb/coordinator/dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "vendor/uPlot.min.css", "text/css; charset=utf-8");
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");
    private static final Map<String, byte[]> FILES = load();

    private DashboardAssets() {
    }

    /** The file at {@code path} under {@link #BASE} ("" for the page), or a 404. */
    static RestResponse file(String path) {
        String name = path.isEmpty() ? "index.html" : path;
        byte[] body = FILES.get(name);
        if (body == null) {
            throw new RestError(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no such dashboard file: " + BASE + path);
        }
        return new RestResponse(HttpResponseStatus.OK, TYPES.get(name), body, HEADERS);
    }

    /** A redirect to the dashboard's page. */
    static RestResponse redirect() {
        return new RestResponse(HttpResponseStatus.FOUND, null, new byte[0], Map.of("Location", BASE));
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = DashboardAssets.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard file " + name + " is missing from the coordinator"
                            + " jar (the build installs the chart library with npm: see docs/dashboard.md)");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the dashboard file " + name, e);
            }
        }
        return Map.copyOf(files);
    }
}
