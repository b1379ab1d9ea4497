package io.consolecms.it.bench;

import com.sun.net.httpserver.HttpServer;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Publish-to-delivery latency on an idle host: publishes one event at a time to the real host (built jars, H2) and
 * waits for it at a loopback receiver; reports p50/p99 beside the same receiver's plain HTTP round trip measured in
 * the same run, so the ratio means something on a noisy machine.
 *
 * <p>Run: {@code mvn -B -q -DskipTests -Pbench verify -pl integration-tests -am} (see README, "Benchmarks").
 */
public final class LatencyBenchmark {

    public static void main(String[] args) throws Exception {
        int warmup = Integer.getInteger("bench.warmup", 100);
        int samples = Integer.getInteger("bench.samples", 500);
        SynchronousQueue<Long> arrivals = new SynchronousQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            long at = System.nanoTime();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            if (exchange.getRequestURI().getPath().equals("/hook")) {
                try {
                    arrivals.put(at);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        receiver.start();
        Path tmp = Files.createTempDirectory("latency-bench");
        try (HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")) {
            host.start();
            Api api = host.api();
            String target = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            api.post("/api/webhooks/", "{\"eventName\":\"project_created\",\"target\":\"" + target
                    + "\",\"secret\":\"bench\"}");
            HttpClient plain = HttpClient.newHttpClient();
            HttpRequest direct = HttpRequest.newBuilder(URI.create(target.replace("/hook", "/direct")))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            long[] delivery = new long[samples];
            long[] roundTrip = new long[samples];
            for (int i = -warmup; i < samples; i++) {
                long start = System.nanoTime();
                api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p" + i + "\"}}");
                Long arrived = arrivals.poll(30, TimeUnit.SECONDS);
                if (arrived == null) {
                    throw new IllegalStateException("event " + i + " not delivered within 30 s; see " + host.log());
                }
                long plainStart = System.nanoTime();
                plain.send(direct, HttpResponse.BodyHandlers.discarding());
                long plainEnd = System.nanoTime();
                if (i >= 0) {
                    delivery[i] = arrived - start;
                    roundTrip[i] = plainEnd - plainStart;
                }
            }
            Arrays.sort(delivery);
            Arrays.sort(roundTrip);
            System.out.printf("publish-to-delivery over %d events (idle host, H2, loopback receiver):%n", samples);
            System.out.printf("  p50 %.2f ms, p99 %.2f ms%n", ms(delivery, 0.50), ms(delivery, 0.99));
            System.out.printf("plain HTTP POST round trip to the same receiver, same run:%n");
            System.out.printf("  p50 %.2f ms, p99 %.2f ms%n", ms(roundTrip, 0.50), ms(roundTrip, 0.99));
            System.out.printf("ratio publish-to-delivery / plain round trip: p50 %.1fx, p99 %.1fx%n",
                    ms(delivery, 0.50) / ms(roundTrip, 0.50), ms(delivery, 0.99) / ms(roundTrip, 0.99));
        } finally {
            receiver.stop(0);
        }
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }
}
