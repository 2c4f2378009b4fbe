package org.vxdb.coordinator.rest;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Builds the HTTP message of a {@link RestResponse} with the headers every response has. */
final class HttpResponses {

    private HttpResponses() {
    }

    /**
     * @param keepAlive false adds {@code Connection: close} (the connection closes after it)
     * @param http10    the request was HTTP/1.0, whose keep-alive must be said explicitly
     */
    static FullHttpResponse full(RestResponse r, String requestId, boolean keepAlive, boolean http10) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                Unpooled.wrappedBuffer(r.body()));
        HttpHeaders h = out.headers();
        if (r.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        if (!r.status().equals(HttpResponseStatus.NO_CONTENT)) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        }
        h.set(RestHeaders.REQUEST_ID, requestId);
        r.headers().forEach(h::set);
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return out;
    }

    /** The raw bytes of an error response that closes the connection (for refusals written before any codec). */
    static byte[] closingErrorBytes(RestError e, String requestId) {
        RestResponse r = RestResponse.error(e, requestId);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(r.status().code()).append(' ')
                .append(r.status().reasonPhrase()).append("\r\n")
                .append("Content-Type: ").append(r.contentType()).append("\r\n")
                .append("Content-Length: ").append(r.body().length).append("\r\n")
                .append(RestHeaders.REQUEST_ID).append(": ").append(requestId).append("\r\n");
        r.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        byte[] h = head.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(h, h.length + r.body().length);
        System.arraycopy(r.body(), 0, all, h.length, r.body().length);
        return all;
    }
}
