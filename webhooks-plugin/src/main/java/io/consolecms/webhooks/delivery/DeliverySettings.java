package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.PluginSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The delivery settings of the webhooks plugin, parsed once at start.
 *
 * @param retrySchedule {@code CMS_WEBHOOKS_RETRY_SCHEDULE}: delays between attempts
 * @param timeout {@code CMS_WEBHOOKS_TIMEOUT}: whole-request timeout of one attempt
 * @param allowNetworks {@code CMS_WEBHOOKS_ALLOW_NETWORKS}: raw CIDRs, judged by the target policy
 * @param denyNetworks {@code CMS_WEBHOOKS_DENY_NETWORKS}: raw CIDRs denied besides the target policy's built-in ones
 * @param workers {@code CMS_WEBHOOKS_WORKERS}: how many attempts run at once in this host
 * @param perTarget {@code CMS_WEBHOOKS_PER_TARGET}: how many attempts run at once against one scheme+host+port
 * @param queueCapacity {@code CMS_WEBHOOKS_QUEUE_CAPACITY}: how many pending deliveries one host holds in memory;
 *     beyond, they wait in the database and are read back as room frees up
 * @param breakerFailures {@code CMS_WEBHOOKS_BREAKER_FAILURES}: consecutive failed attempts that open a target's
 *     circuit breaker
 * @param breakerCooldown {@code CMS_WEBHOOKS_BREAKER_COOLDOWN}: the first cool-down of an open breaker; each reopening
 *     doubles it, up to {@link #MAX_COOLDOWN_FACTOR} times this
 * @param disableAfter {@code CMS_WEBHOOKS_DISABLE_AFTER}: how long a webhook's deliveries may all fail before it is
 *     moved to DRAFT
 * @param retention {@code CMS_WEBHOOKS_RETENTION}: how long settled deliveries are kept after their last change
 */
public record DeliverySettings(RetrySchedule retrySchedule, Duration timeout, List<String> allowNetworks,
                               List<String> denyNetworks, int workers, int perTarget, int queueCapacity,
                               int breakerFailures, Duration breakerCooldown, Duration disableAfter,
                               Duration retention) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_WORKERS = 128;
    public static final int DEFAULT_PER_TARGET = 16;
    /** The least and the most pending deliveries a host holds in memory by default, whatever its heap. */
    public static final int MIN_DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int MAX_DEFAULT_QUEUE_CAPACITY = 1_000_000;
    /**
     * Heap bytes per pending delivery held in memory by default: one held delivery of a small event takes about 700
     * bytes of heap (its event body, ids and place in its queue), so the default ties up at most about a sixth of the
     * heap this way; the event bodies are bounded apart ({@link #queueBodyBytes()}).
     */
    static final long HEAP_BYTES_PER_QUEUED_DELIVERY = 4096;
    public static final int DEFAULT_BREAKER_FAILURES = 10;
    public static final Duration DEFAULT_BREAKER_COOLDOWN = Duration.ofSeconds(30);
    /** The longest cool-down, as a multiple of the first: 30 s doubling up to 10 min by default. */
    public static final int MAX_COOLDOWN_FACTOR = 20;
    public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    public DeliverySettings {
        Objects.requireNonNull(retrySchedule, "retrySchedule");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retention, "retention");
        allowNetworks = List.copyOf(allowNetworks);
        denyNetworks = List.copyOf(denyNetworks);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (retention.isZero() || retention.isNegative()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        if (workers < 1 || perTarget < 1 || queueCapacity < 1 || breakerFailures < 1) {
            throw new IllegalArgumentException(
                    "workers, perTarget, queueCapacity and breakerFailures must be positive");
        }
        Objects.requireNonNull(breakerCooldown, "breakerCooldown");
        Objects.requireNonNull(disableAfter, "disableAfter");
        if (breakerCooldown.isZero() || breakerCooldown.isNegative() || disableAfter.isZero()
                || disableAfter.isNegative()) {
            throw new IllegalArgumentException("breakerCooldown and disableAfter must be positive");
        }
    }

    /** Reads the settings; an {@link PluginSettings.InvalidSettingException} names the variable to fix. */
    public static DeliverySettings from(PluginSettings settings) {
        RetrySchedule schedule = new RetrySchedule(settings.durations("retry-schedule", RetrySchedule.DEFAULT.delays()));
        Duration timeout = settings.duration("timeout", DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw new PluginSettings.InvalidSettingException(settings.variable("timeout"), "must be longer than 0");
        }
        return new DeliverySettings(schedule, timeout,
                settings.list("allow-networks", List.of()),
                settings.list("deny-networks", List.of()),
                settings.positiveInt("workers", DEFAULT_WORKERS),
                settings.positiveInt("per-target", DEFAULT_PER_TARGET),
                settings.positiveInt("queue-capacity", defaultQueueCapacity(Runtime.getRuntime().maxMemory())),
                settings.positiveInt("breaker-failures", DEFAULT_BREAKER_FAILURES),
                positive(settings, "breaker-cooldown", DEFAULT_BREAKER_COOLDOWN),
                positive(settings, "disable-after", DEFAULT_DISABLE_AFTER),
                positive(settings, "retention", DEFAULT_RETENTION));
    }

    /**
     * How many pending deliveries a host with {@code maxHeapBytes} of heap holds in memory unless told otherwise: one
     * per {@link #HEAP_BYTES_PER_QUEUED_DELIVERY} bytes of heap (262,144 with {@code -Xmx1g}, 65,536 with {@code
     * -Xmx256m}), at least {@link #MIN_DEFAULT_QUEUE_CAPACITY} and at most {@link #MAX_DEFAULT_QUEUE_CAPACITY}. A
     * backlog that fits is attempted from memory as fast as its target answers; what does not is read back from the
     * database in pages, which costs the host about as much again as the attempts themselves.
     */
    static int defaultQueueCapacity(long maxHeapBytes) {
        long byHeap = maxHeapBytes / HEAP_BYTES_PER_QUEUED_DELIVERY;
        return (int) Math.max(MIN_DEFAULT_QUEUE_CAPACITY, Math.min(MAX_DEFAULT_QUEUE_CAPACITY, byHeap));
    }

    private static Duration positive(PluginSettings settings, String key, Duration fallback) {
        Duration value = settings.duration(key, fallback);
        if (value.isZero()) {
            throw new PluginSettings.InvalidSettingException(settings.variable(key), "must be longer than 0");
        }
        return value;
    }

    /** A closed circuit breaker for one target, with these settings. */
    CircuitBreaker newBreaker() {
        return new CircuitBreaker(breakerFailures, breakerCooldown, breakerCooldown.multipliedBy(MAX_COOLDOWN_FACTOR));
    }

    /**
     * How many deliveries one target may hold in memory: a tenth of the capacity, so that a few dead targets cannot
     * crowd out the live ones; at least what it runs at once.
     */
    public int queuePerTarget() {
        return Math.min(queueCapacity, Math.max(perTarget, queueCapacity / 10));
    }

    /**
     * How many bytes of event bodies one host holds in memory with its deliveries: a quarter of the heap it may use, so
     * that a burst of large events (up to 1 MiB each) waits in the database rather than filling the heap. Counted as
     * {@link #queueCapacity()} is, and shared among targets the same way.
     */
    public long queueBodyBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * How long a claim on a delivery lasts: long enough for a queued attempt to wait its turn and run to its timeout,
     * short enough that a dead host's deliveries are soon made again by another.
     */
    public Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(10);
    }
}
