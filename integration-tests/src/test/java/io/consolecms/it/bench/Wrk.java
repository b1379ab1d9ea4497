package io.consolecms.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code wrk} load generator (not code under test): POSTs one body, optionally with a bearer token. */
final class Wrk {

    /** What wrk reported: completed requests, non-2xx/3xx answers, socket errors, seconds, requests per second. */
    record Result(long requests, long non2xx, long socketErrors, double seconds, double requestsPerSecond, String raw) {
        long succeeded() {
            return requests - non2xx;
        }
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(m?s|m|h)");
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    static Result post(Path dir, String url, String body, String bearer, int threads, int connections, int seconds)
            throws IOException, InterruptedException {
        StringBuilder lua = new StringBuilder();
        lua.append("wrk.method = \"POST\"\n");
        lua.append("wrk.body = ").append(luaString(body)).append('\n');
        lua.append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        if (bearer != null) {
            lua.append("wrk.headers[\"Authorization\"] = ").append(luaString("Bearer " + bearer)).append('\n');
        }
        Path script = Files.createTempFile(dir, "wrk", ".lua");
        Files.writeString(script, lua);
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", script.toString(), url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wrk did not end");
        }
        String text = new String(out);
        Matcher requests = REQUESTS.matcher(text);
        Matcher rps = RPS.matcher(text);
        if (!requests.find() || !rps.find()) {
            throw new IllegalStateException("unexpected wrk output: " + text);
        }
        double secs = Double.parseDouble(requests.group(2));
        secs = switch (requests.group(3)) {
            case "ms" -> secs / 1000;
            case "m" -> secs * 60;
            case "h" -> secs * 3600;
            default -> secs;
        };
        Matcher non2xx = NON2XX.matcher(text);
        Matcher errors = ERRORS.matcher(text);
        long socketErrors = 0;
        if (errors.find()) {
            for (int g = 1; g <= 4; g++) {
                socketErrors += Long.parseLong(errors.group(g));
            }
        }
        return new Result(Long.parseLong(requests.group(1)), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                socketErrors, secs, Double.parseDouble(rps.group(1)), text);
    }

    private static String luaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
