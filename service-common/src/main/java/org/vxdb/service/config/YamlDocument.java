package org.vxdb.service.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiFunction;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.util.JsonParserDelegate;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads one YAML document into a tree. Syntax errors become {@link ConfigException}s that give
 * the line and column of the problem; a field given twice, or a second document, is an error too.
 *
 * <p>What one document may cost is bounded: at most {@link #MAX_CHARS} characters, nested at most
 * {@link #MAX_DEPTH} levels, scalars of at most {@link #MAX_SCALAR_CHARS} characters. Anchors may be
 * written but aliases ({@code *name}, {@code <<: *name}) are refused: the reader would otherwise
 * see the alias's name where its value belongs, and expanding them is what makes a small
 * document a "billion laughs".
 */
public final class YamlDocument {

    /** Longest document read, in characters. Config and topology files are a few KiB. */
    public static final int MAX_CHARS = 1 << 20;
    /** Deepest nesting of mappings and lists; the configs nest three levels. */
    public static final int MAX_DEPTH = 32;
    /** Longest scalar (value or key), in characters. */
    public static final int MAX_SCALAR_CHARS = 64 << 10;

    /*
     * snakeyaml-engine reads its input through a window of getBufferSize() characters and fails
     * with an IndexOutOfBoundsException when a surrogate pair (an emoji, say) straddles the end of
     * a full window (found by YamlDocumentFuzzTest / ConfigFileFuzzTest; jackson-dataformats-text
     * #508). A window as large as the longest document we read never splits one.
     */
    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .loadSettings(LoadSettings.builder().setBufferSize(MAX_CHARS).build())
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_SCALAR_CHARS).maxNameLength(MAX_SCALAR_CHARS).build())
                    .build())
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
        if (yaml.length() > MAX_CHARS) {
            throw new ConfigException("the document is " + yaml.length() + " characters long; at most " + MAX_CHARS
                    + " are read");
        }
        JsonParser parser = new NoAliases(MAPPER.createParser(yaml));
        try (parser) {
            JsonNode tree = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw new ConfigException(at(parser.currentTokenLocation()) + "only one YAML document is allowed");
            }
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (StreamConstraintsException e) {
            String limit = e.getOriginalMessage().contains("nesting depth") ? "nested deeper than " + MAX_DEPTH
                    + " levels" : "a value or key longer than " + MAX_SCALAR_CHARS + " characters";
            throw new ConfigException(at(parser.currentTokenLocation()) + limit, e);
        } catch (JacksonException e) {
            throw translate(e);
        }
    }

    /** Refuses an alias where it is read, naming it and where it is. */
    private static final class NoAliases extends JsonParserDelegate {
        NoAliases(JsonParser yaml) {
            super(yaml);
        }

        @Override
        public JsonToken nextToken() {
            JsonToken t = super.nextToken();
            if (delegate() instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                throw new ConfigException(at(currentTokenLocation()) + "aliases (*" + yaml.getString()
                        + ") are not supported; write the value out");
            }
            return t;
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
