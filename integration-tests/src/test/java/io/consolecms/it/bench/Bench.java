package io.consolecms.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * The benchmark: in one run, from the built jars, measures the figures listed in README.md ("Benchmarks") against
 * receivers and load generators that are not code under test (nginx, wrk, Apache HttpClient 5, a socket that never
 * answers, embedded PostgreSQL), and prints one JSON line on stdout with each figure beside its reference; progress
 * goes to stderr. Every stage is bounded in time and reports what it reached.
 *
 * <p>Run: {@code bench/run.sh [--quick] [--only wire,jvm,...]}.
 */
public final class Bench {

    static final List<String> STAGES =
            List.of("wire", "jvm", "ingest", "latency", "fanout", "e2e", "hung", "drain", "heap", "replicas",
                    "retention");
    static final String ADMIN = "bench-admin-token";
    static final String CORE = "bench-core-token";
    private static final long STARTED = System.nanoTime();

    private final boolean quick;
    private final Path tmp;
    /** The figures, in the order of the stages; a stage that overran its bound may still be writing. */
    private final Map<String, Object> out = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicBoolean printed = new AtomicBoolean();
    /** Every measurement of the JVM client's limit in this run; jvm_client_rps is their mean. */
    private final List<Double> jvmRuns = new CopyOnWriteArrayList<>();
    /** What the running stage started; closed (hosts killed) when the stage ends or overruns its bound. */
    private final List<AutoCloseable> live = new CopyOnWriteArrayList<>();
    private Nginx nginx;

