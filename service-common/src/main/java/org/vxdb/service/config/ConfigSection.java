package org.vxdb.service.config;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A mapping of the config tree ({@code grpc:}, {@code storage:}, or the top level) with the fields
 * it may hold. Unknown fields are rejected as soon as the section is opened, so a misspelt field is
 * reported as such rather than as its correctly spelt twin being missing.
 */
public final class ConfigSection {

    private final String path;
    private final JsonNode node;
    private final List<String> fields;

    private ConfigSection(String path, JsonNode node, List<String> fields) {
        this.path = path;
        this.node = node;
        this.fields = fields;
        rejectUnknownFields();
    }

    /** The top level of a document; an empty document reads as an empty mapping. */
    public static ConfigSection root(JsonNode tree, String... fields) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new ConfigSection("", null, List.of(fields));
        }
        if (!tree.isObject()) {
            throw new ConfigException("expected a mapping of settings at the top level, got "
                    + ConfigValue.describe(tree));
        }
        return new ConfigSection("", tree, List.of(fields));
    }

    /** The mapping under {@code name}; absent or empty reads as a mapping with nothing set. */
    public ConfigSection section(String name, String... sectionFields) {
        return of(value(name), sectionFields);
    }

    /** A value read as a mapping, such as one entry of a list ({@code nodes[0]}); absent reads as empty. */
    public static ConfigSection of(ConfigValue value, String... fields) {
        if (value.isAbsent()) {
            return new ConfigSection(value.path(), null, List.of(fields));
        }
        if (!value.node().isObject()) {
            throw value.wrongType("a mapping");
        }
        return new ConfigSection(value.path(), value.node(), List.of(fields));
    }

    public ConfigValue value(String name) {
        if (!fields.contains(name)) {
            throw new IllegalStateException(pathOf(name) + " is read but not declared");
        }
        return new ConfigValue(pathOf(name), node == null ? null : node.get(name));
    }

    private void rejectUnknownFields() {
        if (node == null) {
            return;
        }
        for (String name : node.propertyNames()) {
            if (!fields.contains(name)) {
                throw new ConfigException(pathOf(name) + ": unknown field (" + hint(name) + ")");
            }
        }
    }

    private String hint(String name) {
        Optional<String> nearest = NearestName.of(name, fields);
        return nearest.map(n -> "did you mean " + pathOf(n) + "?")
                .orElseGet(() -> "use " + String.join(", ", fields));
    }

    private String pathOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
