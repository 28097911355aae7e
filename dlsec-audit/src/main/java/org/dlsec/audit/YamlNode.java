package org.dlsec.audit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.dlsec.core.DlsecException;

/**
 * A YAML document as a tree that remembers where each value stood (Jackson's {@link JsonLocation}),
 * so that a configuration error can name the key and the line. Values are maps (insertion order),
 * lists, strings, numbers, booleans or null.
 *
 * @param value the value
 * @param path the key path from the root, e.g. {@code attacks[1].eps}
 * @param line 1-based line of the value
 * @param source the file name, for messages
 */
record YamlNode(Object value, String path, int line, String source) {

    /** The largest configuration accepted, in characters (a configuration is a few kilobytes). */
    static final int MAX_CHARS = 256 * 1024;
    /** The longest single scalar (key or value). */
    static final int MAX_SCALAR = 16 * 1024;
    /** The deepest nesting of mappings and lists. */
    static final int MAX_DEPTH = 32;

    /**
     * SnakeYAML's own limits, so that a hostile file is refused while it is read rather than after:
     * the whole document in code points, nesting depth, aliases (never expanded by dlsec, but counted),
     * no duplicate keys, no recursive keys.
     */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_SCALAR).maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(64).maxNameLength(MAX_SCALAR).maxDocumentLength(MAX_CHARS).build())
            .build();

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_CHARS);
        o.setNestingDepthLimit(MAX_DEPTH);
        o.setMaxAliasesForCollections(16);
        o.setAllowRecursiveKeys(false);
        o.setAllowDuplicateKeys(false);
        return o;
    }

    /**
     * Parses {@code text}, one YAML document; a syntax error, a second document, or text over the
     * limits above becomes a {@link DlsecException} naming the line.
     */
    static YamlNode parse(String text, String source) {
        if (text.length() > MAX_CHARS) {
            throw new DlsecException(source + ": " + text.length() + " characters is over the limit of " + MAX_CHARS
                    + " for an audit configuration");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new YamlNode(Map.of(), "", 1, source);
            }
            YamlNode root = read(p, "", source, 0);
            if (p.nextToken() != null) {
                throw new DlsecException(source + " line " + p.currentTokenLocation().getLineNr() + ": a second YAML"
                        + " document (after '---'); an audit configuration is one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new DlsecException(source + (loc == null ? "" : " line " + loc.getLineNr()) + ": invalid YAML: "
                    + org.dlsec.core.Text.echo(firstLine(e.getOriginalMessage()), 300), e);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof DlsecException) {
                throw e;
            }
            // SnakeYAML reports its own limits (code points, depth, aliases) as unchecked exceptions
            throw new DlsecException(source + ": refused: " + org.dlsec.core.Text.echo(firstLine(e.getMessage()), 300), e);
        }
    }

    private static YamlNode read(JsonParser p, String path, String source, int depth) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        if (depth > MAX_DEPTH) {
            throw new DlsecException(source + " line " + line + ": nested more than " + MAX_DEPTH + " levels deep");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, YamlNode> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    String child = path.isEmpty() ? key : path + "." + key;
                    if (m.containsKey(key)) {
                        throw new DlsecException(source + " line " + keyLine + ": " + child + ": duplicate key");
                    }
                    p.nextToken();
                    YamlNode v = read(p, child, source, depth + 1);
                    m.put(key, new YamlNode(v.value, child, v.value instanceof Map || v.value instanceof List ? keyLine
                            : v.line, source));
                }
                return new YamlNode(Collections.unmodifiableMap(m), path, line, source);
            }
            case START_ARRAY -> {
                List<YamlNode> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, path + "[" + l.size() + "]", source, depth + 1));
                }
                return new YamlNode(Collections.unmodifiableList(l), path, line, source);
            }
            case VALUE_STRING -> {
                return new YamlNode(p.getText(), path, line, source);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new YamlNode(p.getNumberValue(), path, line, source);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode(p.getBooleanValue(), path, line, source);
            }
            case VALUE_NULL -> {
                return new YamlNode(null, path, line, source);
            }
            default -> throw new DlsecException(source + " line " + line + ": " + path + ": unsupported YAML value " + t);
        }
    }

    /** A configuration error at this value: "{source} line {n}: {path}: {problem}". */
    DlsecException error(String problem) {
        return new DlsecException(source + " line " + line + ": " + (path.isEmpty() ? "" : org.dlsec.core.Text.echo(path, 200) + ": ") + problem);
    }

    boolean isList() {
        return value instanceof List<?>;
    }

    boolean isNull() {
        return value == null;
    }

    @SuppressWarnings("unchecked")
    Map<String, YamlNode> map() {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, YamlNode>) m;
        }
        throw error("expected a mapping of keys to values, got " + describe());
    }

    @SuppressWarnings("unchecked")
    List<YamlNode> list() {
        if (value instanceof List<?> l) {
            return (List<YamlNode>) l;
        }
        throw error("expected a list, got " + describe());
    }

    /** Fails on any key of this mapping that is not in {@code allowed}. */
    void onlyKeys(List<String> allowed) {
        for (Map.Entry<String, YamlNode> e : map().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw e.getValue().error("unknown key '" + org.dlsec.core.Text.echo(e.getKey()) + "' (expected one of " + String.join(", ", allowed)
                        + ")");
            }
        }
    }

    String string() {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw error("expected a single value, got " + describe());
    }

    double number() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw error("expected a number, got '" + org.dlsec.core.Text.echo(s) + "'");
            }
        }
        throw error("expected a number, got " + describe());
    }

    long integer() {
        double d = number();
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw error("expected an integer, got " + org.dlsec.core.Text.echo(String.valueOf(value)));
        }
        return (long) d;
    }

    boolean bool() {
        if (value instanceof Boolean b) {
            return b;
        }
        throw error("expected true or false, got " + describe());
    }

    private String describe() {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return "'" + org.dlsec.core.Text.echo(String.valueOf(value)) + "'";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
