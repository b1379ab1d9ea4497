package io.consolecms.host.plugins;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the sample plugins (compiled into jars at test time, see {@link PluginJarBuilder}) report to the test. It is on
 * the host's class path, so the plugins' own class loaders see it through their parent.
 */
public final class PluginProbe {

    private static final List<String> RECORDS = new CopyOnWriteArrayList<>();
    private static final Map<String, Object> KEPT = new ConcurrentHashMap<>();

    private PluginProbe() {
    }

    public static void record(String line) {
        RECORDS.add(line);
    }

    public static void keep(String name, Object value) {
        KEPT.put(name, value);
    }

    static List<String> records() {
        return List.copyOf(RECORDS);
    }

    static Object kept(String name) {
        return KEPT.get(name);
    }

    static void clear() {
        RECORDS.clear();
        KEPT.clear();
    }
}
