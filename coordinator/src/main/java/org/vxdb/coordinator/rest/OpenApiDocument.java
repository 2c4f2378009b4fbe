package org.vxdb.coordinator.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The OpenAPI 3 description of this API, kept in the repository as
 * {@code coordinator/src/main/resources/openapi/vxdb-rest.yaml} and served as it is at
 * {@code /openapi.yaml} (and converted once at {@code /openapi.json}).
 */
final class OpenApiDocument {

    static final String RESOURCE = "/openapi/vxdb-rest.yaml";
    static final String YAML_TYPE = "application/yaml";

    private static final byte[] YAML = load();
    private static final byte[] JSON = toJson(YAML);

    private OpenApiDocument() {
    }

    static byte[] yaml() {
        return YAML;
    }

    static byte[] json() {
        return JSON;
    }

    private static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static byte[] toJson(byte[] yaml) {
        JsonNode tree = YAMLMapper.builder().build().readTree(yaml);
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
    }
}
