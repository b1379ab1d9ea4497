package io.consolecms.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a real plugin jar from a sample under the test resources' {@code sample-plugins/<name>/}: its {@code java/}
 * sources are compiled now, with the {@code probe} sample's through which each reports to the test (so that their
 * classes are not on the host's class path, where the parent class loader would find them first), and its
 * {@code resources/} are copied as they are, service file included.
 */
final class PluginJarBuilder {

    private PluginJarBuilder() {
    }

    /** Builds {@code sample-plugins/<sample>} into {@code jar} with {@code Implementation-Version: version}. */
    static Path build(String sample, Path jar, String version) {
        try {
            Path source = Path.of(PluginJarBuilder.class.getResource("/sample-plugins/" + sample).toURI());
            Path classes = Files.createTempDirectory(jar.getParent(), sample + "-classes");
            if (Files.isDirectory(source.resolve("java"))) {
                compile(List.of(source.resolve("java"), source.resolveSibling("probe").resolve("java")), classes);
            }
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
                add(zip, classes);
                add(zip, source.resolve("resources"));
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void compile(List<Path> sourceFolders, Path classes) throws IOException {
        List<String> files = new java.util.ArrayList<>();
        for (Path sources : sourceFolders) {
            try (Stream<Path> walk = Files.walk(sources)) {
                walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).forEach(files::add);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new java.util.ArrayList<>(List.of("-proc:none", "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path")));
        arguments.addAll(files);
        int status = javac.run(null, null, System.err, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("cannot compile the sample plugin in " + sourceFolders);
        }
    }

    private static void add(JarOutputStream zip, Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            zip.putNextEntry(new JarEntry(root.relativize(file).toString().replace('\\', '/')));
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(zip);
            }
            zip.closeEntry();
        }
    }
}
