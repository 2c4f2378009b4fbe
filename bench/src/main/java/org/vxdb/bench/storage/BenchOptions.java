package org.vxdb.bench.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options of one subcommand. Every option is checked against the names the
 * subcommand knows before anything runs, so a typo fails at once with the option's name.
 */
public final class BenchOptions {

    private final String command;
    private final Map<String, String> values;

    private BenchOptions(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    public static BenchOptions parse(String command, String[] args, int from, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(command + ": expected an option (--name value), got '" + a + "'");
            }
            String name = a.substring(2);
            if (!known.contains(name)) {
                throw new IllegalArgumentException(command + ": unknown option --" + name + " (known: --"
                        + String.join(", --", known.stream().sorted().toList()) + ")");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(command + ": option --" + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
        return new BenchOptions(command, values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    public int integer(String name, int def, int min) {
        long v = longValue(name, def);
        if (v < min || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(command + ": --" + name + " " + v + " is invalid: use " + min + "-"
                    + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    public long longValue(String name, long def) {
        String s = values.get(name);
        if (s == null) {
            return def;
        }
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " '" + s + "' is not a whole number");
        }
    }

    /** {@code true} or {@code false}; anything else is an error naming the option. */
    public boolean bool(String name, boolean def) {
        String s = values.get(name);
        if (s == null) {
            return def;
        }
        if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException(command + ": --" + name + " '" + s + "' is invalid: use true or false");
        }
        return s.equals("true");
    }

    public double decimal(String name, double def) {
        String s = values.get(name);
        if (s == null) {
            return def;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " '" + s + "' is not a number");
        }
    }

    public Path path(String name, Path def) {
        String s = values.get(name);
        return s == null ? def : Path.of(s);
    }

    /** A comma-separated list of positive integers; {@code default} stands for 0 (the engine's default). */
    public List<Integer> nprobes(String name, String def) {
        List<Integer> out = new ArrayList<>();
        for (String part : values.getOrDefault(name, def).split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.equals("default")) {
                out.add(0);
                continue;
            }
            try {
                int v = Integer.parseInt(p);
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(command + ": --" + name + " '" + part
                        + "' is not a positive whole number or 'default'");
            }
        }
        return out;
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E def) {
        String s = values.get(name);
        if (s == null) {
            return def;
        }
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(command + ": --" + name + " '" + s + "' is not one of "
                    + String.join(", ", names));
        }
    }
}
