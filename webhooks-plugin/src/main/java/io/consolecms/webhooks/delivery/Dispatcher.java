package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the attempts of due deliveries: a claiming thread takes due deliveries from the {@link Outbox} in batches (at
 * once when {@link #wake()} is called, otherwise every scan interval or when a retry it scheduled falls due), worker
 * threads send them through the {@link DeliverySender}, never more than {@code perTarget} at once against one target
 * (scheme, host and port) so that a slow or dead receiver holds up only its own deliveries, and a recording thread
 * settles their outcomes in batches.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_BATCH = 50;

    private final Outbox outbox;
    private final DeliverySender sender;
    private final DeliverySettings settings;
    private final Clock clock;
    private final Duration scanInterval;
    private final String owner = "webhooks-" + ObjectId.next();

    private final Semaphore wakeups = new Semaphore(0);
    /** Retries this host scheduled that fall due before the next scan: claimed on time without polling. */
    private final PriorityQueue<Long> soonRetries = new PriorityQueue<>();
    private final TargetLanes lanes;
    private final ConcurrentLinkedQueue<ClaimedDelivery> unstarted = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final ExecutorService workers;
    private final Thread claimer;
    private final Thread recorder;
    private volatile boolean stopping;
    private volatile boolean recorderStopping;
    private volatile boolean backlog;

    Dispatcher(Outbox outbox, DeliverySender sender, DeliverySettings settings, Clock clock, Duration scanInterval) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scanInterval = Objects.requireNonNull(scanInterval, "scanInterval");
        this.lanes = new TargetLanes(settings.perTarget());
        this.workers = Executors.newFixedThreadPool(settings.workers(), named("webhooks-delivery-"));
        this.claimer = named("webhooks-claimer").newThread(this::claimLoop);
        this.recorder = named("webhooks-recorder").newThread(this::recordLoop);
    }

    Dispatcher(Outbox outbox, DeliverySender sender, DeliverySettings settings) {
        this(outbox, sender, settings, Clock.systemUTC(), SCAN_INTERVAL);
    }

    /** Starts the claiming and recording threads; deliveries already due are claimed at once. */
    void start() {
        recorder.start();
        claimer.start();
        wake();
    }

    /** Asks for a claim now. Never blocks; may be called from any thread. */
    public void wake() {
        wakeups.release();
    }

    /** The lease owner this dispatcher writes on its claims. */
    String owner() {
        return owner;
    }

    private void claimLoop() {
        while (!stopping) {
            try {
                waitForWork();
                if (!stopping) {
                    claimDue();
                }
            } catch (InterruptedException interrupted) {
                return;
            } catch (SQLException | RuntimeException failure) {
                LOG.warn("Could not claim due webhook deliveries; trying again at the next scan: {}", failure.toString());
            }
        }
    }

    private void waitForWork() throws InterruptedException {
        long wait = scanInterval.toMillis();
        synchronized (soonRetries) {
            Long next = soonRetries.peek();
            if (next != null) {
                wait = Math.min(wait, Math.max(0, next - clock.millis()));
            }
        }
        if (wait > 0) {
            wakeups.tryAcquire(wait, TimeUnit.MILLISECONDS);
        }
        wakeups.drainPermits();
        long now = clock.millis();
        synchronized (soonRetries) {
            while (!soonRetries.isEmpty() && soonRetries.peek() <= now) {
                soonRetries.poll();
            }
        }
    }

    private void claimDue() throws SQLException {
        while (!stopping) {
            int limit = Math.min(MAX_BATCH, settings.workers() - lanes.running());
            backlog = limit <= 0;
            if (limit <= 0) {
                return; // a finishing attempt wakes us
            }
            List<ClaimedDelivery> claimed = outbox.claim(owner, limit, settings.lease(), lanes.busyWebhooks());
            List<String> release = new ArrayList<>();
            long now = clock.millis();
            for (ClaimedDelivery delivery : claimed) {
                dispatch(delivery, now, release);
            }
            outbox.release(owner, release);
            if (claimed.size() < limit || !release.isEmpty()) {
                return; // claims given back: their lanes are full, the next claim skips them
            }
            backlog = true;
        }
    }

    private void dispatch(ClaimedDelivery delivery, long now, List<String> release) {
        String reason = delivery.undeliverableReason();
        URI target = reason == null ? parse(delivery.target()) : null;
        if (reason == null && target == null) {
            reason = "the webhook's target is not a valid URL: not delivered";
        }
        if (reason != null) {
            outcomes.add(Outcome.abandoned(delivery, now, reason));
            return;
        }
        String lane = TargetLanes.key(target);
        switch (lanes.offer(lane, delivery)) {
            case RUN -> workers.execute(() -> attempt(lane, delivery, target));
            case QUEUED -> { }
            case FULL -> release.add(delivery.id());
        }
    }

    private void attempt(String lane, ClaimedDelivery delivery, URI target) {
        try {
            if (stopping) {
                unstarted.add(delivery);
                return;
            }
            long at = clock.millis();
            AttemptResult result;
            try {
                result = sender.send(new DeliveryRequest(delivery.id(), target, delivery.body(), delivery.secret(),
                        delivery.base64Ca(), delivery.proxyUrl()));
            } catch (RuntimeException bug) {
                LOG.error("The delivery sender failed on delivery {}", delivery.id(), bug);
                result = AttemptResult.noAnswer("internal error while sending", clock.millis() - at);
            }
            outcomes.add(Outcome.attempted(delivery, at, result));
        } finally {
            ClaimedDelivery next = lanes.finished(lane, delivery, !stopping);
            if (next != null) {
                startNext(lane, next);
            }
            if (backlog || lanes.anyFull()) {
                wake();
            }
        }
    }

    private void startNext(String lane, ClaimedDelivery next) {
        URI target = parse(next.target());
        try {
            workers.execute(() -> attempt(lane, next, target));
        } catch (RejectedExecutionException closing) {
            lanes.finished(lane, next, false);
            unstarted.add(next);
        }
    }

    private void recordLoop() {
        SplittableRandom random = new SplittableRandom();
        List<Outcome> batch = new ArrayList<>();
        while (!recorderStopping || !outcomes.isEmpty()) {
            try {
                Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outcomes.drainTo(batch, MAX_BATCH - 1);
                outbox.record(owner, batch, settings.retrySchedule(), random).forEach(this::retryAt);
            } catch (InterruptedException interrupted) {
                return;
            } catch (SQLException | RuntimeException failure) {
                // the leases expire and the deliveries are attempted again: at least once, never lost
                LOG.warn("Could not record {} webhook delivery outcomes: {}", batch.size(), failure.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void retryAt(long millis) {
        if (millis - clock.millis() < scanInterval.toMillis()) {
            synchronized (soonRetries) {
                soonRetries.add(millis);
            }
            wake();
        }
    }

    private static URI parse(String target) {
        try {
            URI uri = new URI(target);
            return uri.isAbsolute() && uri.getHost() != null ? uri : null;
        } catch (Exception invalid) {
            return null;
        }
    }

    /**
     * Stops claiming, lets attempts in flight finish within the timeout plus 5 s, gives back the leases of claimed
     * deliveries not yet started, and records what finished. Deliveries still in flight afterwards keep their lease
     * and are attempted again once it expires.
     */
    @Override
    public void close() {
        stopping = true;
        wake();
        try {
            claimer.join(5_000);
            releaseQuietly(lanes.drainWaiting());
            workers.shutdown();
            if (!workers.awaitTermination(settings.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Webhook attempts still in flight at shutdown; they will be made again once their lease expires");
                workers.shutdownNow();
            }
            List<ClaimedDelivery> left = new ArrayList<>(unstarted);
            left.addAll(lanes.drainWaiting());
            releaseQuietly(left);
            recorderStopping = true;
            recorder.join(10_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            recorder.interrupt();
        }
    }

    private void releaseQuietly(List<ClaimedDelivery> deliveries) {
        try {
            outbox.release(owner, deliveries.stream().map(ClaimedDelivery::id).toList());
        } catch (SQLException failure) {
            LOG.warn("Could not release {} webhook delivery leases; they expire on their own: {}", deliveries.size(),
                    failure.toString());
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Test hook: the webhooks whose target is saturated in this host. */
    Set<String> busyWebhooks() {
        return lanes.busyWebhooks();
    }
}
