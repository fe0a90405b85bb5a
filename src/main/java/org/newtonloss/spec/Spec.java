package org.newtonloss.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed SPEC string, {@code family:key=value,key=value}. Getters record which keys were read, so that
 * {@link #requireAllUsed(String...)} can reject unknown keys with a message that names them and lists the known
 * ones. Values are validated by the getters (finite numbers, ranges), each error naming key and value.
 */
public final class Spec {
    private final String text;
    private final String family;
    private final Map<String, String> values;
    private final Set<String> used = new HashSet<>();

    private Spec(String text, String family, Map<String, String> values) {
        this.text = text;
        this.family = family;
        this.values = values;
    }

    /** Parses {@code family[:key=value,...]}; keys are case-sensitive, surrounding blanks are ignored. */
    public static Spec parse(String text) {
        if (text == null || text.isBlank()) throw new SpecException("SPEC must not be empty, got '" + text + "'");
        String t = text.strip();
        int colon = t.indexOf(':');
        String family = (colon < 0 ? t : t.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        if (family.isEmpty()) throw new SpecException("SPEC '" + text + "' has no family before ':'");
        Map<String, String> values = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = t.substring(colon + 1).strip();
            if (!rest.isEmpty()) {
                for (String part : rest.split(",")) {
                    int eq = part.indexOf('=');
                    if (eq <= 0) throw new SpecException("SPEC '" + text + "': expected key=value, got '" + part.strip() + "'");
                    String key = part.substring(0, eq).strip();
                    String value = part.substring(eq + 1).strip();
                    if (value.isEmpty()) throw new SpecException("SPEC '" + text + "': key '" + key + "' has no value");
                    if (values.put(key, value) != null)
                        throw new SpecException("SPEC '" + text + "': key '" + key + "' given twice");
                }
            }
        }
        return new Spec(text, family, Collections.unmodifiableMap(values));
    }

    public String family() { return family; }
    public String text() { return text; }
    public Map<String, String> values() { return values; }
    public boolean has(String key) { return values.containsKey(key); }

    public String string(String key, String defaultValue) {
        used.add(key);
        return values.getOrDefault(key, defaultValue);
    }

    public double number(String key, double defaultValue) {
        used.add(key);
        String v = values.get(key);
        if (v == null) return defaultValue;
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new SpecException("SPEC '" + text + "': " + key + " must be a number, got '" + v + "'");
        }
        if (!Double.isFinite(d)) throw new SpecException("SPEC '" + text + "': " + key + " must be finite, got " + v);
        return d;
    }

    /** A number that must be strictly positive. */
    public double positive(String key, double defaultValue) {
        double d = number(key, defaultValue);
        if (!(d > 0)) throw new SpecException("SPEC '" + text + "': " + key + " must be > 0, got " + values.getOrDefault(key, String.valueOf(defaultValue)));
        return d;
    }

    public int integer(String key, int defaultValue, int min) {
        used.add(key);
        String v = values.get(key);
        int i;
        if (v == null) i = defaultValue;
        else {
            try {
                i = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new SpecException("SPEC '" + text + "': " + key + " must be an integer, got '" + v + "'");
            }
        }
        if (i < min) throw new SpecException("SPEC '" + text + "': " + key + " must be >= " + min + ", got " + i);
        return i;
    }

    public long longValue(String key, long defaultValue) {
        used.add(key);
        String v = values.get(key);
        if (v == null) return defaultValue;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SpecException("SPEC '" + text + "': " + key + " must be an integer, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        used.add(key);
        String v = values.get(key);
        if (v == null) return defaultValue;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new SpecException("SPEC '" + text + "': " + key + " must be true or false, got '" + v + "'");
        };
    }

    /** An enum value by its lower-case name (e.g. {@code odd_even} for {@code ODD_EVEN}). */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        used.add(key);
        String v = values.get(key);
        if (v == null) return defaultValue;
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(v.replace('-', '_'))) return e;
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(Locale.ROOT));
        throw new SpecException("SPEC '" + text + "': unknown " + key + " '" + v + "' (known: " + String.join(", ", names) + ")");
    }

    /** Rejects keys no getter asked for; {@code known} lists the keys of the family for the message. */
    public void requireAllUsed(String... known) {
        for (String key : values.keySet()) {
            if (!used.contains(key))
                throw new SpecException("SPEC '" + text + "': unknown key '" + key + "' for family '" + family
                        + "' (known: " + String.join(", ", known) + ")");
        }
    }

    @Override public String toString() { return text; }
}
