package org.vxdb.coordinator.resp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.vxdb.api.IdHashing;
import org.vxdb.api.v1.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a vector-set element is stored as a row of the key's collection.
 *
 * <ul>
 *   <li>id = xxHash64 (seed {@link IdHashing#SEED}) of the element name's UTF-8 bytes, so the same
 *       name always lands on the same row, from any coordinator;
 *   <li>{@value #ELEMENT}: the element name, so searches can answer with names;
 *   <li>{@value #ATTRIBUTES}: the SETATTR JSON exactly as given, for VGETATTR and WITHATTRIBS;
 *   <li>{@value #NORM}: the L2 norm of the vector as given, so VEMB can undo the normalisation
 *       a COSINE collection applies;
 *   <li>every scalar attribute again as its own metadata field, which FILTER expressions test
 *       (JSON booleans as 1 and 0, as vector-set expressions see them).
 * </ul>
 */
final class VectorSetRows {

    static final String RESERVED_PREFIX = "_vset_";
    static final String ELEMENT = "_vset_element";
    static final String ATTRIBUTES = "_vset_attrs";
    static final String NORM = "_vset_norm";

    private static final XXHash64 XX = XXHashFactory.safeInstance().hash64();

    private VectorSetRows() {
    }

    /** The row id of an element name. */
    static long idOf(byte[] element) {
        return XX.hash(element, 0, element.length, IdHashing.SEED);
    }

    /** The element name as text; element names must be UTF-8 because they are stored as a string field. */
    static String elementName(byte[] element) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(element)).toString();
        } catch (CharacterCodingException e) {
            throw CommandException.err("element names must be valid UTF-8");
        }
    }

    /**
     * The metadata of an element: its name, norm, and (when {@code attributesJson} is neither null
     * nor empty) the attribute text and its scalar fields.
     */
    static Map<String, Value> metadata(String element, double norm, String attributesJson) {
        Map<String, Value> out = new LinkedHashMap<>();
        out.put(ELEMENT, Value.newBuilder().setStringValue(element).build());
        out.put(NORM, Value.newBuilder().setDoubleValue(norm).build());
        if (attributesJson != null && !attributesJson.isEmpty()) {
            out.putAll(attributeFields(attributesJson));
            out.put(ATTRIBUTES, Value.newBuilder().setStringValue(attributesJson).build());
        }
        return out;
    }

    /** The scalar fields of a SETATTR object; nested objects, arrays and nulls stay only in the JSON text. */
    static Map<String, Value> attributeFields(String json) {
        ObjectNode object = MetadataJson.parseObject(json, "attributes");
        Map<String, Value> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().startsWith(RESERVED_PREFIX)) {
                throw CommandException.err("attribute names starting with '" + RESERVED_PREFIX + "' are reserved");
            }
            Value v = MetadataJson.scalar(e.getValue(), true);
            if (v != null && !e.getKey().isEmpty()) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    /** The element name of a row, or its decimal id when it was written without one (VECTOR.ADD). */
    static String elementOf(long id, Map<String, Value> metadata) {
        Value v = metadata.get(ELEMENT);
        return v != null && v.hasStringValue() ? v.getStringValue() : Long.toUnsignedString(id);
    }

    /**
     * The attributes of a row as JSON: the SETATTR text when there is one, else its non-reserved
     * fields (a row written through VECTOR.ADD ... META), else null.
     */
    static String attributesOf(Map<String, Value> metadata) {
        Value v = metadata.get(ATTRIBUTES);
        if (v != null && v.hasStringValue()) {
            return v.getStringValue();
        }
        Map<String, Value> fields = new TreeMap<>();
        metadata.forEach((k, val) -> {
            if (!k.startsWith(RESERVED_PREFIX)) {
                fields.put(k, val);
            }
        });
        return fields.isEmpty() ? null : MetadataJson.toJson(fields);
    }

    /** The norm stored at VADD, or 1 for rows written otherwise (their vector is returned as stored). */
    static double normOf(Map<String, Value> metadata) {
        Value v = metadata.get(NORM);
        return v != null && v.hasDoubleValue() && v.getDoubleValue() > 0 ? v.getDoubleValue() : 1.0;
    }

    static double l2(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
