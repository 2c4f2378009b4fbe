package org.vxdb.coordinator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vxdb.coordinator.rest.RestAssertions.assertError;
import static org.vxdb.coordinator.rest.RestAssertions.assertJson;
import static org.vxdb.coordinator.rest.RestAssertions.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.vxdb.coordinator.testing.InProcessCluster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every REST endpoint and every error status it can give without special cluster states, driven
 * by the real curl against a real cluster (two storage nodes, RF 2). Each test uses its own
 * collection; the cluster is shared. Limits: 64 KiB requests, 4 MiB streams.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestCurlTest {

    private static final String LIMITS = "connections:\n  max_request_bytes: 65536\n  max_stream_bytes: 4194304\n";
    private static final String CREATED_SPEC = """
            {"name":"%s","dimension":3,"metric":"l2","index":"Flat","shard_count":4,"buffer_rows":100000,
             "buffer_bytes":268435456,"buffer_age_millis":600000,"fsync_policy":"batch","batch_window_micros":2000}""";
    private static final String EMPTY_STATS = """
            {"vector_count":0,"segment_count":0,"buffered_rows":0,"indexed_rows":0}""";

    private Path dir;
    private InProcessCluster cluster;
    private Curl curl;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        dir = tmp;
        cluster = InProcessCluster.start(dir.resolve("cluster"), LIMITS);
        Files.createDirectories(dir.resolve("curl"));
        curl = new Curl(cluster.restPort(), dir.resolve("curl"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private void create(String name) {
        Curl.Answer a = curl.json("POST", "/v1/collections", "{\"name\":\"" + name + "\",\"dimension\":3,\"metric\":\"l2\"}");
        assertEquals(201, a.status(), a.body());
    }

    /** A get of {@code ids} finds exactly {@code found} and misses exactly {@code missing} (JSON list items). */
    private void assertFound(String collection, String ids, String found, String missing) {
        Curl.Answer a = curl.json("POST", "/v1/collections/" + collection + "/vectors/get", "{\"ids\":[" + ids + "]}");
        assertEquals(200, a.status(), a.body());
        ArrayNode vectors = RestAssertions.JSON.createArrayNode();
        for (JsonNode id : json("[" + found + "]")) {
            vectors.addObject().set("id", id);
        }
        assertEquals(json("{\"vectors\":" + vectors + ",\"missing_ids\":[" + missing + "]}"),
                withoutVersions(json(a.body())));
    }

    private static JsonNode withoutVersions(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("version");
            o.forEach(RestCurlTest::strip);
        } else if (node instanceof ArrayNode a) {
            a.forEach(RestCurlTest::strip);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Collections

    @Test
    void shouldCreateListDescribeAndDropACollection() {
        Curl.Answer created = curl.json("POST", "/v1/collections", "{\"name\":\"lifecycle\",\"dimension\":3,\"metric\":\"l2\"}");
        assertJson(created, 201, "{\"spec\":" + CREATED_SPEC.formatted("lifecycle") + ",\"stats\":" + EMPTY_STATS + "}");
        assertEquals("/v1/collections/lifecycle", created.header("location"));

        assertError(curl.json("POST", "/v1/collections", "{\"name\":\"lifecycle\",\"dimension\":3,\"metric\":\"l2\"}"),
                409, "ALREADY_EXISTS", "collection 'lifecycle' already exists");

        JsonNode list = json(curl.get("/v1/collections").body());
        boolean listed = false;
        for (JsonNode c : list.get("collections")) {
            listed |= c.get("spec").get("name").stringValue().equals("lifecycle");
        }
        assertTrue(listed, list.toString());

        assertJson(curl.get("/v1/collections/lifecycle"), 200,
                "{\"spec\":" + CREATED_SPEC.formatted("lifecycle") + ",\"stats\":" + EMPTY_STATS + "}");

        Curl.Answer dropped = curl.delete("/v1/collections/lifecycle");
        assertEquals(204, dropped.status());
        assertEquals("", dropped.body());
        assertError(curl.get("/v1/collections/lifecycle"), 404, "NOT_FOUND", "unknown collection 'lifecycle'");
        assertError(curl.delete("/v1/collections/lifecycle"), 404, "NOT_FOUND", "unknown collection 'lifecycle'");
    }

    @Test
    void shouldRefuseABadCollectionSpecNamingTheField() {
        assertError(curl.json("POST", "/v1/collections", "{\"name\":\"m\",\"dimension\":3,\"metric\":\"euclid\"}"),
                400, "INVALID_ARGUMENT", "metric: 'euclid' is invalid: use l2, inner_product, cosine");
        assertError(curl.json("POST", "/v1/collections", "{\"name\":\"m\",\"dimension\":\"3\",\"metric\":\"l2\"}"),
                400, "INVALID_ARGUMENT", "dimension: \"3\" is not an integer 0-4294967295");
        assertError(curl.json("POST", "/v1/collections", "{\"name\":\"m\",\"metric\":\"l2\"}"),
                400, "INVALID_ARGUMENT", "spec.dimension: required");
        assertError(curl.json("POST", "/v1/collections", "{\"name\":\"m\",\"dimension\":3,\"metric\":\"l2\",\"dims\":3}"),
                400, "INVALID_ARGUMENT", "request body: unknown field 'dims' (expected batch_window_micros, "
                        + "buffer_age_millis, buffer_bytes, buffer_rows, dimension, fsync_policy, index, "
                        + "metadata_indexes, metric, name, recall_target, shard_count)");
        assertError(curl.get("/v1/collections/m"), 404, "NOT_FOUND", "unknown collection 'm'");
    }

    @Test
    void shouldDeclareMetadataIndexesAtCreateAndAddOneLater() {
        Curl.Answer created = curl.json("POST", "/v1/collections", "{\"name\":\"indexed\",\"dimension\":3,"
                + "\"metric\":\"l2\",\"metadata_indexes\":[{\"field\":\"tag\",\"kind\":\"inverted\"}]}");
        assertEquals(201, created.status(), created.body());
        assertEquals("[{\"field\":\"tag\",\"kind\":\"inverted\"}]",
                json(created.body()).get("spec").get("metadata_indexes").toString());
        Curl.Answer added = curl.json("POST", "/v1/collections/indexed/metadata-indexes",
                "{\"field\":\"price\",\"kind\":\"ordered\"}");
        assertEquals(200, added.status(), added.body());
        assertEquals("[{\"field\":\"tag\",\"kind\":\"inverted\"},{\"field\":\"price\",\"kind\":\"ordered\"}]",
                json(curl.get("/v1/collections/indexed").body()).get("spec").get("metadata_indexes").toString());
        assertError(curl.json("POST", "/v1/collections/indexed/metadata-indexes",
                "{\"field\":\"p\",\"kind\":\"btree\"}"),
                400, "INVALID_ARGUMENT", "kind: 'btree' is invalid: use inverted, ordered");
        assertError(curl.json("POST", "/v1/collections/nope/metadata-indexes",
                "{\"field\":\"p\",\"kind\":\"ordered\"}"),
                404, "NOT_FOUND", "unknown collection 'nope'");
        assertEquals(204, curl.delete("/v1/collections/indexed").status());
    }

    // ------------------------------------------------------------------------------------------
    // Vectors

    @Test
    void shouldUpsertGetSearchAndDeleteVectors() {
        create("crud");
        assertJson(curl.json("PUT", "/v1/collections/crud/vectors", """
                {"vectors":[{"id":1,"values":[1,0,0],"metadata":{"lang":"en","year":2024,"score":0.5,"draft":false}},
                            {"id":"2","values":[0,1,0],"metadata":{"lang":"de"}},
                            {"values":[0,0,1]}],
                 "consistency":"all"}"""), 200,
                "{\"ids\":[\"1\",\"2\",\"" + derivedIdOf001() + "\"],\"written\":3,\"failures\":[]}");

        Curl.Answer got = curl.json("POST", "/v1/collections/crud/vectors/get",
                "{\"ids\":[1,\"2\",99],\"include_vectors\":true,\"include_metadata\":true}");
        assertEquals(200, got.status(), got.body());
        assertEquals(json("""
                {"vectors":[{"id":"1","values":[1.0,0.0,0.0],"metadata":{"draft":false,"lang":"en","score":0.5,"year":2024}},
                            {"id":"2","values":[0.0,1.0,0.0],"metadata":{"lang":"de"}}],
                 "missing_ids":["99"]}"""), withoutVersions(json(got.body())));
        assertTrue(json(got.body()).get("vectors").get(0).get("version").stringValue().matches("[0-9]+"));

        Curl.Answer bare = curl.json("POST", "/v1/collections/crud/vectors/get", "{\"ids\":[1]}");
        assertEquals(json("{\"vectors\":[{\"id\":\"1\"}],\"missing_ids\":[]}"), withoutVersions(json(bare.body())));

        Curl.Answer one = curl.get("/v1/collections/crud/vectors/2");
        assertEquals(json("{\"id\":\"2\",\"values\":[0.0,1.0,0.0],\"metadata\":{\"lang\":\"de\"}}"),
                withoutVersions(json(one.body())));
        assertError(curl.get("/v1/collections/crud/vectors/98"), 404, "NOT_FOUND",
                "vector 98 does not exist in collection 'crud'");

        Curl.Answer found = curl.json("POST", "/v1/collections/crud/search",
                "{\"vector\":[1,0.1,0],\"k\":2,\"include_vectors\":true,\"params\":{\"nprobe\":4,\"ef_search\":16}}");
        assertEquals(200, found.status(), found.body());
        JsonNode hits = withoutVersions(json(found.body()));
        assertEquals(json("""
                [{"id":"1","distance":0.010000001,"values":[1.0,0.0,0.0]},
                 {"id":"2","distance":1.81,"values":[0.0,1.0,0.0]}]"""), hits.get("hits"));
        assertEquals(3, hits.get("rows_scanned").longValue());
        assertEquals(false, hits.get("partial").booleanValue());
        assertEquals(json("[]"), hits.get("unavailable_ranges"));
        assertTrue(hits.get("plan").stringValue().contains("exact-scan"), hits.toString());

        assertJson(curl.json("POST", "/v1/collections/crud/vectors/delete", "{\"ids\":[\"1\",77],\"consistency\":\"one\"}"),
                200, "{\"deleted\":2,\"failures\":[]}");
        assertJson(curl.delete("/v1/collections/crud/vectors/2?consistency=quorum"), 200,
                "{\"deleted\":1,\"failures\":[]}");
        assertJson(curl.json("POST", "/v1/collections/crud/vectors/get", "{\"ids\":[1,2]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"1\",\"2\"]}");
        assertError(curl.json("POST", "/v1/collections/crud/vectors/get", "{\"ids\":[]}"), 400, "INVALID_ARGUMENT",
                "ids: the batch is empty");
        assertError(curl.json("POST", "/v1/collections/crud/vectors/delete", "{\"ids\":[1],\"consistency\":\"most\"}"),
                400, "INVALID_ARGUMENT", "consistency: 'most' is invalid: use one, quorum, all");
    }

    /** The content-derived id of [0,0,1] (xxHash64 of its little-endian float32 bytes), as the core derives it. */
    private static String derivedIdOf001() {
        float[] v = {0, 0, 1};
        return Long.toUnsignedString(org.vxdb.api.IdHashing.contentId(v));
    }

    @Test
    void shouldRoundTripIdsAtTheTopOfTheUint64RangeAsStrings() {
        create("bigids");
        assertJson(curl.json("PUT", "/v1/collections/bigids/vectors",
                        "{\"vectors\":[{\"id\":18446744073709551615,\"values\":[1,2,3]},"
                                + "{\"id\":9007199254740993,\"values\":[3,2,1]}]}"), 200,
                "{\"ids\":[\"18446744073709551615\",\"9007199254740993\"],\"written\":2,\"failures\":[]}");
        Curl.Answer got = curl.json("POST", "/v1/collections/bigids/vectors/get",
                "{\"ids\":[\"18446744073709551615\",9007199254740993]}");
        assertEquals(json("{\"vectors\":[{\"id\":\"18446744073709551615\"},{\"id\":\"9007199254740993\"}],"
                + "\"missing_ids\":[]}"), withoutVersions(json(got.body())));
        assertTrue(got.body().contains("\"id\":\"18446744073709551615\""), "ids are JSON strings: " + got.body());
        Curl.Answer hit = curl.json("POST", "/v1/collections/bigids/search", "{\"vector\":[1,2,3],\"k\":1}");
        assertEquals("18446744073709551615", json(hit.body()).get("hits").get(0).get("id").stringValue());
    }

    @Test
    void shouldRejectIdsThatAreNotUnsigned64BitIntegersNamingTheField() {
        create("badids");
        String tail = " is not an unsigned 64-bit integer (0 to 18446744073709551615, as a JSON number or a decimal string)";
        assertError(curl.json("PUT", "/v1/collections/badids/vectors", "{\"vectors\":[{\"id\":-1,\"values\":[1,2,3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].id: -1" + tail);
        assertError(curl.json("PUT", "/v1/collections/badids/vectors",
                        "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]},{\"id\":2.5,\"values\":[1,2,3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[1].id: 2.5" + tail);
        assertError(curl.json("PUT", "/v1/collections/badids/vectors",
                        "{\"vectors\":[{\"id\":18446744073709551616,\"values\":[1,2,3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].id: 18446744073709551616" + tail);
        assertError(curl.json("PUT", "/v1/collections/badids/vectors",
                        "{\"vectors\":[{\"id\":\"0x10\",\"values\":[1,2,3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].id: \"0x10\"" + tail);
        assertError(curl.json("PUT", "/v1/collections/badids/vectors", "{\"vectors\":[{\"id\":true,\"values\":[1,2,3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].id: true" + tail);
        assertError(curl.json("PUT", "/v1/collections/badids/vectors", "{\"vectors\":[{\"id\":null,\"values\":[1,2,3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].id: null is not allowed (leave the field out instead)");
        assertError(curl.json("POST", "/v1/collections/badids/vectors/get", "{\"ids\":[1,\"-3\"]}"),
                400, "INVALID_ARGUMENT", "ids[1]: \"-3\"" + tail);
        assertError(curl.json("PUT", "/v1/collections/badids/vectors",
                        "{\"vectors\":[{\"id\":1,\"values\":[1,\"2\",3]}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].values[1]: expected a number, got a string");
        assertJson(curl.json("POST", "/v1/collections/badids/vectors/get", "{\"ids\":[1]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"1\"]}");
    }

    @Test
    void shouldMapMetadataByJsonTypeAndRefuseNullObjectsAndArrays() {
        create("meta");
        assertEquals(200, curl.json("PUT", "/v1/collections/meta/vectors", """
                {"vectors":[{"id":1,"values":[1,2,3],
                  "metadata":{"s":"text","i":9007199254740993,"neg":-4,"d":2.5,"whole":3.0,"t":true,"f":false}}]}""")
                .status());
        Curl.Answer got = curl.json("POST", "/v1/collections/meta/vectors/get", "{\"ids\":[1],\"include_metadata\":true}");
        assertEquals(json("{\"s\":\"text\",\"i\":9007199254740993,\"neg\":-4,\"d\":2.5,\"whole\":3.0,\"t\":true,\"f\":false}"),
                json(got.body()).get("vectors").get(0).get("metadata"));
        assertTrue(got.body().contains("\"whole\":3.0"), "a JSON float stays a double: " + got.body());

        String tail = " is not a metadata value (use a string, a number or true/false)";
        assertError(curl.json("PUT", "/v1/collections/meta/vectors",
                        "{\"vectors\":[{\"id\":2,\"values\":[1,2,3],\"metadata\":{\"a\":null}}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].metadata[\"a\"]: null" + tail);
        assertError(curl.json("PUT", "/v1/collections/meta/vectors",
                        "{\"vectors\":[{\"id\":2,\"values\":[1,2,3],\"metadata\":{\"a\":{\"b\":1}}}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].metadata[\"a\"]: an object" + tail);
        assertError(curl.json("PUT", "/v1/collections/meta/vectors",
                        "{\"vectors\":[{\"id\":2,\"values\":[1,2,3],\"metadata\":{\"tags\":[\"x\"]}}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].metadata[\"tags\"]: an array" + tail);
        assertError(curl.json("PUT", "/v1/collections/meta/vectors",
                        "{\"vectors\":[{\"id\":2,\"values\":[1,2,3],\"metadata\":{\"big\":9223372036854775808}}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].metadata[\"big\"]: 9223372036854775808 is outside the 64-bit"
                        + " integer range");
        assertJson(curl.json("POST", "/v1/collections/meta/vectors/get", "{\"ids\":[2]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"2\"]}");
    }

    @Test
    void shouldRejectAWrongDimensionBatchAndWriteNoneOfIt() {
        create("dims");
        assertError(curl.json("PUT", "/v1/collections/dims/vectors",
                        "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]},{\"id\":2,\"values\":[3,2]}]}"),
                400, "INVALID_ARGUMENT", "vectors[1]: has 2 dimensions, collection 'dims' has 3");
        assertJson(curl.json("POST", "/v1/collections/dims/vectors/get", "{\"ids\":[1,2]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"1\",\"2\"]}");
        assertError(curl.json("POST", "/v1/collections/dims/search", "{\"vector\":[1,2],\"k\":1}"), 400,
                "INVALID_ARGUMENT", "query: has 2 dimensions, collection 'dims' has 3");
        assertError(curl.json("POST", "/v1/collections/dims/search", "{\"vector\":[1,2,3]}"), 400,
                "INVALID_ARGUMENT", "k: required (1-10000)");
        assertError(curl.json("POST", "/v1/collections/dims/search", "{\"vector\":[1,2,3],\"k\":-1}"), 400,
                "INVALID_ARGUMENT", "k: -1 is not an integer 0-4294967295");
        assertError(curl.json("PUT", "/v1/collections/nope/vectors", "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}"),
                404, "NOT_FOUND", "unknown collection 'nope'");
    }

    @Test
    void shouldTakeVectorsAsBase64Float32AndRefuseBadEncodings() {
        create("packed");
        // [1, 2, 3] and [0, 0, 0.9] as little-endian float32, base64
        assertJson(curl.json("PUT", "/v1/collections/packed/vectors",
                        "{\"vectors\":[{\"id\":1,\"values_f32\":\"AACAPwAAAEAAAEBA\"},{\"id\":2,\"values\":[0,0,1]}]}"),
                200, "{\"ids\":[\"1\",\"2\"],\"written\":2,\"failures\":[]}");
        Curl.Answer got = curl.json("POST", "/v1/collections/packed/vectors/get",
                "{\"ids\":[1],\"include_vectors\":true}");
        assertEquals(json("{\"vectors\":[{\"id\":\"1\",\"values\":[1.0,2.0,3.0]}],\"missing_ids\":[]}"),
                withoutVersions(json(got.body())));
        Curl.Answer hits = curl.json("POST", "/v1/collections/packed/search",
                "{\"vector_f32\":\"AAAAAAAAAABmZmY/\",\"k\":1}");
        assertEquals(200, hits.status(), hits.body());
        assertEquals("2", json(hits.body()).get("hits").get(0).get("id").stringValue());
        assertError(curl.json("PUT", "/v1/collections/packed/vectors",
                        "{\"vectors\":[{\"id\":3,\"values_f32\":\"AACAPwAAAEA=\"}]}"),
                400, "INVALID_ARGUMENT", "vectors[0]: has 2 dimensions, collection 'packed' has 3");
        assertError(curl.json("PUT", "/v1/collections/packed/vectors",
                        "{\"vectors\":[{\"id\":3,\"values_f32\":\"AACAPwA\"}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].values_f32: 5 bytes is not a whole number of float32 values"
                        + " (4 bytes each, little-endian)");
        assertError(curl.json("PUT", "/v1/collections/packed/vectors",
                        "{\"vectors\":[{\"id\":3,\"values_f32\":\"@@@@\"}]}"),
                400, "INVALID_ARGUMENT", "vectors[0].values_f32: not base64 (Illegal base64 character 40)");
        assertError(curl.json("PUT", "/v1/collections/packed/vectors",
                        "{\"vectors\":[{\"id\":3,\"values\":[1,2,3],\"values_f32\":\"AACAPwAAAEAAAEBA\"}]}"),
                400, "INVALID_ARGUMENT", "vectors[0]: give values or values_f32, not both");
        assertError(curl.json("POST", "/v1/collections/packed/search",
                        "{\"vector\":[0,0,1],\"vector_f32\":\"AAAAAAAAAABmZmY/\",\"k\":1}"),
                400, "INVALID_ARGUMENT", "request body: give vector or vector_f32, not both");
        assertFound("packed", "3", "", "\"3\"");
    }

    @Test
    void shouldAnswer409ForAnInsertOfAnExistingIdAndWriteNothingOfTheBatch() {
        create("ins");
        assertJson(curl.json("POST", "/v1/collections/ins/vectors", "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}"),
                200, "{\"ids\":[\"1\"],\"written\":1,\"failures\":[]}");
        assertError(curl.json("POST", "/v1/collections/ins/vectors",
                        "{\"vectors\":[{\"id\":5,\"values\":[1,2,3]},{\"id\":1,\"values\":[1,2,3]}]}"),
                409, "ALREADY_EXISTS", "ids already exist: 1");
        assertJson(curl.json("POST", "/v1/collections/ins/vectors/get", "{\"ids\":[5]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"5\"]}");
    }

    // ------------------------------------------------------------------------------------------
    // Malformed requests

    @Test
    void shouldRejectMalformedTruncatedDeepAndTrailingJsonAndKeepAnswering() {
        create("bad");
        String path = "/v1/collections/bad/vectors";
        assertError(curl.json("PUT", path, "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]}"), 400, "INVALID_ARGUMENT",
                "request body: malformed JSON at line 1, column 38: Unexpected end-of-input: expected close marker"
                        + " for Array");
        assertError(curl.json("PUT", path, "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}\n{}"), 400,
                "INVALID_ARGUMENT", "request body: unexpected data after the JSON value at line 2, column 1");
        assertError(curl.json("PUT", path, "{\"vectors\": [,]}"), 400, "INVALID_ARGUMENT",
                "request body: malformed JSON at line 1, column 14: Unexpected character (',' (code 44)): expected a"
                        + " value");
        assertError(curl.json("PUT", path, "{\"vectors\":[],\"vectors\":[]}"), 400, "INVALID_ARGUMENT",
                "request body: malformed JSON at line 1, column 24: Duplicate Object property \"vectors\"");
        assertError(curl.json("PUT", path, "[]"), 400, "INVALID_ARGUMENT",
                "request body: expected a JSON object, got an array");
        assertError(curl.json("PUT", path, ""), 400, "INVALID_ARGUMENT", "request body: required (a JSON object)");
        String deep = "{\"vectors\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertError(curl.json("PUT", path, deep), 400, "INVALID_ARGUMENT",
                "request body: JSON nested deeper than 64 levels");
        String deepFilter = "{\"vector\":[1,2,3],\"k\":1,\"filter\":" + "{\"not\":".repeat(70) + "{}"
                + "}".repeat(70) + "}";
        assertError(curl.json("POST", "/v1/collections/bad/search", deepFilter), 400, "INVALID_ARGUMENT",
                "request body: JSON nested deeper than 64 levels");
        assertError(curl.run("\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1), "-X", "PUT", curl.url(path), "-H",
                "Content-Type: application/json", "--data-binary", "@-"), 400, "INVALID_ARGUMENT",
                "request body: malformed JSON at line 1, column 2: Invalid UTF-8 start byte 0xff");
        // still serving, and nothing was written
        assertJson(curl.json("POST", "/v1/collections/bad/vectors/get", "{\"ids\":[1]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"1\"]}");
    }

    @Test
    void shouldAnswerUnknownPathsWrongMethodsAndMediaTypesWithTheirStatus() {
        assertError(curl.get("/v2/collections"), 404, "NOT_FOUND",
                "no such path: /v2/collections (the API is under /v1; see /openapi.yaml)");
        assertError(curl.get("/v1/collections/x/vectors/get/more"), 404, "NOT_FOUND",
                "no such path: /v1/collections/x/vectors/get/more (the API is under /v1; see /openapi.yaml)");
        Curl.Answer patch = curl.run(null, "-X", "PATCH", curl.url("/v1/collections/x/vectors"));
        assertError(patch, 405, "METHOD_NOT_ALLOWED",
                "PATCH is not allowed on /v1/collections/x/vectors (allowed: POST, PUT)");
        assertEquals("POST, PUT", patch.header("allow"));
        Curl.Answer getOnGet = curl.get("/v1/collections/x/vectors/get");
        assertError(getOnGet, 405, "METHOD_NOT_ALLOWED", "GET is not allowed on /v1/collections/x/vectors/get"
                + " (allowed: POST)");
        assertEquals("POST", getOnGet.header("allow"));
        assertError(curl.run("{}".getBytes(StandardCharsets.UTF_8), "-X", "POST", curl.url("/v1/collections"),
                        "--data-binary", "@-"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type 'application/x-www-form-urlencoded' is not supported: send application/json");
        assertError(curl.run("{}".getBytes(StandardCharsets.UTF_8), "-X", "POST", curl.url("/v1/collections"),
                        "-H", "Content-Type:", "--data-binary", "@-"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type is missing: send application/json");
        assertError(curl.run("{}".getBytes(StandardCharsets.UTF_8), "-X", "POST", curl.url("/v1/collections"),
                        "-H", "Content-Type: application/json; charset=latin1", "--data-binary", "@-"), 415,
                "UNSUPPORTED_MEDIA_TYPE", "Content-Type 'application/json; charset=latin1' is not supported: the body"
                        + " must be UTF-8 (application/json)");
        assertError(curl.get("/v1/collections?limit=3"), 400, "INVALID_ARGUMENT",
                "query parameter 'limit' is not known here (use timeout_ms)");
    }

    @Test
    void shouldRefuseBodiesOverMaxRequestBytesWith413AndKeepServing() throws IOException {
        create("big");
        Path body = dir.resolve("big.json");
        Files.writeString(body, "{\"vectors\":[" + " ".repeat(70_000) + "]}");
        Curl.Answer declared = curl.run(null, "-X", "PUT", curl.url("/v1/collections/big/vectors"), "-H",
                "Content-Type: application/json", "--data-binary", "@" + body);
        assertError(declared, 413, "PAYLOAD_TOO_LARGE",
                "request body: 70014 bytes is larger than max_request_bytes (65536 bytes)");
        assertEquals("close", declared.header("connection"));
        Curl.Answer chunked = curl.run(null, "-X", "PUT", curl.url("/v1/collections/big/vectors"), "-H",
                "Content-Type: application/json", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + body);
        assertError(chunked, 413, "PAYLOAD_TOO_LARGE", "request body: larger than max_request_bytes (65536 bytes)");
        assertJson(curl.json("PUT", "/v1/collections/big/vectors", "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}"),
                200, "{\"ids\":[\"1\"],\"written\":1,\"failures\":[]}");
    }

    @Test
    void shouldEchoASaneRequestIdAndReplaceAnyOther() {
        Curl.Answer mine = curl.get("/v1/collections/none", "-H", "X-Request-Id: client-42.a:b_c");
        assertEquals("client-42.a:b_c", mine.header("x-request-id"));
        assertError(mine, 404, "NOT_FOUND", "unknown collection 'none'");
        Curl.Answer insane = curl.get("/v1/collections/none", "-H", "X-Request-Id: has spaces/and slashes");
        assertTrue(insane.header("x-request-id").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                insane.header("x-request-id"));
        assertError(insane, 404, "NOT_FOUND", "unknown collection 'none'");
        Curl.Answer ok = curl.get("/v1/collections", "-H", "X-Request-Id: " + "r".repeat(128));
        assertEquals("r".repeat(128), ok.header("x-request-id"));
        assertTrue(curl.get("/v1/collections", "-H", "X-Request-Id: " + "r".repeat(129)).header("x-request-id")
                .length() == 36);
    }

    @Test
    void shouldHonourTheRequestDeadline() {
        create("deadline");
        assertError(curl.json("POST", "/v1/collections/deadline/search", "{\"vector\":[1,2,3],\"k\":1}", "-H",
                "X-Timeout-Ms: 0"), 504, "DEADLINE_EXCEEDED", "the deadline passed before Search started; nothing was done");
        assertError(curl.json("PUT", "/v1/collections/deadline/vectors?timeout_ms=0",
                        "{\"vectors\":[{\"id\":1,\"values\":[1,2,3]}]}"), 504, "DEADLINE_EXCEEDED",
                "the deadline passed before Upsert started; nothing was done");
        assertJson(curl.json("POST", "/v1/collections/deadline/vectors/get", "{\"ids\":[1]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"1\"]}");
        assertError(curl.get("/v1/collections", "-H", "X-Timeout-Ms: soon"), 400, "INVALID_ARGUMENT",
                "X-Timeout-Ms: 'soon' is invalid: use milliseconds, 0-86400000");
        assertError(curl.get("/v1/collections?timeout_ms=-5"), 400, "INVALID_ARGUMENT",
                "timeout_ms: '-5' is invalid: use milliseconds, 0-86400000");
        assertEquals(200, curl.get("/v1/collections?timeout_ms=5000").status());
    }

    @Test
    void shouldSearchWithEveryFilterForm() {
        create("filters");
        assertEquals(200, curl.json("PUT", "/v1/collections/filters/vectors", """
                {"vectors":[{"id":1,"values":[1,0,0],"metadata":{"lang":"en","year":2020,"ok":true}},
                            {"id":2,"values":[2,0,0],"metadata":{"lang":"de","year":2022,"ok":false}},
                            {"id":3,"values":[3,0,0],"metadata":{"lang":"fr","year":2024}},
                            {"id":4,"values":[4,0,0]}]}""").status());
        assertHits("{\"eq\":{\"field\":\"lang\",\"value\":\"de\"}}", "2");
        assertHits("{\"in\":{\"field\":\"lang\",\"values\":[\"en\",\"fr\"]}}", "1", "3");
        assertHits("{\"range\":{\"field\":\"year\",\"min\":2020,\"max\":2024,\"min_exclusive\":true}}", "2", "3");
        assertHits("{\"range\":{\"field\":\"year\",\"max\":2022,\"max_exclusive\":true}}", "1");
        assertHits("{\"or\":[{\"eq\":{\"field\":\"ok\",\"value\":true}},{\"eq\":{\"field\":\"year\",\"value\":2024}}]}",
                "1", "3");
        assertHits("{\"and\":[{\"eq\":{\"field\":\"ok\",\"value\":false}},{\"range\":{\"field\":\"year\",\"min\":2000}}]}",
                "2");
        assertHits("{\"not\":{\"eq\":{\"field\":\"lang\",\"value\":\"en\"}}}", "2", "3", "4");
        assertError(curl.json("POST", "/v1/collections/filters/search",
                        "{\"vector\":[0,0,0],\"k\":5,\"filter\":{\"eq\":{\"field\":\"lang\",\"value\":[\"en\"]}}}"),
                400, "INVALID_ARGUMENT", "filter.eq.value: an array is not a metadata value (use a string, a number or"
                        + " true/false)");
        assertError(curl.json("POST", "/v1/collections/filters/search",
                        "{\"vector\":[0,0,0],\"k\":5,\"filter\":{\"and\":[{\"gt\":{}}]}}"),
                400, "INVALID_ARGUMENT", "filter.and[0]: unknown field 'gt' (expected and, eq, in, not, or, range)");
        assertError(curl.json("POST", "/v1/collections/filters/search",
                        "{\"vector\":[0,0,0],\"k\":5,\"filter\":{}}"),
                400, "INVALID_ARGUMENT", "filter: expected exactly one of and, eq, in, not, or, range; got none");
    }

    private void assertHits(String filter, String... ids) {
        Curl.Answer a = curl.json("POST", "/v1/collections/filters/search",
                "{\"vector\":[0,0,0],\"k\":10,\"filter\":" + filter + "}");
        assertEquals(200, a.status(), a.body());
        ArrayNode expected = RestAssertions.JSON.createArrayNode();
        for (String id : ids) {
            expected.add(id);
        }
        ArrayNode actual = RestAssertions.JSON.createArrayNode();
        json(a.body()).get("hits").forEach(h -> actual.add(h.get("id").stringValue()));
        assertEquals(expected, actual, filter + " -> " + a.body());
    }

    // ------------------------------------------------------------------------------------------
    // NDJSON stream

    @Test
    void shouldStreamNdjsonChunkedFromStandardInput() {
        create("stream");
        String lines = """
                {"id":1,"values":[1,0,0],"metadata":{"n":1}}

                {"id":2,"values":[0,1,0]}
                {"values":[0,0,1]}""";
        Curl.Answer a = curl.run(lines.getBytes(StandardCharsets.UTF_8), "-X", "POST",
                curl.url("/v1/collections/stream/vectors:stream"), "-H", "Content-Type: application/x-ndjson", "-T", "-");
        assertJson(a, 200, "{\"lines\":4,\"ids\":3,\"written\":3,\"failures\":[],\"failure_count\":0}");
        assertFound("stream", "1,2,\"" + derivedIdOf001() + "\"", "\"1\",\"2\",\"" + derivedIdOf001() + "\"", "");
    }

    @Test
    void shouldStopAStreamAtTheFirstBadLineKeepingTheBatchesBeforeIt() throws IOException {
        create("batches");
        int batch = cluster.core().maxBatchRows();
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= 2 * batch + 2; i++) {
            body.append("{\"id\":").append(i).append(",\"values\":[").append(i).append(",1,2]}\n");
        }
        body.append("{\"id\":999999,\"values\":[1,2]}\n");
        body.append("{\"id\":1000000,\"values\":[1,2,3]}\n");
        Path file = dir.resolve("batches.ndjson");
        Files.writeString(file, body);
        Curl.Answer a = curl.run(null, "-X", "POST", curl.url("/v1/collections/batches/vectors:stream"), "-H",
                "Content-Type: application/x-ndjson", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file);
        int bad = 2 * batch + 3;
        JsonNode error = assertError(a, 400, "INVALID_ARGUMENT", "line " + bad + ": vectors[2]: has 2 dimensions,"
                + " collection 'batches' has 3; " + (2 * batch) + " lines before it were written");
        assertEquals(bad, error.get("line").longValue());
        assertEquals(2 * batch, error.get("lines_written").longValue());
        assertFound("batches", "1," + (2 * batch) + "," + (2 * batch + 1) + ",1000000",
                "\"1\",\"" + (2 * batch) + "\"", "\"" + (2 * batch + 1) + "\",\"1000000\"");
    }

    @Test
    void shouldNameTheLineOfMalformedNdjson() {
        create("ndbad");
        String url = curl.url("/v1/collections/ndbad/vectors:stream");
        assertError(curl.run("{\"id\":1,\"values\":[1,2,3]}\n{\"id\":2,\"values\":[1,2,\n".getBytes(StandardCharsets.UTF_8),
                        "-X", "POST", url, "-H", "Content-Type: application/x-ndjson", "-T", "-"), 400,
                "INVALID_ARGUMENT", "line 2: malformed JSON at column 23: Unexpected end-of-input within/between Array"
                        + " entries; 0 lines before it were written");
        assertError(curl.run("{\"id\":1,\"vals\":[1,2,3]}\n".getBytes(StandardCharsets.UTF_8), "-X", "POST", url,
                        "-H", "Content-Type: application/x-ndjson", "-T", "-"), 400, "INVALID_ARGUMENT",
                "line 1: vector: unknown field 'vals' (expected id, metadata, values, values_f32); 0 lines before it"
                        + " were written");
        assertError(curl.run("[1,2,3]\n".getBytes(StandardCharsets.UTF_8), "-X", "POST", url, "-H",
                        "Content-Type: application/x-ndjson", "-T", "-"), 400, "INVALID_ARGUMENT",
                "line 1: vector: expected a JSON object, got an array; 0 lines before it were written");
        assertError(curl.run("{\"id\":1,\"values\":[1,2,3]}\n".getBytes(StandardCharsets.UTF_8), "-X", "POST", url,
                        "-H", "Content-Type: application/json", "-T", "-"), 415, "UNSUPPORTED_MEDIA_TYPE",
                "Content-Type 'application/json' is not supported: send application/x-ndjson");
        assertJson(curl.json("POST", "/v1/collections/ndbad/vectors/get", "{\"ids\":[1,2]}"), 200,
                "{\"vectors\":[],\"missing_ids\":[\"1\",\"2\"]}");
    }

    @Test
    void shouldRefuseAStreamLongerThanMaxStreamBytes() throws IOException {
        create("ndbig");
        Path file = dir.resolve("blank.ndjson");
        Files.write(file, "\n".repeat(5 << 20).getBytes(StandardCharsets.US_ASCII));
        assertError(curl.run(null, "-X", "POST", curl.url("/v1/collections/ndbig/vectors:stream"), "-H",
                        "Content-Type: application/x-ndjson", "-H", "Transfer-Encoding: chunked", "--data-binary",
                        "@" + file), 413, "PAYLOAD_TOO_LARGE",
                "request body: the stream is longer than max_stream_bytes (4194304 bytes); 0 lines before it were"
                        + " written");
        assertError(curl.run(null, "-X", "POST", curl.url("/v1/collections/ndbig/vectors:stream"), "-H",
                        "Content-Type: application/x-ndjson", "--data-binary", "@" + file), 413, "PAYLOAD_TOO_LARGE",
                "request body: 5242880 bytes is longer than max_stream_bytes (4194304 bytes)");
        assertEquals(200, curl.get("/v1/collections/ndbig").status());
    }

    @Test
    void shouldServeTheOpenApiDocument() {
        Curl.Answer yaml = curl.get("/openapi.yaml");
        assertEquals(200, yaml.status());
        assertEquals("application/yaml", yaml.header("content-type"));
        assertTrue(yaml.body().startsWith("openapi: 3.0.3"));
        Curl.Answer json = curl.get("/openapi.json");
        assertEquals("3.0.3", json(json.body()).get("openapi").stringValue());
        assertNull(json(json.body()).get("error"));
    }
}