    private Bench(boolean quick, Path tmp) {
        this.quick = quick;
        this.tmp = tmp;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean keep = false;
        Set<String> only = new LinkedHashSet<>(STAGES);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--keep" -> keep = true;
                case "--only" -> {
                    only.clear();
                    for (String stage : args[++i].split(",")) {
                        if (!STAGES.contains(stage.trim())) {
                            throw new IllegalArgumentException("unknown stage " + stage + "; stages: " + STAGES);
                        }
                        only.add(stage.trim());
                    }
                }
                default -> throw new IllegalArgumentException("usage: [--quick] [--keep] [--only "
                        + String.join(",", STAGES) + "]");
            }
        }
        Path tmp = Files.createTempDirectory("cms-bench");
        Bench bench = new Bench(quick, tmp);
        // interrupted (Ctrl-C, SIGTERM): stop what was started and still print what was measured
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!bench.printed.get()) {
                bench.out.put("interrupted", true);
            }
            bench.closeAll();
            bench.print();
        }));
        try {
            bench.run(only);
        } finally {
            bench.closeAll();
            bench.print();
            if (keep) {
                progress("kept " + tmp);
            } else {
                delete(tmp);
            }
        }
        System.exit(0);
    }

    private void print() {
        if (printed.compareAndSet(false, true)) {
            synchronized (out) {
                try {
                    System.out.println(Api.JSON.writeValueAsString(out));
                } catch (IOException e) {
                    System.out.println("{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                }
            }
            System.out.flush();
        }
    }

    private void run(Set<String> only) throws Exception {
        out.put("machine", machine());
        out.put("date", LocalDate.now().toString());
        out.put("mode", quick ? "quick" : "full");
        out.put("stages", String.join(",", only));
        out.put("event_bytes", event("project_created", "acme", 1).length());
        progress("nginx: starting");
        nginx = Nginx.start(tmp);
        for (String stage : STAGES) {
            if (!only.contains(stage)) {
                continue;
            }
            switch (stage) {
                case "wire" -> stage(stage, 60, this::wire);
                case "jvm" -> stage(stage, 60, this::jvmClient);
                case "ingest" -> stage(stage, 300, this::ingest);
                case "latency" -> stage(stage, 300, this::latency);
                case "fanout" -> stage(stage, 900, this::fanout);
                case "e2e" -> {
                    if (!out.containsKey("jvm_client_rps")) {
                        stage("jvm", 60, this::jvmClient); // the reference of e2e_ratio_to_jvm
                    }
                    stage(stage, 600, this::e2e);
                }
                case "hung" -> stage(stage, 300, this::hung);
                case "drain" -> {
                    // the reference of drain_ratio_to_jvm, measured just before and just after the drain: on a
                    // shared machine it moves by a third from one measurement to the next, so the ratios use the
                    // mean of the run's measurements (jvm_client_rps_runs)
                    stage("jvm", 60, this::jvmClient);
                    stage(stage, 900, this::drain);
                    stage("jvm", 60, this::jvmClient);
                }
                case "heap" -> stage(stage, 900, this::heap);
                case "replicas" -> stage(stage, 900, this::replicas);
                case "retention" -> stage(stage, 1800, this::retention);
                default -> throw new IllegalStateException(stage);
            }
        }
    }

    private interface Stage {
        void run() throws Exception;
    }

    /** Runs a stage with a hard time bound; on failure or overrun records {@code <stage>_error} and goes on. */
    private void stage(String name, int boundSeconds, Stage stage) {
        progress("== " + name);
        long start = System.nanoTime();
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "stage-" + name);
            thread.setDaemon(true);
            return thread;
        });
        Future<?> future = runner.submit(() -> {
            stage.run();
            return null;
        });
        try {
            future.get(boundSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            out.put(name + "_error", "stage exceeded its bound of " + boundSeconds + " s");
            future.cancel(true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = String.valueOf(cause);
            out.put(name + "_error", message.length() > 300 ? message.substring(0, 300) + "…" : message);
            progress("  " + name + " failed: " + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeLive();
            runner.shutdownNow();
            try {
                nginx.continueWorkers(); // in case a stage was cut short while they were stopped
            } catch (IOException | InterruptedException e) {
                progress("  SIGCONT to nginx: " + e);
            }
            progress(String.format("   %s took %.0f s", name, (System.nanoTime() - start) / 1e9));
        }
    }

    // ---------------------------------------------------------------------------------------------------- stages

    /** 1. wrk straight to nginx: what the loopback, nginx and this machine allow. */
    private void wire() throws Exception {
        int seconds = quick ? 3 : 5;
        Wrk.Result result = Wrk.post(tmp, nginx.url("/wire"), event("project_created", "acme", 1), null, 2, 32,
                seconds);
        out.put("wire_rps", round(result.requestsPerSecond()));
        progress("  wire: " + round(result.requestsPerSecond()) + " requests/s");
    }

    /**
     * 2. One pooled Apache HttpClient 5 classic client, 32 threads, straight to nginx: the JVM client limit. The client
     * is warmed in 2 s windows until this JVM's JIT compilers are done and the rate stops rising (at most 40 s):
     * measured after a fixed 3 s, as it was, the limit came out at half its value whenever it ran first in a fresh JVM.
     */
    private void jvmClient() throws Exception {
        int seconds = quick ? 3 : 5;
        String body = event("project_created", "acme", 1);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        try (CloseableHttpClient client = Load.client(32, 10)) {
            List<Double> warmup = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(quick ? 6 : 40);
            while (true) {
                long compiling = jit.getTotalCompilationTime();
                Load.Run window = Load.parallel(client, nginx.url("/jvm-warmup"), null, 32, Integer.MAX_VALUE, 2,
                        i -> body);
                warmup.add(round(window.okPerSecond()));
                int n = warmup.size();
                boolean steady = n >= 3 && warmup.get(n - 1) < 1.03 * warmup.get(n - 2);
                if (steady && jit.getTotalCompilationTime() - compiling < 40 || System.nanoTime() > until) {
                    break;
                }
            }
            progress("  JVM client warm-up, requests/s per 2 s window: " + warmup);
            Load.Run run = Load.parallel(client, nginx.url("/jvm"), null, 32, Integer.MAX_VALUE, seconds, i -> body);
            jvmRuns.add(round(run.okPerSecond()));
            out.put("jvm_client_rps_runs", List.copyOf(jvmRuns));
            double mean = jvmRuns.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            out.put("jvm_client_rps", round(mean));
            progress("  JVM client: " + round(run.okPerSecond()) + " requests/s");
            // ratios already given are to the new mean
            Map<String, String> rates = Map.of("e2e_ratio_to_jvm", "e2e_delivered_per_s",
                    "drain_ratio_to_jvm", "drain_per_s");
            rates.forEach((figure, rate) -> {
                if (out.get(figure) != null && out.get(rate) instanceof Number n) {
                    out.put(figure, ratio(n.doubleValue(), mean));
                }
            });
        }
    }

    /** 3. wrk publishing to POST /api/events (32 connections) while the one matching webhook's deliveries run. */
    private void ingest() throws Exception {
        int seconds = quick ? 5 : 10;
        HostProcess host = host("-Xmx1g");
        Api api = host.api();
        webhook(api, "project_created", "acme", nginx.url("/ingest"));
        warmUp("ingest", host);
        Nginx.Tail tail = nginx.tail();
        Wrk.Result result = Wrk.post(tmp, host.baseUri() + "/api/events", event("project_created", "acme", 1), CORE,
                2, 32, seconds);
        double eps = result.succeeded() / result.seconds();
        out.put("ingest_eps", round(eps));
        out.put("ingest_target", 5000);
        out.put("ingest_non2xx", result.non2xx());
        out.put("ingest_socket_errors", result.socketErrors());
        Thread.sleep(1500);
        Seen seen = new Seen("/ingest");
        seen.add(tail.poll());
        out.put("ingest_delivered_during_run", seen.distinct());
        progress("  ingest: " + round(eps) + " events/s accepted, " + result.non2xx() + " non-2xx, "
                + seen.distinct() + " delivered meanwhile");
    }

    /**
     * Warms a fresh host up with the ingest load (wrk, 32 connections, to the webhook the stage made) in windows of
     * 5 s until its JIT compilers are done: a JVM serves its first minutes with code it has not compiled yet (on 2
     * cores the compilers take a good part of the CPU meanwhile), and a host in production has been running for days.
     * Done means a window in which the host's JIT spent under 2 % of it compiling ({@code jstat -compiler}), after at
     * least 4 windows; at most 36 windows (3 minutes). The rate of each window goes to the JSON as
     * {@code <stage>_warmup_eps}, and the JIT time as {@code <stage>_warmup_jit_s}, so the cold start is reported,
     * not hidden.
     */
    private void warmUp(String stage, HostProcess host) throws Exception {
        warmUp(stage, host, "project_created");
    }

    /** As {@link #warmUp(String, HostProcess)}, publishing {@code eventName} events. */
    private void warmUp(String stage, HostProcess host, String eventName) throws Exception {
        String body = event(eventName, "acme", 1);
        List<Long> windows = new ArrayList<>();
        int most = quick ? 4 : 36;
        double jit = jitSeconds(host);
        for (int i = 0; i < most; i++) {
            Wrk.Result window = Wrk.post(tmp, host.baseUri() + "/api/events", body, CORE, 2, 32, 5);
            windows.add(Math.round(window.succeeded() / window.seconds()));
            double before = jit;
            jit = jitSeconds(host);
            if (windows.size() >= 4 && jit - before < 0.02 * 5) {
                break;
            }
        }
        out.put(stage + "_warmup_eps", windows);
        out.put(stage + "_warmup_jit_s", round(jit));
        progress("  " + stage + " warm-up, events/s per 5 s window: " + windows + "; JIT " + round(jit) + " s");
        Thread.sleep(3000); // let the warm-up's deliveries finish
    }

    /** Seconds the host's JIT compilers have spent so far, from {@code jstat -compiler}; NaN if unknown. */
    private static double jitSeconds(HostProcess host) throws IOException, InterruptedException {
        String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
        String[] lines = command(jstat, "-compiler", Long.toString(host.pid())).trim().split("\\R");
        String[] fields = lines[lines.length - 1].trim().split("\\s+");
        try {
            return fields.length > 3 ? Double.parseDouble(fields[3]) : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** 4. One publisher, one kept-alive connection: publish-to-202 latency. */
    private void latency() throws Exception {
        HostProcess host = host("-Xmx1g");
        webhook(host.api(), "project_created", "acme", nginx.url("/latency"));
        warmUp("latency", host);
        int samples = quick ? 500 : 2000;
        long[] sorted = Load.sequential(host.baseUri() + "/api/events", CORE, quick ? 100 : 1000, samples, 120,
                i -> event("project_created", "acme", i));
        out.put("publish_samples", sorted.length);
        out.put("publish_p50_ms", round(Load.percentileMs(sorted, 0.50)));
        out.put("publish_p99_ms", round(Load.percentileMs(sorted, 0.99)));
        out.put("publish_p99_target_ms", 10);
        progress("  publish latency: p50 " + out.get("publish_p50_ms") + " ms, p99 " + out.get("publish_p99_ms")
                + " ms over " + sorted.length);
    }

    /**
     * Between the starts of two publishes in fanout's paced samples: 200 events/s, so 2,000 deliveries/s with 10
     * matches, a fraction of what the host delivers. Back to back, the 10-match samples also measure the host making
     * ten times the attempts on the same cores, not only what ten matches add to a publish.
     */
    private static final int FANOUT_PACE_MS = 5;

    /**
     * 5. Publish latency with 10,000 webhooks that do not match, plus 1 and then 10 that do: back to back, then paced
     * ({@link #FANOUT_PACE_MS}).
     */
    private void fanout() throws Exception {
        HostProcess host = host("-Xmx1g");
        Api api = host.api();
        int others = quick ? 1000 : 10_000;
        String target = nginx.url("/fanout-other");
        progress("  creating " + others + " non-matching webhooks");
        Load.Run created;
        try (CloseableHttpClient client = Load.client(16, 30)) {
            created = Load.parallel(client, host.baseUri() + "/api/webhooks/", ADMIN, 16, others, quick ? 60 : 240,
                    i -> i % 2 == 0
                            ? "{\"eventName\":\"service_created\",\"target\":\"" + target + "\"}"
                            : "{\"eventName\":\"project_created\",\"tenantId\":\"other" + i + "\",\"target\":\""
                            + target + "\"}");
        }
        out.put("fanout_webhooks_created", created.ok());
        out.put("fanout_create_per_s", round(created.okPerSecond()));
        progress("  created " + created.ok() + " at " + round(created.okPerSecond()) + "/s");
        int samples = quick ? 500 : 2000;
        int warmup = quick ? 100 : 1000;
        String events = host.baseUri() + "/api/events";
        webhook(api, "project_created", "acme", nginx.url("/fanout-match"));
        // warmed up as the latency stage is: measured on a cold JVM, the 1-match samples (taken first) caught the JIT
        // compilers' work and the 10-match ones less, which said nothing about what a match costs
        warmUp("fanout", host);
        long[] one = Load.sequential(events, CORE, warmup, samples, 120, i -> event("project_created", "acme", i));
        long[] onePaced = Load.sequential(events, CORE, warmup / 5, samples, 120, FANOUT_PACE_MS,
                i -> event("project_created", "acme", i));
        for (int i = 0; i < 9; i++) {
            webhook(api, "project_created", "acme", nginx.url("/fanout-match"));
        }
        JsonNode check = api.publish(event("project_created", "acme", 0)).json();
        String count = api.get("/api/webhooks/count").text().trim();
        out.put("fanout_total_webhooks", count.matches("\\d+") ? Long.parseLong(count) : count);
        long[] ten = Load.sequential(events, CORE, warmup, samples, 120, i -> event("project_created", "acme", i));
        long[] tenPaced = Load.sequential(events, CORE, warmup / 5, samples, 120, FANOUT_PACE_MS,
                i -> event("project_created", "acme", i));
        out.put("fanout_1match_p50_ms", round(Load.percentileMs(one, 0.50)));
        out.put("fanout_1match_p99_ms", round(Load.percentileMs(one, 0.99)));
        out.put("fanout_10match_p50_ms", round(Load.percentileMs(ten, 0.50)));
        out.put("fanout_10match_p99_ms", round(Load.percentileMs(ten, 0.99)));
        out.put("fanout_10match_deliveries_per_event", check == null ? null : check.path("deliveries").asInt());
        out.put("fanout_p99_ratio_10_to_1", ratio(Load.percentileMs(ten, 0.99), Load.percentileMs(one, 0.99)));
        out.put("fanout_target", "flat (ratio ~1, p99 <= publish_p99_target_ms)");
        out.put("fanout_paced_every_ms", FANOUT_PACE_MS);
        out.put("fanout_paced_1match_p50_ms", round(Load.percentileMs(onePaced, 0.50)));
        out.put("fanout_paced_1match_p99_ms", round(Load.percentileMs(onePaced, 0.99)));
        out.put("fanout_paced_10match_p50_ms", round(Load.percentileMs(tenPaced, 0.50)));
        out.put("fanout_paced_10match_p99_ms", round(Load.percentileMs(tenPaced, 0.99)));
        out.put("fanout_paced_p99_ratio_10_to_1",
                ratio(Load.percentileMs(tenPaced, 0.99), Load.percentileMs(onePaced, 0.99)));
        fanoutInterleaved(api, events, warmup, samples);
        progress("  1 match: p50 " + out.get("fanout_1match_p50_ms") + " p99 " + out.get("fanout_1match_p99_ms")
                + "; 10 match: p50 " + out.get("fanout_10match_p50_ms") + " p99 " + out.get("fanout_10match_p99_ms")
                + "; paced, 1 match: p99 " + out.get("fanout_paced_1match_p99_ms") + ", 10 match: p99 "
                + out.get("fanout_paced_10match_p99_ms"));
    }

    /**
     * Fanout's 1 and 10 matches in one window: a publish to a company with 1 matching webhook, then one to a company
     * with 10, and so on, back to back and then paced. Measured one after the other, as above, the two sets of samples
     * are taken a minute apart, and on this shared machine the 1-match p99 alone moved between 1.4 and 3.9 ms from
     * run to run of the same code; interleaved, both see the same machine and the same deliveries in the background,
     * so their ratio is what the matches add to a publish.
     */
    private void fanoutInterleaved(Api api, String events, int warmup, int samples) throws Exception {
        webhook(api, "project_created", "solo", nginx.url("/fanout-match"));
        IntFunction<String> alternating = i -> event("project_created", i % 2 == 0 ? "solo" : "acme", i);
        long[][] backToBack = byParity(Load.inOrder(events, CORE, warmup, 2 * samples, 240, 0, alternating), warmup);
        long[][] paced = byParity(Load.inOrder(events, CORE, warmup / 5, 2 * samples, 240, FANOUT_PACE_MS,
                alternating), warmup / 5);
        for (String pace : List.of("", "paced_")) {
            long[][] split = pace.isEmpty() ? backToBack : paced;
            String prefix = "fanout_interleaved_" + pace;
            out.put(prefix + "1match_p50_ms", round(Load.percentileMs(split[0], 0.50)));
            out.put(prefix + "1match_p99_ms", round(Load.percentileMs(split[0], 0.99)));
            out.put(prefix + "10match_p50_ms", round(Load.percentileMs(split[1], 0.50)));
            out.put(prefix + "10match_p99_ms", round(Load.percentileMs(split[1], 0.99)));
            out.put(prefix + "p50_ratio_10_to_1",
                    ratio(Load.percentileMs(split[1], 0.50), Load.percentileMs(split[0], 0.50)));
            out.put(prefix + "p99_ratio_10_to_1",
                    ratio(Load.percentileMs(split[1], 0.99), Load.percentileMs(split[0], 0.99)));
        }
        progress("  interleaved, back to back: p99 " + out.get("fanout_interleaved_1match_p99_ms") + " vs "
                + out.get("fanout_interleaved_10match_p99_ms") + " ms; paced: p99 "
                + out.get("fanout_interleaved_paced_1match_p99_ms") + " vs "
                + out.get("fanout_interleaved_paced_10match_p99_ms") + " ms");
    }

    /** Latencies in publish order split into those of even and odd body indexes (1 and 10 matches), each sorted. */
    private static long[][] byParity(long[] inOrder, int warmup) {
        long[][] split = {new long[inOrder.length], new long[inOrder.length]};
        int[] counts = new int[2];
        for (int k = 0; k < inOrder.length; k++) {
            int parity = (warmup + k) % 2;
            split[parity][counts[parity]++] = inOrder[k];
        }
        for (int parity = 0; parity < 2; parity++) {
            split[parity] = Arrays.copyOf(split[parity], counts[parity]);
            Arrays.sort(split[parity]);
        }
        return split;
    }

    /** 6. A burst of events to one webhook on nginx: delivered per second from first publish to last delivery. */
    private void e2e() throws Exception {
        int events = quick ? 2000 : 20_000;
        HostProcess host = host("-Xmx1g");
        webhook(host.api(), "project_created", "acme", nginx.url("/e2e"));
        webhook(host.api(), "service_created", "acme", nginx.url("/warmup-e2e"));
        Nginx.Tail tail = nginx.tail();
        Seen seen = new Seen("/e2e");
        Load.Run run;
        try (CloseableHttpClient client = Load.client(32, 30)) {
            // warm-up, as in ingest: the same load to another webhook, whose deliveries are not counted
            Load.parallel(client, host.baseUri() + "/api/events", CORE, 32, quick ? 2000 : 20_000, quick ? 30 : 60,
                    i -> event("service_created", "acme", i));
            Thread.sleep(3000);
            run = Load.parallel(client, host.baseUri() + "/api/events", CORE, 32, events, quick ? 60 : 180,
                    i -> event("project_created", "acme", i));
        }
        progress("  published " + run.ok() + " at " + round(run.okPerSecond()) + "/s; waiting for deliveries");
        boolean complete = seen.await(tail, run.ok(), quick ? 30 : 180);
        double seconds = ((complete ? seen.lastMillis : System.currentTimeMillis()) - run.startMillis()) / 1000.0;
        double rate = seen.distinct() / seconds;
        out.put("e2e_events", run.ok());
        out.put("e2e_publish_eps", round(run.okPerSecond()));
        out.put("e2e_delivered", seen.distinct());
        out.put("e2e_complete", complete);
        out.put("e2e_delivered_per_s", round(rate));
        Object jvm = out.get("jvm_client_rps");
        out.put("e2e_ratio_to_jvm", jvm instanceof Number n ? ratio(rate, n.doubleValue()) : null);
        out.put("e2e_ratio_target", 0.5);
        progress("  e2e: " + seen.distinct() + "/" + run.ok() + " delivered, " + round(rate) + "/s"
                + (complete ? "" : " (time bound reached)"));
    }

    /** 7. 1,000 deliveries pending on a target that never answers; latency of a healthy webhook's deliveries. */
    private void hung() throws Exception {
        int hungEvents = quick ? 200 : 1000;
        int healthy = quick ? 20 : 50;
        HungServer hungServer = register(new HungServer());
        HostProcess host = host("-Xmx1g", "CMS_WEBHOOKS_TIMEOUT", "3s");
        Api api = host.api();
        webhook(api, "service_created", null, hungServer.url("/hung"));
        String healthyId = webhook(api, "project_created", "acme", nginx.url("/hung-healthy"));
        String events = host.baseUri() + "/api/events";
        try (CloseableHttpClient client = Load.client(8, 30)) {
            Load.Run run = Load.parallel(client, events, CORE, 8, hungEvents, 60,
                    i -> event("service_created", "acme", i));
            out.put("hung_pending_on_hung_target", run.ok());
            progress("  " + run.ok() + " deliveries pending on the hung target; publishing " + healthy + " healthy");
            Nginx.Tail tail = nginx.tail();
            Map<String, Long> publishedAt = new HashMap<>();
            for (int i = 0; i < healthy; i++) {
                long at = System.currentTimeMillis();
                Load.Answer answer = Load.post(client, events, CORE, event("project_created", "acme", i));
                if (answer.status() == 202) {
                    publishedAt.put(answer.eventId(), at);
                }
                Thread.sleep(100);
            }
            Seen seen = new Seen("/hung-healthy");
            int bound = quick ? 15 : 30;
            seen.await(tail, publishedAt.size(), bound);
            List<Long> latencies = new ArrayList<>();
            JsonNode deliveries = api.get("/api/webhooks/" + healthyId + "/deliveries?_l=200").json();
            if (deliveries != null) {
                for (JsonNode delivery : deliveries) {
                    Long arrived = seen.first.get(delivery.path("_id").asText());
                    Long published = publishedAt.get(delivery.path("eventId").asText());
                    if (arrived != null && published != null) {
                        latencies.add(arrived - published);
                    }
                }
            }
            latencies.sort(Comparator.naturalOrder());
            out.put("hung_healthy_published", publishedAt.size());
            out.put("hung_healthy_delivered", latencies.size());
            out.put("hung_healthy_latency_p50_ms", latencies.isEmpty() ? null : latencies.get(latencies.size() / 2));
            out.put("hung_healthy_latency_max_ms", latencies.isEmpty() ? null : latencies.get(latencies.size() - 1));
            out.put("hung_healthy_latency_target_ms", 1000);
            out.put("hung_wait_bound_s", bound);
            out.put("hung_connections_accepted", hungServer.accepted());
            progress("  healthy deliveries: " + latencies.size() + "/" + publishedAt.size() + ", max latency "
                    + out.get("hung_healthy_latency_max_ms") + " ms");
        }
    }

    /**
     * 8. A backlog made while nginx's worker is stopped (SIGSTOP), drained after SIGCONT. The host is first warmed
     * with events published to and delivered by another webhook until its JIT is done ({@link #warmUp}), then smaller
     * backlogs on that webhook are drained the same way until one drains with the host's JIT compilers under 2 % of
     * the two cores (at most {@link #DRAIN_WARMUPS}), so that the measured one finds the delivery path compiled, as a
     * host that has been running would. The claims' code runs once per batch, not per delivery: one warm-up drain left
     * it to be compiled during the measured drain, where the compilers took about a tenth of the machine. The warm-up
     * drains' rates and JIT seconds are reported ({@code drain_warmup_per_s}, {@code drain_warmup_jit_s}), and so are
     * the measured drain's JIT seconds ({@code drain_jit_s}).
     */
    private void drain() throws Exception {
        int backlog = quick ? 5000 : 100_000;
        HostProcess host = host("-Xmx1g", "CMS_WEBHOOKS_TIMEOUT", "30m");
        webhook(host.api(), "service_created", "acme", nginx.url("/drain-warmup"));
        webhook(host.api(), "project_created", "acme", nginx.url("/drain"));
        warmUp("drain", host, "service_created"); // published and delivered until the JIT is done, as ingest's
        List<Double> warmupRates = new ArrayList<>();
        List<Double> warmupJit = new ArrayList<>();
        for (int round = 0; round < (quick ? 1 : DRAIN_WARMUPS); round++) {
            Drained warmup = backlogAndDrain(host, "service_created", "/drain-warmup", backlog / 2);
            warmupRates.add(round(warmup.perSecond()));
            warmupJit.add(round(warmup.jitSeconds));
            progress("  warm-up drained " + warmup.seen.distinct() + " at " + round(warmup.perSecond()) + "/s, JIT "
                    + round(warmup.jitSeconds) + " s meanwhile");
            if (warmup.jitSeconds < 0.02 * 2 * warmup.seconds) {
                break;
            }
        }
        out.put("drain_warmup_per_s", warmupRates);
        out.put("drain_warmup_jit_s", warmupJit);
        Drained drained = backlogAndDrain(host, "project_created", "/drain", backlog);
        out.put("drain_backlog", drained.made);
        out.put("drain_backlog_target", backlog);
        out.put("drain_delivered", drained.seen.distinct());
        out.put("drain_complete", drained.complete);
        out.put("drain_seconds", round(drained.seconds));
        out.put("drain_jit_s", round(drained.jitSeconds));
        out.put("drain_per_s", round(drained.perSecond()));
        Object jvm = out.get("jvm_client_rps");
        out.put("drain_ratio_to_jvm", jvm instanceof Number n ? ratio(drained.perSecond(), n.doubleValue()) : null);
        out.put("drain_ratio_target", 0.5);
        progress("  drained " + drained.seen.distinct() + "/" + drained.made + " in " + round(drained.seconds)
                + " s, JIT " + round(drained.jitSeconds) + " s meanwhile");
    }

    /** The most warm-up drains before the measured one (each of half its backlog). */
    private static final int DRAIN_WARMUPS = 4;

    /**
     * A drained backlog; jitSeconds is what the host's JIT compilers spent from SIGCONT until the last delivery was
     * read from nginx's log, which it flushes every second: it may count up to about a second after the drain's end.
     */
    private record Drained(int made, Seen seen, boolean complete, double seconds, double jitSeconds) {
        double perSecond() {
            return seen.distinct() / seconds;
        }
    }

    private Drained backlogAndDrain(HostProcess host, String eventName, String path, int backlog) throws Exception {
        Seen seen = new Seen(path);
        Nginx.Tail tail;
        long resumed;
        double jitBefore;
        Load.Run run;
        nginx.stopWorkers();
        try {
            try (CloseableHttpClient client = Load.client(32, 60)) {
                run = Load.parallel(client, host.baseUri() + "/api/events", CORE, 32, backlog, quick ? 30 : 360,
                        i -> event(eventName, "acme", i));
            }
            progress("  backlog of " + run.ok() + " to " + path + " made at " + round(run.okPerSecond())
                    + " events/s; SIGCONT");
            Thread.sleep(1000);
            jitBefore = jitSeconds(host); // jstat is a JVM of its own: run before SIGCONT, not during the drain
            tail = nginx.tail();
            resumed = System.currentTimeMillis();
        } finally {
            nginx.continueWorkers();
        }
        boolean complete = seen.await(tail, run.ok(), quick ? 30 : 180);
        double seconds = ((complete ? seen.lastMillis : System.currentTimeMillis()) - resumed) / 1000.0;
        return new Drained(run.ok(), seen, complete, seconds, jitSeconds(host) - jitBefore);
    }

    /** 9. Heap of a host with -Xmx256m holding a 1,000,000-delivery backlog on a hung target. */
    private void heap() throws Exception {
        int webhooks = 1000;
        int events = quick ? 100 : 1000;
        HungServer hungServer = register(new HungServer());
        HostProcess host = host("-Xmx256m");
        Api api = host.api();
        String target = hungServer.url("/heap-hung");
        try (CloseableHttpClient client = Load.client(16, 60)) {
            Load.Run created = Load.parallel(client, host.baseUri() + "/api/webhooks/", ADMIN, 16, webhooks, 120,
                    i -> "{\"eventName\":\"service_created\",\"target\":\"" + target + "\"}");
            webhook(api, "project_created", "acme", nginx.url("/heap-healthy"));
            progress("  " + created.ok() + " webhooks on the hung target; publishing " + events + " events");
            Load.Run run = Load.parallel(client, host.baseUri() + "/api/events", CORE, 4, events, quick ? 60 : 420,
                    i -> event("service_created", "acme", i));
            out.put("heap_webhooks", created.ok());
            out.put("heap_events", run.ok());
            out.put("heap_backlog_deliveries", (long) run.ok() * created.ok());
            out.put("heap_backlog_target", 1_000_000);
            out.put("heap_publish_eps", round(run.okPerSecond()));
            progress("  backlog " + (long) run.ok() * created.ok() + " deliveries; GC.run");
        }
        out.put("heap_xmx_mib", 256);
        out.put("heap_host_alive", host.isAlive());
        if (!host.isAlive()) {
            return;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        command(jcmd, Long.toString(host.pid()), "GC.run");
        String info = command(jcmd, Long.toString(host.pid()), "GC.heap_info");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        out.put("heap_used_mib", used.find() ? round(Long.parseLong(used.group(1)) / 1024.0) : null);
        out.put("heap_host_rss_mib", rssMib(host.pid()));
        boolean healthy;
        try {
            healthy = api.get("/health").status() == 200;
        } catch (RuntimeException e) {
            healthy = false;
        }
        out.put("heap_health_200", healthy);
        Nginx.Tail tail = nginx.tail();
        long at = System.currentTimeMillis();
        Seen seen = new Seen("/heap-healthy");
        try {
            api.publish(event("project_created", "acme", 1));
            seen.await(tail, 1, 30);
        } catch (RuntimeException e) {
            progress("  healthy publish failed: " + e);
        }
        out.put("heap_healthy_delivered", seen.distinct() > 0);
        out.put("heap_healthy_delivered_ms", seen.distinct() > 0 ? seen.lastMillis - at : null);
        out.put("heap_healthy_wait_bound_s", 30);
        out.put("heap_host_alive", host.isAlive());
        progress("  heap used " + out.get("heap_used_mib") + " MiB; health " + healthy + "; healthy delivered in "
                + out.get("heap_healthy_delivered_ms") + " ms");
    }

    /** 10. One, then two replicas on embedded PostgreSQL. */
    private void replicas() throws Exception {
        int events = quick ? 1000 : 20_000;
        EmbeddedPostgres postgres;
        boolean statements = true;
        try {
            postgres = register(EmbeddedPostgres.builder()
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("max_connections", "300").start());
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create extension if not exists pg_stat_statements");
            }
        } catch (Exception noStatements) {
            progress("  pg_stat_statements unavailable (" + noStatements + "); counting transactions instead");
            statements = false;
            postgres = register(EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start());
        }
        out.put("replicas_statements_source", statements ? "pg_stat_statements" : "pg_stat_database");
        out.put("replicas_lock_wait_source", "pg_stat_activity wait_event_type=Lock sampled every 50 ms");
        out.put("replicas_events", events);
        double one = replicaPhase(postgres, 1, events, statements);
        double two = replicaPhase(postgres, 2, events, statements);
        out.put("replicas_speedup_2_to_1", ratio(two, one));
    }

    /**
     * Runs every replica's JVM through the same load first (other events, to another webhook), so that the phase
     * measures the engine and not the JIT compiling it: on a fresh JVM that costs more CPU than the deliveries.
     */
    private void warmUp(List<HostProcess> hosts, int replicas) throws Exception {
        String prefix = "/warmup-pg" + replicas;
        webhook(hosts.get(0).api(), "tag_created", null, nginx.url(prefix));
        Nginx.Tail tail = nginx.tail();
        Seen seen = new Seen(prefix);
        int each = quick ? 1000 : 10_000;
        int accepted = 0;
        for (HostProcess host : hosts) {
            try (CloseableHttpClient client = Load.client(16, 30)) {
                accepted += Load.parallel(client, host.baseUri() + "/api/events", CORE, 16, each, quick ? 60 : 120,
                        i -> event("tag_created", "acme", i)).ok();
            }
        }
        seen.await(tail, accepted, quick ? 30 : 120);
        progress("  " + replicas + " replica(s) warmed up: " + seen.distinct() + "/" + accepted + " delivered");
    }

    private double replicaPhase(EmbeddedPostgres postgres, int replicas, int events, boolean statements)
            throws Exception {
        String db = "bench" + replicas;
        DataSource admin = postgres.getPostgresDatabase();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + db);
        }
        String url = postgres.getJdbcUrl("postgres", db);
        List<HostProcess> hosts = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            // replicas share the key that seals webhook secrets at rest, as they share the database
            hosts.add(host("-Xmx1g", "CMS_DB_URL", url, "CMS_DB_USER", "postgres", "CMS_DB_PASSWORD", "postgres",
                    "CMS_SECRET_KEY", "YmVuY2gtcmVwbGljYXMtc2hhcmUtdGhpcy1rZXktITE="));
        }
        String prefix = "/pg" + replicas;
        webhook(hosts.get(0).api(), "configuration_saved", null, nginx.url(prefix));
        warmUp(hosts, replicas);
        Thread.sleep(1500); // let the stats of the start-up settle
        long[] dbBefore = dbCounters(admin, db, statements);
        long[] cpuBefore = hosts.stream().mapToLong(h -> cpuTicks(h.pid())).toArray();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong lockSamples = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        Thread sampler = new Thread(() -> {
            try (Connection c = admin.getConnection(); PreparedStatement q = c.prepareStatement(
                    "select count(*) from pg_stat_activity where datname = ? and wait_event_type = 'Lock'")) {
                q.setString(1, db);
                while (sampling.get()) {
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        lockSamples.addAndGet(rs.getLong(1));
                        samples.incrementAndGet();
                    }
                    Thread.sleep(50);
                }
            } catch (SQLException | InterruptedException e) {
                progress("  lock sampler stopped: " + e);
            }
        }, "lock-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Nginx.Tail tail = nginx.tail();
        Seen seen = new Seen(prefix);
        long start = System.currentTimeMillis();
        ExecutorService publishers = Executors.newFixedThreadPool(replicas);
        List<Future<Load.Run>> runs = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            HostProcess host = hosts.get(r);
            int share = events / replicas;
            int offset = r * share;
            runs.add(publishers.submit(() -> {
                try (CloseableHttpClient client = Load.client(32 / replicas, 30)) {
                    return Load.parallel(client, host.baseUri() + "/api/events", CORE, 32 / replicas, share,
                            quick ? 60 : 180, i -> configurationSaved(offset + i));
                }
            }));
        }
        int accepted = 0;
        for (Future<Load.Run> run : runs) {
            accepted += run.get().ok();
        }
        publishers.shutdown();
        progress("  " + replicas + " replica(s): " + accepted + " published; waiting for deliveries");
        boolean complete = seen.await(tail, accepted, quick ? 30 : 180);
        double seconds = ((complete ? seen.lastMillis : System.currentTimeMillis()) - start) / 1000.0;
        sampling.set(false);
        sampler.join(2000);
        long[] cpuAfter = hosts.stream().mapToLong(h -> cpuTicks(h.pid())).toArray();
        Thread.sleep(1000); // pg_stat_database is flushed at most every 500 ms
        long[] dbAfter = dbCounters(admin, db, statements);
        // let the second replica's late polls be seen before looking for duplicates
        Thread.sleep(1500);
        seen.add(tail.poll());
        int delivered = seen.distinct();
        double rate = delivered / seconds;
        String key = "replicas" + replicas + "_";
        long ticksPerSecond = clockTicks();
        List<Double> cpuPer1k = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            double cpuMs = (cpuAfter[r] - cpuBefore[r]) * 1000.0 / ticksPerSecond;
            cpuPer1k.add(delivered == 0 ? null : round(cpuMs / delivered * 1000));
        }
        out.put(key + "published", accepted);
        out.put(key + "delivered", delivered);
        out.put(key + "all_delivered", delivered == accepted);
        out.put(key + "duplicates", seen.duplicates);
        out.put(key + "delivered_per_s", round(rate));
        out.put(key + "cpu_ms_per_1k", cpuPer1k);
        out.put(key + "transactions_per_delivery", delivered == 0 ? null : round((dbAfter[0] - dbBefore[0])
                / (double) delivered));
        out.put(key + "rows_written_per_delivery", delivered == 0 ? null : round((dbAfter[1] - dbBefore[1])
                / (double) delivered));
        out.put(key + "statements_per_delivery", !statements || delivered == 0 ? null
                : round((dbAfter[2] - dbBefore[2]) / (double) delivered));
        out.put(key + "lock_wait_ms", lockSamples.get() * 50);
        out.put(key + "lock_samples", samples.get());
        progress("  " + replicas + " replica(s): " + delivered + "/" + accepted + " delivered at " + round(rate)
                + "/s, " + seen.duplicates + " duplicates, CPU ms/1k " + cpuPer1k + ", statements/delivery "
                + out.get(key + "statements_per_delivery"));
        for (HostProcess host : hosts) {
            host.stop();
        }
        return rate;
    }

    /** transactions, rows inserted+updated+deleted, statements (pg_stat_statements calls) of one database. */
    private static long[] dbCounters(DataSource admin, String db, boolean statements) throws SQLException {
        long[] counters = new long[3];
        try (Connection c = admin.getConnection()) {
            try (PreparedStatement q = c.prepareStatement("select xact_commit + xact_rollback, tup_inserted"
                    + " + tup_updated + tup_deleted from pg_stat_database where datname = ?")) {
                q.setString(1, db);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    counters[0] = rs.getLong(1);
                    counters[1] = rs.getLong(2);
                }
            }
            if (statements) {
                try (PreparedStatement q = c.prepareStatement("select coalesce(sum(calls), 0) from pg_stat_statements"
                        + " where dbid = (select oid from pg_database where datname = ?)")) {
                    q.setString(1, db);
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        counters[2] = rs.getLong(1);
                    }
                }
            }
        }
        return counters;
    }

    // --------------------------------------------------------------------------------------------------- helpers

    /**
     * 11. Retention: 1,000,000 settled deliveries (with their events and one attempt each) two days old, written
     * straight into the host's H2 file while it is stopped; then publish latency as in {@code latency} (one publisher,
     * one matching webhook on nginx), first with a retention that keeps them all, then, on the same database, with
     * {@code CMS_WEBHOOKS_RETENTION=1d} while the retention deletes them (progress read from
     * {@code webhook_retention_deleted_total}); then how long the rest takes to go. Each restarted host is warmed up as
     * {@code latency}'s is before it is measured: cold, both phases' p99 caught the JIT compilers' work, not the
     * retention's. The first sweep comes 30 s after the start, so the second host's warm-up runs while it deletes.
     */
    private void retention() throws Exception {
        int settled = quick ? 50_000 : 1_000_000;
        int samples = quick ? 500 : 2000;
        int warmup = quick ? 100 : 1000;
        HostProcess host = host("-Xmx1g", "CMS_WEBHOOKS_RETENTION", "3650d");
        String webhookId = webhook(host.api(), "project_created", "acme", nginx.url("/retention"));
        host.stop();
        long filling = System.nanoTime();
        progress("  writing " + settled + " settled deliveries into the stopped host's database");
        fillSettled(host.dataDir(), webhookId, settled);
        out.put("retention_settled_rows", settled);
        out.put("retention_fill_s", round((System.nanoTime() - filling) / 1e9));
        String events = host.baseUri() + "/api/events";

        progress("  host: restarting with CMS_WEBHOOKS_RETENTION 3650d (nothing to delete)");
        host.start();
        warmUp("retention_without", host);
        long[] without = Load.sequential(events, CORE, warmup, samples, 300, i -> event("project_created", "acme", i));
        out.put("retention_without_p50_ms", round(Load.percentileMs(without, 0.50)));
        out.put("retention_without_p99_ms", round(Load.percentileMs(without, 0.99)));
        host.stop();

        progress("  host: restarting with CMS_WEBHOOKS_RETENTION 1d");
        host.env("CMS_WEBHOOKS_RETENTION", "1d").start();
        warmUp("retention_pruning", host);
        Api api = host.api();
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (retentionDeleted(api) == 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(200); // the first sweep comes one interval (30 s) after the start
        }
        long firstSeen = System.nanoTime();
        double before = retentionDeleted(api);
        long measuring = System.nanoTime();
        long[] pruning = Load.sequential(events, CORE, warmup, samples, 300, i -> event("project_created", "acme", i));
        double seconds = (System.nanoTime() - measuring) / 1e9;
        double during = retentionDeleted(api) - before;
        out.put("retention_pruning_p50_ms", round(Load.percentileMs(pruning, 0.50)));
        out.put("retention_pruning_p99_ms", round(Load.percentileMs(pruning, 0.99)));
        out.put("retention_p99_ratio", ratio(Load.percentileMs(pruning, 0.99), Load.percentileMs(without, 0.99)));
        out.put("retention_p99_ratio_target", 2);
        out.put("retention_deleted_while_measuring", (long) during);
        out.put("retention_deleted_per_s_while_measuring", round(during / seconds));
        progress("  publish p99 " + out.get("retention_without_p99_ms") + " ms without pruning, "
                + out.get("retention_pruning_p99_ms") + " ms while " + (long) during + " deliveries were deleted");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(quick ? 120 : 600);
        double deleted = retentionDeleted(api);
        while (deleted < settled && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            deleted = retentionDeleted(api);
        }
        double pruneSeconds = (System.nanoTime() - firstSeen) / 1e9;
        out.put("retention_deleted", (long) deleted);
        out.put("retention_complete", deleted >= settled);
        out.put("retention_deleted_per_s", round((deleted - before) / pruneSeconds));
        progress("  retention deleted " + (long) deleted + " of " + settled + ", about " + out.get(
                "retention_deleted_per_s") + "/s");
    }

    /**
     * Writes {@code count} settled deliveries of {@code webhookId} (one in ten failed), each with its event and one
     * attempt (in the delivery's row when it succeeded), all two days old,
     * into the H2 database of a stopped host, 100,000 rows a transaction.
     */
    private static void fillSettled(Path dataDir, String webhookId, int count) throws SQLException {
        long old = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(2);
        byte[] body = event("project_created", "acme", 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Connection connection = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("cms"),
                "sa", "")) {
            for (int from = 1; from <= count; from += 100_000) {
                int to = Math.min(count, from + 99_999);
                try (PreparedStatement events = connection.prepareStatement("INSERT INTO webhook_events (id,"
                        + " event_name, event_timestamp, body, created_at) SELECT 'bench-e' || X, 'project_created',"
                        + " 1732780800000, ?, ? - X FROM SYSTEM_RANGE(?, ?)");
                     // as the host stores them: a settled row's due_at is its creation time; a first attempt that
                     // succeeded is kept in the delivery's row, a failed one is a row of attempts
                     PreparedStatement deliveries = connection.prepareStatement("INSERT INTO webhook_deliveries (id,"
                             + " webhook_id, event_id, event_name, status, attempts, last_status_code, due_at,"
                             + " created_at, updated_at, first_attempt_at, first_duration_ms, first_status_code)"
                             + " SELECT 'bench-d' || X, ?, 'bench-e' || X, 'project_created',"
                             + " CASE WHEN MOD(X, 10) = 0 THEN 'failed' ELSE 'succeeded' END, 1,"
                             + " CASE WHEN MOD(X, 10) = 0 THEN 500 ELSE 204 END, ? - X, ? - X, ? - X,"
                             + " CASE WHEN MOD(X, 10) = 0 THEN NULL ELSE ? - X END, 3, 204 FROM SYSTEM_RANGE(?, ?)");
                     PreparedStatement attempts = connection.prepareStatement("INSERT INTO webhook_attempts"
                             + " (delivery_id, attempt_no, at, duration_ms, status_code, webhook_id) SELECT"
                             + " 'bench-d' || X, 1, ? - X, 3, 500, ? FROM SYSTEM_RANGE(?, ?) WHERE MOD(X, 10) = 0")) {
                    events.setBytes(1, body);
                    events.setLong(2, old);
                    events.setInt(3, from);
                    events.setInt(4, to);
                    events.executeUpdate();
                    deliveries.setString(1, webhookId);
                    for (int column = 2; column <= 5; column++) {
                        deliveries.setLong(column, old);
                    }
                    deliveries.setInt(6, from);
                    deliveries.setInt(7, to);
                    deliveries.executeUpdate();
                    attempts.setLong(1, old);
                    attempts.setString(2, webhookId);
                    attempts.setInt(3, from);
                    attempts.setInt(4, to);
                    attempts.executeUpdate();
                }
                progress("    " + to + " written");
            }
        }
    }

    /** {@code webhook_retention_deleted_total{table="webhook_deliveries"}} from {@code GET /metrics}; 0 before any. */
    private static double retentionDeleted(Api api) {
        Matcher line = Pattern.compile("^webhook_retention_deleted_total\\{table=\"webhook_deliveries\"} (\\S+)$",
                Pattern.MULTILINE).matcher(api.send("GET", "/metrics", null, ADMIN).text());
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    private HostProcess host(String heap, String... env) throws IOException, InterruptedException {
        HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                .jvmOptions(heap)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_ADMIN_TOKEN", ADMIN)
                .env("CMS_CORE_TOKEN", CORE);
        for (int i = 0; i + 1 < env.length; i += 2) {
            host.env(env[i], env[i + 1]);
        }
        register(host);
        StringBuilder shown = new StringBuilder(heap);
        for (int i = 0; i + 1 < env.length; i += 2) {
            boolean secret = env[i].contains("KEY") || env[i].contains("PASSWORD");
            shown.append(", ").append(env[i]).append(' ').append(secret ? "****" : env[i + 1]);
        }
        progress("  host: starting (" + shown + ")");
        host.start();
        return host;
    }

    private <T extends AutoCloseable> T register(T resource) {
        live.add(resource);
        return resource;
    }

    private void closeLive() {
        List<AutoCloseable> resources = new ArrayList<>(live);
        live.clear();
        java.util.Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            try {
                if (resource instanceof HostProcess host) {
                    host.kill(); // the backlog left behind is of no interest; a clean stop may take long
                } else {
                    resource.close();
                }
            } catch (Exception e) {
                progress("  closing " + resource + ": " + e);
            }
        }
    }

    private synchronized void closeAll() {
        closeLive();
        if (nginx != null) {
            try {
                nginx.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            nginx = null;
        }
    }

    static String webhook(Api api, String eventName, String tenantId, String target) {
        String body = "{\"eventName\":\"" + eventName + "\","
                + (tenantId == null ? "" : "\"tenantId\":\"" + tenantId + "\",")
                + "\"target\":\"" + target + "\",\"secret\":\"bench-secret\"}";
        Api.Reply reply = api.post("/api/webhooks/", body);
        if (reply.status() / 100 != 2) {
            throw new IllegalStateException("creating a webhook answered " + reply);
        }
        return reply.json().path("_id").asText();
    }

    /** A Console event of about 250 bytes. */
    static String event(String name, String tenantId, int i) {
        String n = String.format("%06d", i % 1_000_000);
        return "{\"eventName\":\"" + name + "\",\"eventTimestamp\":" + (1732780800000L + i) + ",\"payload\":{"
                + "\"tenantId\":\"" + tenantId + "\",\"projectId\":\"p" + n + "\",\"projectName\":\"Benchmark project "
                + n + "\",\"environments\":[\"development\",\"production\"],\"author\":{\"id\":\"u-" + n
                + "\",\"name\":\"Bench User\"}}}";
    }

    static String configurationSaved(int i) {
        return "{\"eventName\":\"configuration_saved\",\"eventTimestamp\":" + (1732780800000L + i) + ",\"payload\":{"
                + "\"tenantId\":\"acme\",\"projectId\":\"p1\",\"revisionName\":\"main\",\"savedChangesId\":\"c" + i
                + "\",\"previousChangesId\":\"c" + (i - 1) + "\",\"author\":{\"id\":\"u-1\",\"name\":\"Bench User\"}}}";
    }

    /** Deliveries seen in nginx's log below one path: distinct webhook-ids, first arrival of each, duplicates. */
    static final class Seen {
        final String prefix;
        final Map<String, Long> first = new HashMap<>();
        long duplicates;
        long lastMillis;

        Seen(String prefix) {
            this.prefix = prefix;
        }

        void add(List<Nginx.Entry> entries) {
            for (Nginx.Entry entry : entries) {
                if (!entry.uri().startsWith(prefix) || entry.webhookId().equals("-")) {
                    continue;
                }
                if (first.putIfAbsent(entry.webhookId(), entry.atMillis()) == null) {
                    lastMillis = Math.max(lastMillis, entry.atMillis());
                } else {
                    duplicates++;
                }
            }
        }

        int distinct() {
            return first.size();
        }

        /** Polls the log until {@code expected} distinct deliveries were seen or the bound passed; true if seen. */
        boolean await(Nginx.Tail tail, int expected, int boundSeconds) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(boundSeconds);
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                add(tail.poll());
                if (distinct() >= expected) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    progress("  time bound of " + boundSeconds + " s reached: " + distinct() + "/" + expected);
                    return false;
                }
                if (System.nanoTime() > nextReport) {
                    progress("  delivered " + distinct() + "/" + expected);
                    nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                }
                Thread.sleep(200);
            }
        }
    }

    static void progress(String message) {
        System.err.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, message);
    }

    static Double round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        return Math.abs(value) >= 100 ? Math.round(value) * 1.0 : Math.round(value * 100) / 100.0;
    }

    static Double ratio(double a, double b) {
        return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? null : Math.round(a / b * 1000) / 1000.0;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long clockTicks() {
        try {
            return Long.parseLong(command("getconf", "CLK_TCK").trim());
        } catch (Exception e) {
            return 100;
        }
    }

    private static Double rssMib(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0)).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String command(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new String(output);
    }

    private static String machine() {
        String model = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            model = lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(model);
        } catch (IOException ignored) {
            // keep unknown
        }
        long memGiB = 0;
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            memGiB = lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024).orElse(0L);
        } catch (IOException ignored) {
            // keep 0
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + model + ", " + memGiB + " GiB";
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            progress("could not delete " + dir + ": " + e);
        }
    }
}
