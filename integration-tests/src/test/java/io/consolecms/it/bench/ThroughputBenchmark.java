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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivery throughput: {@code bench.events} events published by 8 concurrent publishers to the real host (built jars,
 * H2), each delivered to one of 4 loopback targets; reports events delivered per second from the first publish to the
 * last arrival, beside the rate at which the same publishers POST the same bodies straight to the same receiver, in
 * the same run.
 *
 * <p>Run: {@code mvn -B -q -DskipTests -Pbench verify -pl integration-tests -am} (see README, "Benchmarks").
 */
public final class ThroughputBenchmark {

    private static final int PUBLISHERS = 8;
    private static final int TARGETS = 4;

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 4000);
        Set<String> deliveryIds = ConcurrentHashMap.newKeySet();
        AtomicInteger direct = new AtomicInteger();
        long[] lastArrival = new long[1];
        // four receivers on four ports of loopback: four targets, each with its own per-target limit
        ExecutorService receiverThreads = Executors.newFixedThreadPool(16);
        List<HttpServer> receivers = new ArrayList<>();
        for (int t = 0; t < TARGETS; t++) {
            HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            receiver.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                if (id == null) {
                    direct.incrementAndGet();
                } else if (deliveryIds.add(id)) {
                    synchronized (lastArrival) {
                        lastArrival[0] = System.nanoTime();
                    }
                }
            });
            receiver.setExecutor(receiverThreads);
            receiver.start();
            receivers.add(receiver);
        }
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        ExecutorService clientThreads = Executors.newFixedThreadPool(4);
        Path tmp = Files.createTempDirectory("throughput-bench");
        try (HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")) {
            host.start();
            Api api = host.api();
            for (int t = 0; t < TARGETS; t++) {
                String target = "http://127.0.0.1:" + receivers.get(t).getAddress().getPort() + "/hook";
                api.post("/api/webhooks/", "{\"eventName\":\"project_created\",\"tenantId\":\"t" + t
                        + "\",\"target\":\"" + target + "\",\"secret\":\"bench\"}");
            }
            HttpClient plain = HttpClient.newBuilder().executor(clientThreads).build();
            URI directUri = URI.create("http://127.0.0.1:" + receivers.get(0).getAddress().getPort() + "/direct");

            long directStart = System.nanoTime();
            run(publishers, events, i -> plain.send(HttpRequest.newBuilder(directUri)
                    .POST(HttpRequest.BodyPublishers.ofString(event(i))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            double directSeconds = (System.nanoTime() - directStart) / 1e9;

            long start = System.nanoTime();
            run(publishers, events, i -> api.publish(event(i)).status());
            double publishSeconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (deliveryIds.size() < events && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (deliveryIds.size() < events) {
                throw new IllegalStateException(deliveryIds.size() + " of " + events + " delivered; see " + host.log());
            }
            double deliverSeconds = (lastArrival[0] - start) / 1e9;
            System.out.printf("%d events, %d publishers, %d targets (idle host, H2, loopback receiver):%n",
                    events, PUBLISHERS, TARGETS);
            System.out.printf("  published (202, stored) at %.0f events/s%n", events / publishSeconds);
            System.out.printf("  delivered, signed, recorded at %.0f events/s (first publish to last arrival)%n",
                    events / deliverSeconds);
            System.out.printf("plain HTTP POSTs of the same bodies straight to the receiver, same run: %.0f/s%n",
                    events / directSeconds);
            System.out.printf("ratio delivered / plain: %.2f%n", (events / deliverSeconds) / (events / directSeconds));
        } finally {
            publishers.shutdownNow();
            clientThreads.shutdownNow();
            receivers.forEach(receiver -> receiver.stop(0));
            receiverThreads.shutdownNow();
        }
    }

    private interface Call {
        int send(int index) throws Exception;
    }

    private static void run(ExecutorService pool, int count, Call call) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < PUBLISHERS; w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    int status = call.send(i);
                    if (status >= 300) {
                        throw new IllegalStateException("answer " + status + " to request " + i);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
    }

    private static String event(int i) {
        return "{\"eventName\":\"project_created\",\"eventTimestamp\":" + i + ",\"payload\":{\"tenantId\":\"t"
                + (i % TARGETS) + "\",\"projectId\":\"p" + i + "\"}}";
    }
}
