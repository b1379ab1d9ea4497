package io.consolecms.webhooks.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The delivery engine's meters: {@code webhook_deliveries_total{outcome}} and the {@code
 * webhook_attempt_duration_seconds} histogram. Counted by the recording thread once a batch of outcomes is committed,
 * so a scrape counts only what the database holds; per outcome an adder's increment and a histogram's bucket. Also
 * the {@code webhook_circuit_open_targets} gauge, read from the dispatcher's breakers at each scrape, and {@code
 * webhook_claimed_deliveries_total{result}}: deliveries read back from the database and kept in memory, or given back
 * because their target's queue was full (a high share of given back is wasted database work).
 */
final class DeliveryMetrics implements AutoCloseable {

    /** Buckets of the attempt histogram, from a loopback answer to the longest timeout worth having. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter retried;
    private final Timer attempts;
    private final Counter kept;
    private final Counter givenBack;
    private final List<Meter> gauges = new ArrayList<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.succeeded = outcome("succeeded");
        this.failed = outcome("failed");
        this.retried = outcome("retried");
        this.attempts = Timer.builder("webhook.attempt.duration").description("Duration of delivery attempts")
                .serviceLevelObjectives(BUCKETS).register(registry);
        this.kept = claimed("kept");
        this.givenBack = claimed("given_back");
    }

    private Counter claimed(String result) {
        return Counter.builder("webhook.claimed.deliveries").description("Deliveries claimed from the database: kept"
                + " in this host's memory, or given back because their target's queue was full").tag("result", result)
                .register(registry);
    }

    /** Counts a claim's deliveries. Called on the claiming thread. */
    void claimed(int claimed, int givenBack) {
        this.kept.increment(claimed - givenBack);
        this.givenBack.increment(givenBack);
    }

    private Counter outcome(String outcome) {
        return Counter.builder("webhook.deliveries").description("Deliveries settled (succeeded, failed: given up)"
                        + " and failed attempts followed by another (retried)").tag("outcome", outcome)
                .register(registry);
    }

    /** Registers the gauge of targets whose circuit breaker is open (or probing) in this host, read lock-free. */
    void openTargets(IntSupplier openTargets) {
        gauges.add(Gauge.builder("webhook.circuit.open.targets", openTargets, IntSupplier::getAsInt)
                .description("Targets whose circuit breaker is open or probing in this host").strongReference(true)
                .register(registry));
    }

    /** Counts settlements just committed. Called on the recording thread. */
    void stored(List<Settlement> settlements) {
        for (Settlement settlement : settlements) {
            switch (settlement.status()) {
                case SUCCEEDED -> succeeded.increment();
                case FAILED -> failed.increment();
                case PENDING -> retried.increment();
            }
            AttemptResult result = settlement.outcome().result();
            if (result != null) {
                attempts.record(result.durationMs(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Removes the meters from the registry, which outlives the plugin. */
    @Override
    public void close() {
        for (Meter meter : List.of(succeeded, failed, retried, attempts, kept, givenBack)) {
            registry.remove(meter);
        }
        gauges.forEach(registry::remove);
    }
}
