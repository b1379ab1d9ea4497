package sample.probe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Compiled into every sample plugin: reports to the test's {@code PluginProbe} through the system properties, the
 * JDK being all that a plugin and the host's test classes share.
 */
public final class Probe {

    private Probe() {
    }

    @SuppressWarnings("unchecked")
    public static void record(String line) {
        ((List<String>) System.getProperties().computeIfAbsent("consolecms.test.probe.records",
                key -> new CopyOnWriteArrayList<>())).add(line);
    }

    @SuppressWarnings("unchecked")
    public static void keep(String name, Object value) {
        ((Map<String, Object>) System.getProperties().computeIfAbsent("consolecms.test.probe.kept",
                key -> new ConcurrentHashMap<>())).put(name, value);
    }
}
