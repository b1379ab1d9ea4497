package io.consolecms.it.host;

import io.consolecms.plugin.Plugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Packs a plugin class compiled with the tests into a plugin jar, with its service file. */
final class PluginJars {

    private PluginJars() {
    }

    /** A jar at {@code jar} holding {@code pluginClass} (a top-level class) named as the jar's plugin. */
    static Path of(Class<? extends Plugin> pluginClass, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "0.0.1-test");
        String classFile = pluginClass.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest);
             InputStream bytes = pluginClass.getClassLoader().getResourceAsStream(classFile)) {
            zip.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(zip);
            zip.closeEntry();
            zip.putNextEntry(new JarEntry("META-INF/services/" + Plugin.class.getName()));
            zip.write((pluginClass.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }
}
