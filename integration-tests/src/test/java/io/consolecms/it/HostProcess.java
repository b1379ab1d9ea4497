package io.consolecms.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real host, started from the built {@code cms-host.jar} as a separate process, with a plugins folder and a data
 * folder of the test's choosing. Its output goes to {@code host.log} in the data folder's parent.
 */
public final class HostProcess implements AutoCloseable {

    public static final Path HOST_JAR = Path.of(System.getProperty("cms.host.jar", "../cms-host/target/cms-host.jar"));
    public static final Path PLUGIN_JAR =
            Path.of(System.getProperty("webhooks.plugin.jar", "../webhooks-plugin/target/webhooks-plugin.jar"));

    private final Path home;
    private final Map<String, String> environment;
    private final int port;
    private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m"));
    private Process process;

    private HostProcess(Path home, int port, Map<String, String> environment) {
        this.home = home;
        this.port = port;
        this.environment = environment;
    }

    /** A host with the webhooks plugin installed, in a fresh folder below {@code parent}. Not started yet. */
    public static HostProcess withWebhooksPlugin(Path parent) throws IOException {
        HostProcess host = bare(parent);
        host.installPlugin(PLUGIN_JAR);
        return host;
    }

    /** A host with an empty plugins folder, in a fresh folder below {@code parent}. Not started yet. */
    public static HostProcess bare(Path parent) throws IOException {
        Path home = Files.createTempDirectory(parent, "host");
        Files.createDirectories(home.resolve("plugins"));
        Files.createDirectories(home.resolve("data"));
        Map<String, String> environment = new HashMap<>();
        int port = freePort();
        environment.put("CMS_PORT", Integer.toString(port));
        environment.put("CMS_BIND", "127.0.0.1");
        environment.put("CMS_DATA_DIR", home.resolve("data").toString());
        environment.put("CMS_PLUGINS_DIR", home.resolve("plugins").toString());
        return new HostProcess(home, port, environment);
    }

    /** Copies a plugin jar into the plugins folder. */
    public HostProcess installPlugin(Path jar) throws IOException {
        Files.copy(jar, pluginsDir().resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return this;
    }

    /** Sets an environment variable of the host process (for the next start). */
    public HostProcess env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Replaces the JVM options of the host process (for the next start); the default is {@code -Xmx256m}. */
    public HostProcess jvmOptions(String... options) {
        jvmOptions.clear();
        jvmOptions.addAll(List.of(options));
        return this;
    }

    public Path pluginsDir() {
        return home.resolve("plugins");
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    public Path log() {
        return home.resolve("host.log");
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the host and waits until {@code GET /health} answers 200. */
    public HostProcess start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(HOST_JAR.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("CMS_"));
        builder.environment().putAll(environment);
        process = builder.start();
        // a JVM start takes a few seconds alone, but over a minute on a shared machine under heavy load
        awaitHealthy(Duration.ofSeconds(180));
        return this;
    }

    private void awaitHealthy(Duration limit) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("host exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(baseUri().resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("host not healthy within " + limit + ":\n" + logText());
    }

    /** The administrators' bearer token: the one set by the test, or the one the host generated. */
    public String adminToken() throws IOException {
        String set = environment.get("CMS_ADMIN_TOKEN");
        return set != null ? set : Files.readString(dataDir().resolve("admin-token")).trim();
    }

    /** Console core's bearer token: the one set by the test, or the one the host generated. */
    public String coreToken() throws IOException {
        String set = environment.get("CMS_CORE_TOKEN");
        return set != null ? set : Files.readString(dataDir().resolve("core-token")).trim();
    }

    /** A client for this host's API. */
    public Api api() throws IOException {
        return new Api(baseUri(), adminToken(), coreToken());
    }

    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log()) : "";
    }

    /** Sends SIGTERM and waits for the process to end; returns its exit code. */
    public int stop() throws InterruptedException {
        if (process == null) {
            return -1;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** Sends SIGKILL: the host dies at once, with no chance to clean up. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The operating system's id of the running host process. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        return process.pid();
    }

    /** The exit code of the ended process, or -1 while it runs (or before it started). */
    public int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            stop();
        }
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
