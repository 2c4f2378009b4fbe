package org.vxdb.service.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiFunction;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads one YAML document into a tree. Syntax errors become {@link ConfigException}s that give
 * the line and column of the problem; a field given twice, or a second document, is an error too.
 */
public final class YamlDocument {

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Checked by read() itself, to say what is wrong rather than "trailing token".
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private YamlDocument() {
    }

    /**
     * Reads a config file and parses its text, prefixing any error with the file:
     * {@code <file>: <field>: <reason>}.
     *
     * @param parse from the file's text and its absolute directory (what relative paths in it
     *              resolve against) to the config
     */
    public static <T> T load(Path file, BiFunction<String, Path, T> parse) {
        String yaml = readFile(file);
        try {
            return parse.apply(yaml, file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw e.inFile(file);
        }
    }

    /** The file's text; an error names the file and why it cannot be read. */
    public static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e, e);
        }
    }

    /** The document's tree; a missing node for an empty document. */
    public static JsonNode read(String yaml) {
        try (JsonParser parser = MAPPER.createParser(yaml)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw new ConfigException(at(parser.currentTokenLocation()) + "only one YAML document is allowed");
            }
            return tree;
        } catch (JacksonException e) {
            throw translate(e);
        }
    }

    private static ConfigException translate(JacksonException e) {
        if (e.getCause() instanceof MarkedYamlEngineException yaml) {
            return new ConfigException(at(yaml) + describe(yaml), e);
        }
        if (e instanceof StreamReadException && e.getOriginalMessage().startsWith("Duplicate")
                && e.processor() instanceof JsonParser parser) {
            return new ConfigException(dottedPath(parser.streamReadContext()) + ": given twice (again at line "
                    + e.getLocation().getLineNr() + ")", e);
        }
        return new ConfigException(at(e.getLocation()) + e.getOriginalMessage(), e);
    }

    private static String at(MarkedYamlEngineException e) {
        Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
        return mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
    }

    private static String at(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    private static String describe(MarkedYamlEngineException e) {
        String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem().strip();
        return e.getContext() == null ? problem : problem + " (" + e.getContext().strip() + ")";
    }

    /** {@code grpc.listen}, {@code storage.data_dirs[1]}: the field being read when parsing stopped. */
    private static String dottedPath(TokenStreamContext context) {
        Deque<String> segments = new ArrayDeque<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.push("[" + c.getCurrentIndex() + "]");
            } else if (c.currentName() != null) {
                segments.push((c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.currentName());
            }
        }
        return String.join("", segments);
    }
}
