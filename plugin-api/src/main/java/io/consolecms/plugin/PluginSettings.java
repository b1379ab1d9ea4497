package io.consolecms.plugin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One plugin's settings: the host's environment variables that start with {@code CMS_<PLUGIN ID>_}, looked up by the
 * rest of their name. For the {@code webhooks} plugin, {@code timeout} reads {@code CMS_WEBHOOKS_TIMEOUT}.
 *
 * <p>A plugin should parse its settings once, in {@link Plugin#start}, into final fields. Every parse error is an
 * {@link InvalidSettingException} that names the full variable, so that failing {@code start} with it tells the
 * operator what to fix. Immutable and thread-safe.
 */
public final class PluginSettings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final String prefix;
    private final Map<String, String> values;

    private PluginSettings(String prefix, Map<String, String> values) {
        this.prefix = prefix;
        this.values = Map.copyOf(values);
    }

    /**
     * The settings of plugin {@code pluginId} among {@code environment}: only the variables under its prefix are kept.
     */
    public static PluginSettings forPlugin(String pluginId, Map<String, String> environment) {
        String prefix = "CMS_" + pluginId.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
        Map<String, String> own = new java.util.HashMap<>();
        environment.forEach((key, value) -> {
            if (key.startsWith(prefix) && value != null) {
                own.put(key, value);
            }
        });
        return new PluginSettings(prefix, own);
    }

    /** The full variable name of a key, e.g. {@code CMS_WEBHOOKS_TIMEOUT} for {@code timeout}. */
    public String variable(String key) {
        return prefix + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** The raw value of a key, or empty when unset or blank. */
    public Optional<String> get(String key) {
        String value = values.get(variable(key));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** A string value, or {@code fallback}. */
    public String string(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** A positive whole number, or {@code fallback}. */
    public int positiveInt(String key, int fallback) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new InvalidSettingException(variable(key), "must be a positive whole number, got '" + raw.get() + "'");
    }

    /** A duration such as {@code 500ms}, {@code 15s}, {@code 5m}, {@code 2h} or {@code 1d}, or {@code fallback}. */
    public Duration duration(String key, Duration fallback) {
        Optional<String> raw = get(key);
        return raw.isEmpty() ? fallback : parseDuration(key, raw.get());
    }

    /** A comma-separated list of durations (e.g. {@code 5s,5m,30m}), or {@code fallback}; may be empty. */
    public List<Duration> durations(String key, List<Duration> fallback) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        List<Duration> result = new ArrayList<>();
        for (String part : raw.get().split(",")) {
            if (!part.isBlank()) {
                result.add(parseDuration(key, part.trim()));
            }
        }
        return List.copyOf(result);
    }

    /** A comma-separated list of values, trimmed, without empty ones, or {@code fallback}. */
    public List<String> list(String key, List<String> fallback) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        List<String> result = new ArrayList<>();
        for (String part : raw.get().split(",")) {
            if (!part.isBlank()) {
                result.add(part.trim());
            }
        }
        return List.copyOf(result);
    }

    private Duration parseDuration(String key, String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new InvalidSettingException(variable(key),
                    "'" + text + "' is not a duration such as 500ms, 15s, 5m, 2h or 1d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** A setting whose value cannot be used; the message names the variable. */
    public static final class InvalidSettingException extends IllegalArgumentException {
        private final String variable;

        public InvalidSettingException(String variable, String problem) {
            super(variable + ": " + problem);
            this.variable = variable;
        }

        /** The full name of the offending variable. */
        public String variable() {
            return variable;
        }
    }
}
