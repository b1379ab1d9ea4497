package io.consolecms.host.plugins;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the sample plugins (compiled into jars at test time, see {@link PluginJarBuilder}) report to the test. A plugin
 * cannot see this class (the host hides its own classes from plugins), so both sides meet in the JDK: the samples'
 * {@code sample.probe.Probe} adds to the list and map this class keeps in the system properties.
 */
public final class PluginProbe {

    /** The system property keys, as {@code sample-plugins/probe/java/sample/probe/Probe.java} spells them. */
    static final String RECORDS = "consolecms.test.probe.records";
    static final String KEPT = "consolecms.test.probe.kept";

    private PluginProbe() {
    }

    public static void record(String line) {
        records().add(line);
    }

    @SuppressWarnings("unchecked")
    static List<String> records() {
        return (List<String>) System.getProperties().computeIfAbsent(RECORDS, key -> new CopyOnWriteArrayList<>());
    }

    static Object kept(String name) {
        return kept().get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kept() {
        return (Map<String, Object>) System.getProperties().computeIfAbsent(KEPT, key -> new ConcurrentHashMap<>());
    }

    static void clear() {
        records().clear();
        kept().clear();
    }
}
