package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The OpenAPI document (coordinator/src/main/resources/openapi/vxdb-rest.yaml) is a structurally
 * valid OpenAPI 3 document, every example in it is either run here or marked illustrative, every
 * runnable example gets exactly the documented answer from a fresh cluster (in x-step order; the
 * convention is in the document's description), and the server serves the file as it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestOpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    private static final Set<String> PATH_ITEM_FIELDS = Set.of("summary", "description", "parameters", "servers",
            "$ref", "get", "put", "post", "delete", "options", "head", "patch", "trace");

    /** One runnable example: the request to send and the answer to expect. */
    record Exchange(int step, String name, String method, String path, String query, Map<String, String> headers, String contentType, JsonNode requestBody,
                    int status, String responseType, JsonNode expected, Set<String> volatileFields, String compare) {
    }

    private Path file;
    private JsonNode doc;
    private InProcessCluster cluster;
    private Path tmp;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        file = Path.of(System.getProperty("vxdb.project.dir"), "coordinator", "src", "main", "resources", "openapi",
                "vxdb-rest.yaml");
        doc = YAMLMapper.builder().build().readTree(Files.readString(file));
        cluster = InProcessCluster.start(dir.resolve("cluster"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    // ------------------------------------------------------------------------------------------
    // Structure

    @Test
    void shouldBeAStructurallyValidOpenApi3Document() {
        assertTrue(doc.path("openapi").stringValue("").matches("3\\.[0-9]+\\.[0-9]+"), "openapi: 3.x.y");
        assertFalse(doc.path("info").path("title").stringValue("").isEmpty(), "info.title");
        assertFalse(doc.path("info").path("version").stringValue("").isEmpty(), "info.version");
        assertTrue(doc.path("paths").isObject() && !doc.path("paths").isEmpty(), "paths");
        Set<String> operationIds = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            assertTrue(path.getKey().startsWith("/"), path.getKey());
            for (String field : path.getValue().propertyNames()) {
                assertTrue(PATH_ITEM_FIELDS.contains(field) || field.startsWith("x-"), path.getKey() + ": " + field);
            }
            int operations = 0;
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                String where = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                String id = op.getValue().path("operationId").stringValue("");
                assertFalse(id.isEmpty(), where + ": operationId");
                assertTrue(operationIds.add(id), where + ": operationId " + id + " used twice");
                checkResponses(where, op.getValue().get("responses"));
                checkPathParameters(where, path.getKey(), path.getValue(), op.getValue());
            }
            assertTrue(operations > 0, path.getKey() + " has no operation");
        }
        checkRefs(doc, "#");
    }

    private void checkResponses(String where, JsonNode responses) {
        assertNotNull(responses, where + ": responses");
        assertFalse(responses.isEmpty(), where + ": responses is empty");
        for (Map.Entry<String, JsonNode> r : responses.properties()) {
            assertTrue(r.getKey().matches("[1-5][0-9][0-9]|[1-5]XX|default"), where + ": response " + r.getKey());
            JsonNode response = resolve(r.getValue());
            assertFalse(response.path("description").stringValue("").isEmpty(),
                    where + " " + r.getKey() + ": description");
        }
    }

    private void checkPathParameters(String where, String path, JsonNode pathItem, JsonNode op) {
        Set<String> declared = new HashSet<>();
        for (JsonNode source : List.of(pathItem.path("parameters"), op.path("parameters"))) {
            for (JsonNode p : source) {
                JsonNode param = resolve(p);
                assertFalse(param.path("name").stringValue("").isEmpty(), where + ": parameter name");
                assertTrue(Set.of("path", "query", "header", "cookie").contains(param.path("in").stringValue("")),
                        where + ": parameter " + param.path("name") + " in");
                if (param.path("in").stringValue("").equals("path")) {
                    assertTrue(param.path("required").booleanValue(false), where + ": path parameter required");
                    declared.add(param.get("name").stringValue());
                }
            }
        }
        Set<String> inTemplate = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            inTemplate.add(m.group(1));
        }
        assertEquals(inTemplate, declared, where + ": path parameters");
    }

    private void checkRefs(JsonNode node, String at) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref")) {
                    String ref = e.getValue().stringValue();
                    assertTrue(ref.startsWith("#/"), at + ": only local refs: " + ref);
                    assertFalse(doc.at(ref.substring(1)).isMissingNode(), at + ": $ref " + ref + " resolves to nothing");
                } else {
                    checkRefs(e.getValue(), at + "/" + e.getKey());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkRefs(node.get(i), at + "/" + i);
            }
        }
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        while (n.has("$ref")) {
            n = doc.at(n.get("$ref").stringValue().substring(1));
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------
    // Examples

    @Test
    void shouldMarkEveryExampleRunnableOrIllustrativeAndRunEveryRequestExample() {
        List<Exchange> exchanges = exchanges();
        Set<Integer> steps = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Exchange e : exchanges) {
            assertTrue(steps.add(e.step()), "x-step " + e.step() + " used twice");
            assertTrue(names.add(e.name()), "example name " + e.name() + " used twice");
        }
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                for (JsonNode content : op.getValue().path("requestBody").path("content")) {
                    for (String name : content.path("examples").propertyNames()) {
                        assertTrue(names.contains(name), op.getValue().get("operationId").stringValue()
                                + ": request example " + name + " has no runnable response example of its name");
                    }
                }
            }
        }
        for (JsonNode response : doc.path("components").path("responses")) {
            for (JsonNode content : response.path("content")) {
                for (Map.Entry<String, JsonNode> example : content.path("examples").properties()) {
                    assertFalse(example.getValue().has("x-step"), example.getKey() + ": shared examples are not run");
                    assertFalse(example.getValue().path("x-illustrative").stringValue("").isEmpty(),
                            example.getKey() + ": x-illustrative says why it is not run");
                }
            }
        }
        assertTrue(exchanges.size() >= 30, "examples: " + exchanges.size());
    }

    @Test
    void shouldAnswerEveryRunnableExampleAsDocumented() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<Exchange> exchanges = exchanges();
        exchanges.sort(Comparator.comparingInt(Exchange::step));
        for (Exchange e : exchanges) {
            HttpResponse<String> answer = http.send(request(e), HttpResponse.BodyHandlers.ofString());
            String where = e.step() + " " + e.name() + " (" + e.method() + " " + e.path() + "): ";
            assertEquals(e.status(), answer.statusCode(), where + answer.body());
            assertEquals(e.name(), answer.headers().firstValue("X-Request-Id").orElse(null), where + "X-Request-Id");
            if (e.expected() == null) {
                assertEquals("", answer.body(), where);
                continue;
            }
            assertEquals(e.responseType(), answer.headers().firstValue("Content-Type").orElse(null), where);
            switch (e.compare()) {
                case "prefix" -> assertTrue(answer.body().startsWith(e.expected().stringValue()), where + answer.body());
                case "subset" -> assertMatches(e.expected(), RestAssertions.json(answer.body()), true, e.volatileFields(),
                        where + "$");
                default -> assertMatches(e.expected(), RestAssertions.json(answer.body()), false, e.volatileFields(),
                        where + "$");
            }
        }
    }

    private HttpRequest request(Exchange e) {
        String uri = "http://127.0.0.1:" + cluster.restPort() + e.path() + (e.query() == null ? "" : "?" + e.query());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60))
                .header("X-Request-Id", e.name());
        if (e.contentType() != null) {
            b.header("Content-Type", e.contentType());
        }
        e.headers().forEach(b::setHeader);
        HttpRequest.BodyPublisher body = e.requestBody() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(e.requestBody().isString() ? e.requestBody().stringValue()
                : e.requestBody().toString());
        return b.method(e.method(), body).build();
    }

    /** Objects: the same fields (subset: at least the documented ones); arrays: same length; leaves equal. */
    private static void assertMatches(JsonNode expected, JsonNode actual, boolean subset, Set<String> volatileFields,
                                      String at) {
        if (expected.isObject()) {
            assertTrue(actual.isObject(), at + ": expected an object, got " + actual);
            if (!subset) {
                assertEquals(new java.util.TreeSet<>(expected.propertyNames()),
                        new java.util.TreeSet<>(actual.propertyNames()), at + ": fields of " + actual);
            }
            for (Map.Entry<String, JsonNode> f : expected.properties()) {
                assertTrue(actual.has(f.getKey()), at + "." + f.getKey() + " missing in " + actual);
                if (!volatileFields.contains(f.getKey())) {
                    assertMatches(f.getValue(), actual.get(f.getKey()), subset, volatileFields, at + "." + f.getKey());
                }
            }
        } else if (expected.isArray()) {
            assertTrue(actual.isArray(), at + ": expected an array, got " + actual);
            assertEquals(expected.size(), actual.size(), at + ": length of " + actual);
            for (int i = 0; i < expected.size(); i++) {
                assertMatches(expected.get(i), actual.get(i), subset, volatileFields, at + "[" + i + "]");
            }
        } else if (expected.isNumber()) {
            assertTrue(actual.isNumber(), at + ": expected a number, got " + actual);
            assertEquals(expected.doubleValue(), actual.doubleValue(), at);
            assertEquals(expected.isIntegralNumber(), actual.isIntegralNumber(), at + ": integer or not: " + actual);
        } else {
            assertEquals(expected, actual, at);
        }
    }

    /** Every example with an x-step, as the convention in the document's description builds it. */
    private List<Exchange> exchanges() {
        List<Exchange> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey())) {
                    collect(out, path.getKey(), path.getValue(), op.getKey(), op.getValue());
                }
            }
        }
        return out;
    }

    private void collect(List<Exchange> out, String path, JsonNode pathItem, String method, JsonNode op) {
        Map<String, String> pathExamples = pathExamples(pathItem, op);
        for (Map.Entry<String, JsonNode> r : op.get("responses").properties()) {
            if (r.getValue().has("$ref")) {
                continue; // shared responses hold illustrative examples only
            }
            int status = Integer.parseInt(r.getKey());
            for (Map.Entry<String, JsonNode> x : r.getValue().path("x-examples").properties()) {
                out.add(exchange(path, pathExamples, method, op, status, null, x.getKey(), x.getValue(), null));
            }
            for (Map.Entry<String, JsonNode> content : r.getValue().path("content").properties()) {
                for (Map.Entry<String, JsonNode> ex : content.getValue().path("examples").properties()) {
                    if (!ex.getValue().has("x-step")) {
                        assertFalse(ex.getValue().path("x-illustrative").stringValue("").isEmpty(),
                                ex.getKey() + ": neither x-step nor x-illustrative");
                        continue;
                    }
                    out.add(exchange(path, pathExamples, method, op, status, content.getKey(), ex.getKey(), ex.getValue(),
                            ex.getValue().get("value")));
                }
            }
        }
    }

    private Exchange exchange(String template, Map<String, String> pathExamples, String method, JsonNode op, int status,
                              String responseType, String name, JsonNode example, JsonNode expected) {
        Map<String, String> values = new java.util.LinkedHashMap<>(pathExamples);
        example.path("x-path").properties().forEach(p -> values.put(p.getKey(), p.getValue().asString()));
        String path = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            path = path.replace("{" + v.getKey() + "}", v.getValue());
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        example.path("x-request-headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asString()));
        Set<String> volatileFields = new HashSet<>();
        example.path("x-volatile").forEach(v -> volatileFields.add(v.stringValue()));
        String contentType = null;
        JsonNode body = null;
        for (Map.Entry<String, JsonNode> content : op.path("requestBody").path("content").properties()) {
            JsonNode requestExample = content.getValue().path("examples").path(name);
            assertFalse(requestExample.isMissingNode(), op.get("operationId").stringValue() + ": example " + name
                    + " has no request body example of its name");
            contentType = content.getKey();
            body = requestExample.get("value");
        }
        return new Exchange(example.get("x-step").intValue(), name, method.toUpperCase(java.util.Locale.ROOT), path,
                example.path("x-query").stringValue(null), headers, contentType, body, status,
                responseType, expected, volatileFields, example.path("x-compare").stringValue("exact"));
    }

    /** Each path parameter's documented example value. */
    private Map<String, String> pathExamples(JsonNode pathItem, JsonNode op) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode source : List.of(pathItem.path("parameters"), op.path("parameters"))) {
            for (JsonNode p : source) {
                JsonNode param = resolve(p);
                if (param.path("in").stringValue("").equals("path") && param.has("example")) {
                    out.put(param.get("name").stringValue(), param.get("example").asString());
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Served document

    @Test
    void shouldServeTheDocumentAsKeptInTheRepository() throws IOException {
        Files.createDirectories(tmp.resolve("curl"));
        Curl curl = new Curl(cluster.restPort(), tmp.resolve("curl"));
        Curl.Answer a = curl.get("/openapi.yaml");
        assertEquals(200, a.status());
        assertEquals("application/yaml", a.header("content-type"));
        assertEquals(Files.readString(file), a.body());
        Curl.Answer json = curl.get("/openapi.json");
        assertEquals(doc, RestAssertions.json(json.body()), "/openapi.json is the same document");
    }
}
