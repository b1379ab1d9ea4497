package io.consolecms.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of README's receivers, run as a process from the code block that README marks with
 * {@code <!-- receiver:<language> -->}, exactly as written there. It listens on a free port ({@code PORT=0}), takes its
 * secret from {@code WEBHOOK_SECRET} and prints one line per request, which this class collects.
 */
public final class ReadmeReceiver implements AutoCloseable {

    public static final Path README = Path.of(System.getProperty("readme", "../README.md"));
    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");

    /** A language of README's receivers: its marker, the file its code goes into and how that file is run. */
    public enum Language {
        NODE("node", "receiver.js", "nodejs"),
        PYTHON("python", "receiver.py", "python3"),
        JAVA("java", "WebhookReceiver.java", null);

        private final String marker;
        private final String file;
        private final String debianPackage;

        Language(String marker, String file, String debianPackage) {
            this.marker = marker;
            this.file = file;
            this.debianPackage = debianPackage;
        }

        /** The command that runs {@code file}: the JDK running the tests launches the Java one from source. */
        List<String> command(Path file) {
            return switch (this) {
                case NODE -> List.of("node", file.toString());
                case PYTHON -> List.of("python3", file.toString());
                case JAVA -> List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        file.toString());
            };
        }
    }

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final int port;

    private ReadmeReceiver(Process process, Duration startLimit) throws InterruptedException {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone; its lines so far are kept
            }
        }, "readme-receiver-output");
        reader.setDaemon(true);
        reader.start();
        this.port = awaitPort(startLimit);
    }

    /** The code of README's block for {@code language}; fails when README has no such block, or more than one. */
    public static String code(Language language) throws IOException {
        List<String> readme = Files.readAllLines(README, StandardCharsets.UTF_8);
        String marker = "<!-- receiver:" + language.marker + " -->";
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).strip().equals(marker)) {
                at.add(i);
            }
        }
        if (at.size() != 1) {
            throw new AssertionError(README + " must mark exactly one code block with " + marker + ", found " + at.size());
        }
        int fence = at.get(0) + 1;
        if (fence >= readme.size() || !readme.get(fence).startsWith("```")) {
            throw new AssertionError(marker + " in " + README + " must be followed by a fenced code block");
        }
        StringBuilder code = new StringBuilder();
        for (int i = fence + 1; i < readme.size(); i++) {
            if (readme.get(i).startsWith("```")) {
                return code.toString();
            }
            code.append(readme.get(i)).append('\n');
        }
        throw new AssertionError("the code block after " + marker + " in " + README + " is not closed");
    }

    /**
     * Writes README's receiver for {@code language} into a fresh folder below {@code parent} and starts it with
     * {@code secret}; returns once it says on which port it listens. Fails, never skips, when the language's runtime
     * is missing: README's code must have been run.
     */
    public static ReadmeReceiver start(Language language, Path parent, String secret)
            throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory(parent, "receiver-" + language.marker);
        Path file = Files.writeString(folder.resolve(language.file), code(language));
        ProcessBuilder builder = new ProcessBuilder(language.command(file))
                .directory(folder.toFile())
                .redirectErrorStream(true);
        builder.environment().put("WEBHOOK_SECRET", secret);
        builder.environment().put("PORT", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException missing) {
            throw new AssertionError("README's " + language.marker + " receiver cannot run: `"
                    + language.command(file).get(0) + "` is not on the PATH (Debian: apt-get install "
                    + language.debianPackage + "). It must run, not be skipped.", missing);
        }
        // the Java one is compiled first, which takes a while on a busy machine
        return new ReadmeReceiver(process, Duration.ofSeconds(90));
    }

    private int awaitPort(Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            for (String line : lines) {
                Matcher listening = LISTENING.matcher(line);
                if (listening.matches()) {
                    return Integer.parseInt(listening.group(1));
                }
            }
            if (!process.isAlive() && process.exitValue() != 0) {
                Thread.sleep(200); // the rest of its output
                throw new AssertionError("the receiver exited with " + process.exitValue() + ":\n" + output());
            }
            Thread.sleep(50);
        }
        close();
        throw new AssertionError("the receiver did not say where it listens within " + limit + ":\n" + output());
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The lines it printed so far, one per request after the first. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** How many lines equal {@code line}. */
    public long count(String line) {
        return lines.stream().filter(line::equals).count();
    }

    public String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
