package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the attempts of pending deliveries from memory, the database being their durable record rather than the work
 * queue. New deliveries come straight from {@link EventIngest} once committed, already leased to this host; the
 * claiming thread reads from the database only what memory does not hold (deliveries that did not fit, retries that
 * fall due, deliveries of a host whose lease expired, redeliveries), in batches, as room frees up.
 *
 * <p>Deliveries wait in {@link TargetQueues}: one queue per target, each with its own concurrency cap, so that a
 * hung target holds its own attempts and threads and no more. Worker threads make the attempts through the
 * {@link DeliverySender}; a recording thread stores their outcomes in batches; the claiming thread also renews the
 * leases of what this host holds, so that a long queue keeps its claims while a dead host's expire (on a database
 * other hosts may open: on an embedded one a held lease lasts until forgotten, see {@link #HELD_UNTIL_FORGOTTEN}).
 *
 * <p>Each target's circuit breaker (in {@link TargetQueues}) pauses its attempts after consecutive failures, its
 * deliveries waiting in memory with their attempts unspent; a webhook's {@code rateLimit} holds its deliveries back in
 * {@link RateLimits}. A timer thread starts a target's probe once its cool-down is over and lets rate-limited
 * deliveries go on as their tokens come; neither ever makes the claiming thread wait.
 */
public final class Dispatcher implements DeliveryHandoff, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);
    /** How often the settings of webhooks with queued deliveries are read again. */
    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);
    /** The most outcomes stored in one batch. */
    private static final int MAX_BATCH = 500;
    /**
     * How long the recorder gathers outcomes after the first before storing them: a batch per attempt would update
     * each webhook's last delivery and write a transaction per attempt, in the writer that publishers wait on.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long GATHER_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final Duration MAX_SCAN_INTERVAL = Duration.ofSeconds(30);
    /** Webhooks excluded from one claim at most: beyond, their deliveries are claimed and given back. */
    private static final int MAX_EXCLUDED = 1000;
    /**
     * The lease of a delivery held by a host that alone opens its database (see {@link #unleased}): no other host can
     * take it, so it lasts until this host forgets the delivery, and is never renewed. Renewing the lease of every held
     * delivery each quarter of {@link DeliverySettings#lease()} was a row update per delivery held: with a hundred
     * thousand held for a dead target, most of the writer's work. A host that stops leaves such leases behind; the next
     * one gives them back at its start.
     */
    static final Duration HELD_UNTIL_FORGOTTEN = Duration.ofDays(3650);
    /** How many targets' parsed URIs are remembered (see {@link #targetUris}). */
    private static final int MAX_TARGET_URIS = 10_000;

    private final Outbox outbox;
    private final GroupCommit writer;
    private final DeliverySender sender;
    private final DeliverySettings settings;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Duration scanInterval;
    private final String owner = "webhooks-" + ObjectId.next();
    /** Each target's URI, parsed once rather than at every attempt. */
    private final Memo<String, URI> targetUris = new Memo<>(MAX_TARGET_URIS, URI::create);

    private final TargetQueues queues;
    /** The deliveries this host holds (queued, in flight, or being recorded), with their target's queue. */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    /**
     * Held deliveries that a claim brought back: their lease is given back once this host forgets them (see
     * {@link #dispatch}), by the claimer, from {@link #toRelease}.
     */
    private final Set<String> reclaimed = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> toRelease = new ConcurrentLinkedQueue<>();
    /** How many deliveries of each webhook this host holds. */
    private final Map<String, AtomicInteger> heldPerWebhook = new ConcurrentHashMap<>();
    /** The settings of those webhooks as last read: a change applies to deliveries already queued. */
    private volatile Map<String, ClaimedDelivery.WebhookSnapshot> webhooks = Map.of();
    /** Each webhook's target queue as last seen, to leave a full target's deliveries in the database. */
    private final Map<String, String> webhookTargets = new ConcurrentHashMap<>();
    private final Semaphore wakeups = new Semaphore(0);
    /** Retries this host scheduled that fall due before the next scan: claimed on time without polling. */
    private final PriorityQueue<Long> soonRetries = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<ClaimedDelivery> unstarted = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final ThreadPoolExecutor workers;
    /** Ends breakers' cool-downs and paces rate-limited webhooks; its tasks never block. */
    private final ScheduledExecutorService timer;
    private final RateLimits rateLimits;
    private final Thread claimer;
    private final Thread recorder;
    private volatile boolean stopping;
    private volatile boolean recorderStopping;
    /** Whether the database may hold due deliveries that memory does not. */
    private volatile boolean databaseHasWork = true;
    /**
     * Whether the next claim reads whatever is due (a scan, a wake-up, retries falling due) rather than only as many
     * rows as the targets in {@link #leftInDatabase} have room for.
     */
    private volatile boolean scanDue = true;
    private long lastScan;
    private volatile long scanBackoff;
    /**
     * Targets with deliveries left in the database for lack of room (full at a scan, given back, spilled at ingest),
     * each with the {@link #leftStamps stamp} of when it was last left: every place one of them frees asks for a
     * claim of as many rows as they have room for, so that a draining backlog is claimed as it drains instead of in
     * batches mostly given back. A claim that finds fewer rows than it asked for forgets those left before it began.
     */
    private final Map<String, Long> leftInDatabase = new ConcurrentHashMap<>();
    private final AtomicLong leftStamps = new AtomicLong();
    private long nextRenewal;
    private long nextRefresh;
    /**
     * Whether claims take deliveries without a lease in the database (an embedded H2, which no other host opens): the
     * claimer then reads the due index on from {@link #claimCursor}, and skips what {@link #held} holds.
     */
    private volatile boolean unleased;
    /** Where the next claim without leases reads the due index from (claimer thread only). */
    private long claimCursor = Long.MIN_VALUE;
    /**
     * The earliest due time at which a delivery may have become claimable behind {@link #claimCursor} since the last
     * claim (a spill, a give-back, a retry falling due, a scan), or {@code Long.MAX_VALUE}: taken by the next claim.
     */
    private final AtomicLong cursorFloor = new AtomicLong(Long.MAX_VALUE);
    /** The webhooks the last claim left out: one that is no longer left out has rows behind the cursor. */
    private Set<String> lastExcluded = Set.of();
    /** Guards {@link #forgottenWhileReading} and each removal from {@link #held}. */
    private final Object claimGuard = new Object();
    /**
     * While a claim without leases reads, the deliveries this host forgot meanwhile: the read may have seen one of
     * them before its outcome was committed, so the claim drops them rather than attempting a delivery twice.
     */
    private Set<String> forgottenWhileReading;

    Dispatcher(Outbox outbox, GroupCommit writer, DeliverySender sender, DeliverySettings settings,
               DeliveryMetrics metrics, Clock clock, Duration scanInterval) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scanInterval = Objects.requireNonNull(scanInterval, "scanInterval");
        this.queues = new TargetQueues(settings.perTarget(), settings.queuePerTarget(), settings.queueCapacity(),
                settings.queueBodyBytes(), settings::newBreaker, clock::millis, this::breakerOpened);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named("webhooks-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.timer = timer;
        this.rateLimits = new RateLimits(timer, this::rateLimitOf, this::enqueue, System::nanoTime);
        this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named("webhooks-delivery-"));
        this.workers.allowCoreThreadTimeOut(true);
        this.claimer = named("webhooks-claimer").newThread(this::claimLoop);
        this.recorder = named("webhooks-recorder").newThread(this::recordLoop);
    }

    Dispatcher(Outbox outbox, GroupCommit writer, DeliverySender sender, DeliverySettings settings,
               DeliveryMetrics metrics) {
        this(outbox, writer, sender, settings, metrics, Clock.systemUTC(), SCAN_INTERVAL);
    }

    /** Starts the claiming and recording threads; deliveries already due are claimed at once. */
    void start() {
        try {
            unleased = outbox.claimsWithoutLeases();
        } catch (SQLException unknown) {
            LOG.warn("Could not tell whether this host alone opens the database; claims take leases: {}",
                    unknown.toString());
        }
        if (unleased) {
            try {
                int released = outbox.releaseLeasesNotOf(owner);
                if (released > 0) {
                    LOG.info("Gave back the leases of {} webhook deliveries held by the host that ran before", released);
                }
            } catch (SQLException failure) {
                LOG.warn("Could not give back the leases of the host that ran before; its deliveries wait for them to"
                        + " run out: {}", failure.toString());
            }
        }
        recorder.start();
        claimer.start();
        wake();
    }

    /** Says the database may hold due deliveries (e.g. redelivered ones): claims now. Never blocks; any thread. */
    public void wake() {
        lowerCursor(Long.MIN_VALUE);
        scanDue = true;
        databaseHasWork = true;
        scanBackoff = 0;
        wakeups.release();
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public Duration lease() {
        return unleased ? HELD_UNTIL_FORGOTTEN : settings.lease();
    }

    /**
     * Takes a place in memory for a new delivery to {@code target}, before its commit.
     *
     * @return the target's queue, to {@link #admit} the delivery into or {@link #unreserve}; {@code null} when there is
     *     no room (the delivery waits in the database, unleased) or the target is not a URL
     */
    @Override
    public String reserve(String target, int bodyBytes) {
        String key = TargetQueues.key(target);
        if (key == null || stopping) {
            lowerCursor(Long.MIN_VALUE);
            scanDue = true; // stored unleased, for a claim to settle or a later host to attempt
            return null;
        }
        if (!queues.reserve(key, bodyBytes)) {
            leftIn(key);
            return null;
        }
        return key;
    }

    /** Gives back a place {@link #reserve} took, e.g. when the commit failed. */
    @Override
    public void unreserve(String key, int bodyBytes) {
        queues.unreserve(key, bodyBytes);
    }

    /** Hands over a committed delivery, leased to {@link #owner()}, in the place {@link #reserve} took. */
    @Override
    public void admit(String key, ClaimedDelivery delivery) {
        held.put(delivery.id(), key);
        heldPerWebhook.computeIfAbsent(delivery.webhookId(), id -> new AtomicInteger()).incrementAndGet();
        webhookTargets.put(delivery.webhookId(), key);
        if (rateLimits.admit(key, delivery)) {
            enqueue(key, delivery);
        }
    }

    /** Puts a held delivery that its webhook's rate lets go on into its target's queue. */
    private void enqueue(String key, ClaimedDelivery delivery) {
        if (queues.admit(key, delivery)) {
            start(key, delivery);
        }
    }

    /** The current {@code rateLimit} of a delivery's webhook, or 0 for none: the later read of the two wins. */
    private int rateLimitOf(ClaimedDelivery delivery) {
        ClaimedDelivery.WebhookSnapshot now = webhooks.get(delivery.webhookId());
        return now == null ? delivery.rateLimit() : delivery.with(now).rateLimit();
    }

    /**
     * The health of the circuit breaker of a webhook's target in this host: {@code healthy}, {@code open} or
     * {@code probing}. Lock-free; any thread.
     */
    public String targetHealth(String target) {
        return queues.health(target).value();
    }

    /** How many targets have their circuit breaker open (or probing) in this host now. Lock-free; any thread. */
    public int openTargets() {
        return queues.openTargets();
    }

    /** Called under the queues' lock when a target's breaker opens: its probe is due at {@code until}. */
    private void breakerOpened(String key, long until) {
        long delay = Math.max(0, until - clock.millis());
        LOG.warn("Webhook target {} failed {} attempts in a row: its deliveries wait {} s before one probe", key,
                settings.breakerFailures(), (delay + 999) / 1000);
        try {
            timer.schedule(() -> resume(key), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // stopping: what waits is given back
        }
    }

    private void resume(String key) {
        if (!stopping) {
            queues.resume(key).forEach(next -> start(key, next));
        }
    }

    /** Says that deliveries were stored unleased for lack of room: they are claimed as room frees up. */
    @Override
    public void spilled(long dueAt) {
        lowerCursor(dueAt);
        databaseHasWork = true;
    }

    /** Says that a delivery due from {@code dueAt} may wait in the database behind where claims read on from. */
    private void lowerCursor(long dueAt) {
        cursorFloor.accumulateAndGet(dueAt, Math::min);
    }

    private void claimLoop() {
        while (!stopping) {
            try {
                waitForWork();
                if (!stopping) {
                    releaseReclaimed();
                    renewLeases();
                    refreshWebhooks();
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
        long nextScan = lastScan + Math.max(scanInterval.toMillis(), scanBackoff);
        long until = Math.min(nextScan, Math.min(nextRefresh, nextRenewal));
        synchronized (soonRetries) {
            Long next = soonRetries.peek();
            if (next != null) {
                until = Math.min(until, next);
            }
        }
        long wait = until - clock.millis();
        if (wait > 0) {
            wakeups.tryAcquire(wait, TimeUnit.MILLISECONDS);
        }
        wakeups.drainPermits();
        long now = clock.millis();
        if (now >= lastScan + Math.max(scanInterval.toMillis(), scanBackoff)) {
            lastScan = now;
            lowerCursor(Long.MIN_VALUE); // a scan reads whatever is due, from the start
            scanDue = true; // a scan: retries of earlier runs, other hosts' expired leases
            databaseHasWork = true;
        }
        synchronized (soonRetries) {
            while (!soonRetries.isEmpty() && soonRetries.peek() <= now) {
                lowerCursor(soonRetries.poll());
                scanDue = true;
                databaseHasWork = true;
            }
        }
    }

    private void releaseReclaimed() throws SQLException, InterruptedException {
        if (toRelease.isEmpty()) {
            return; // the usual case: a claim brings back a held delivery only in a race
        }
        List<String> ids = new ArrayList<>();
        for (String id = toRelease.poll(); id != null; id = toRelease.poll()) {
            ids.add(id);
        }
        try {
            outbox.release(writer, owner, ids);
        } catch (SQLException failure) {
            toRelease.addAll(ids); // at the next wake-up; their leases expire meanwhile anyway
            throw failure;
        }
    }

    private void renewLeases() throws SQLException, InterruptedException {
        long now = clock.millis();
        if (now < nextRenewal) {
            return;
        }
        if (unleased) {
            nextRenewal = Long.MAX_VALUE; // held leases last until forgotten there: see HELD_UNTIL_FORGOTTEN
            return;
        }
        nextRenewal = now + settings.lease().toMillis() / 4;
        outbox.renew(writer, owner, Set.copyOf(held.keySet()), now + settings.lease().toMillis());
    }

    private void refreshWebhooks() throws SQLException, InterruptedException {
        long now = clock.millis();
        if (now < nextRefresh) {
            return;
        }
        nextRefresh = now + REFRESH_INTERVAL.toMillis();
        heldPerWebhook.values().removeIf(count -> count.get() <= 0);
        webhooks = outbox.webhooks(Set.copyOf(heldPerWebhook.keySet()));
        unpauseChanged(now);
    }

    /**
     * Deliveries waiting behind an open breaker follow their webhook's changes too: those that may no longer be
     * delivered are settled now, those whose webhook moved to another target are given back to the database, to be
     * claimed into that target's queue.
     */
    private void unpauseChanged(long now) throws SQLException, InterruptedException {
        List<String> giveBack = new ArrayList<>();
        for (String key : queues.pausedTargets()) {
            for (ClaimedDelivery delivery : queues.removeWaiting(key, waiting -> changed(waiting, key))) {
                ClaimedDelivery current = delivery.with(webhooks.get(delivery.webhookId()));
                String reason = current.undeliverableReason();
                if (reason != null) {
                    outcomes.add(Outcome.abandoned(delivery, now, reason));
                } else {
                    giveBack.add(delivery.id());
                    forget(delivery);
                }
            }
        }
        if (!giveBack.isEmpty()) {
            outbox.release(writer, owner, giveBack);
            lowerCursor(Long.MIN_VALUE);
            scanDue = true;
            databaseHasWork = true;
        }
    }

    private boolean changed(ClaimedDelivery waiting, String key) {
        ClaimedDelivery.WebhookSnapshot now = webhooks.get(waiting.webhookId());
        if (now == null) {
            return false;
        }
        ClaimedDelivery current = waiting.with(now); // a snapshot older than the delivery's own read does not count
        return current.undeliverableReason() != null || !key.equals(TargetQueues.key(current.target()));
    }

    private void claimDue() throws SQLException, InterruptedException {
        boolean scan = false;
        while (!stopping && databaseHasWork) {
            scan |= scanDue;
            // at most what one claim returns: fewer rows than asked for below is taken as the end of what is due. Nor
            // more event bodies than the host may take: a claim's rows are all in memory at once
            int limit = Math.min(Outbox.MAX_CLAIM, scan ? queues.room() : queues.room(leftInDatabase.keySet()));
            long bytes = scan ? queues.bytesRoom() : queues.bytesRoom(leftInDatabase.keySet());
            if (limit <= 0 || bytes <= 0) {
                scanDue |= scan;
                return; // a recorded outcome frees room and wakes us
            }
            scanDue = false;
            databaseHasWork = false;
            long stamp = leftStamps.get();
            Set<String> excluded = excludedWebhooks();
            Set<String> knownLeft = scan ? Set.copyOf(leftInDatabase.keySet()) : Set.of(); // only scans use it
            List<ClaimedDelivery> claimed;
            boolean whole; // a claim that stopped at either bound says nothing of what is left: there may be more
            long givenBackFrom = Long.MIN_VALUE;
            if (unleased) {
                Outbox.Unleased read = claimUnleased(limit, excluded, bytes);
                claimed = read.deliveries();
                whole = read.more();
                givenBackFrom = read.firstDueAt();
            } else {
                claimed = outbox.claim(owner, limit, settings.lease(), excluded, bytes, writer);
                whole = claimed.size() >= limit || claimed.stream().mapToLong(TargetQueues::bytes).sum() >= bytes;
            }
            if (scan) {
                // a scan that reads past the backlog of full targets and finds nothing else is not repeated every
                // interval: it reads every row of that backlog, so it backs off until something is woken, up to
                // MAX_SCAN_INTERVAL. Claims for targets that have room again go on meanwhile, and do not reset it;
                // nor does a scan that came while such a target had room and found only its backlog
                if (claimed.isEmpty() && !excluded.isEmpty()) {
                    scanBackoff = Math.min(MAX_SCAN_INTERVAL.toMillis(),
                            Math.max(scanInterval.toMillis(), scanBackoff * 2));
                } else if (claimed.isEmpty() || foundBeyond(claimed, knownLeft)) {
                    scanBackoff = 0;
                }
                // a scan goes on while it fills whole claims. Events spilled meanwhile also say the database has
                // work, but theirs is their full targets' (claimed when these have room): reading past those
                // targets' backlog again at each spill kept a core busy while a dead target's backlog grew
                scan = whole;
            }
            List<String> giveBack = new ArrayList<>();
            long now = clock.millis();
            for (ClaimedDelivery delivery : claimed) {
                dispatch(delivery, now, giveBack);
            }
            if (unleased) {
                if (!giveBack.isEmpty()) {
                    lowerCursor(givenBackFrom); // nothing to give back in the database: they were never leased
                }
            } else {
                outbox.release(writer, owner, giveBack);
            }
            metrics.claimed(claimed.size(), giveBack.size());
            if (!whole) {
                // nothing more is due but the excluded webhooks' deliveries: targets left before this claim began
                // have nothing left in the database, unless they are full
                Set<String> full = queues.fullTargets();
                leftInDatabase.entrySet().removeIf(left -> left.getValue() <= stamp && !full.contains(left.getKey()));
            } else if (giveBack.isEmpty()) {
                databaseHasWork = true; // a full batch: there may be more
            }
        }
    }

    /**
     * Reads due deliveries without leasing them, on from where the last claim stopped (or from an earlier due time that
     * {@link #lowerCursor} noted). What this host holds is skipped; so is what it forgot while the read ran, which the
     * read may have seen before its outcome was stored (a claim by lease checked that in the database).
     */
    private Outbox.Unleased claimUnleased(int limit, Set<String> excluded, long bytes) throws SQLException {
        claimCursor = Math.min(claimCursor, cursorFloor.getAndSet(Long.MAX_VALUE));
        if (!excluded.containsAll(lastExcluded)) {
            claimCursor = Long.MIN_VALUE; // a webhook left out before is not now: its rows lie behind the cursor
        }
        lastExcluded = excluded;
        Set<String> forgotten = new HashSet<>();
        synchronized (claimGuard) {
            forgottenWhileReading = forgotten;
        }
        Outbox.Unleased read;
        try {
            read = outbox.claimUnleased(claimCursor, limit, excluded, bytes, held::containsKey, held.size());
        } finally {
            synchronized (claimGuard) {
                forgottenWhileReading = null;
            }
        }
        if (read.lastDueAt() != Long.MIN_VALUE) {
            claimCursor = read.lastDueAt();
        }
        List<ClaimedDelivery> fresh = new ArrayList<>(read.deliveries().size());
        boolean dropped = false;
        synchronized (claimGuard) {
            for (ClaimedDelivery delivery : read.deliveries()) {
                if (forgotten.contains(delivery.id())) {
                    dropped = true;
                } else if (held.containsKey(delivery.id())) {
                    reclaimed.add(delivery.id()); // claimed again once this host forgets it: see dispatch
                } else {
                    fresh.add(delivery);
                }
            }
        }
        if (dropped) {
            lowerCursor(read.firstDueAt()); // read again, as it is now, by the next claim
            databaseHasWork = true;
        }
        return new Outbox.Unleased(fresh, read.firstDueAt(), read.lastDueAt(), read.more());
    }

    /** Whether a claim brought deliveries other than those of targets known to have some left in the database. */
    private static boolean foundBeyond(List<ClaimedDelivery> claimed, Set<String> knownLeft) {
        for (ClaimedDelivery delivery : claimed) {
            String key = delivery.undeliverableReason() == null ? TargetQueues.key(delivery.target()) : null;
            if (key == null || !knownLeft.contains(key)) {
                return true;
            }
        }
        return false;
    }

    private Set<String> excludedWebhooks() {
        Set<String> full = queues.fullTargets();
        full.forEach(this::leftIn);
        if (full.isEmpty()) {
            return Set.of();
        }
        return webhookTargets.entrySet().stream().filter(entry -> full.contains(entry.getValue()))
                .map(Map.Entry::getKey).limit(MAX_EXCLUDED).collect(Collectors.toSet());
    }

    private void dispatch(ClaimedDelivery delivery, long now, List<String> giveBack) {
        if (held.computeIfPresent(delivery.id(), (id, key) -> {
            reclaimed.add(id);
            return key;
        }) != null) {
            // a claim brought back a delivery this host still holds: either its lease lapsed while it waited or was
            // attempted, or its outcome was just stored and it fell due again (a retry due at once, a redelivery)
            // before this host forgot it. Only the order of the two in the database tells which, so its lease is
            // given back once this host forgets it: in the first case the stored outcome has already cleared that
            // lease, in the second the delivery is due and claimed again
            return;
        }
        String reason = delivery.undeliverableReason();
        String key = reason == null ? TargetQueues.key(delivery.target()) : null;
        if (reason == null && key == null) {
            reason = "the webhook's target is not a valid URL: not delivered";
        }
        if (reason != null) {
            outcomes.add(Outcome.abandoned(delivery, now, reason));
            return;
        }
        webhookTargets.put(delivery.webhookId(), key);
        if (queues.reserve(key, TargetQueues.bytes(delivery))) {
            admit(key, delivery);
        } else {
            giveBack.add(delivery.id());
            leftIn(key);
        }
    }

    private void start(String key, ClaimedDelivery delivery) {
        try {
            workers.execute(() -> run(key, delivery));
        } catch (RejectedExecutionException closing) {
            queues.finished(key, delivery, null, false);
            unstarted.add(delivery);
        }
    }

    /**
     * Makes the attempt of a delivery, then goes on with the next its target's queue lets start, as long as no other
     * target's attempt waits for a worker: handing each next attempt to another thread cost a wake-up per delivery.
     */
    private void run(String key, ClaimedDelivery first) {
        ClaimedDelivery delivery = first;
        while (delivery != null) {
            if (stopping) {
                queues.finished(key, delivery, null, false);
                unstarted.add(delivery);
                return;
            }
            Boolean succeeded = attempt(delivery);
            List<ClaimedDelivery> next = queues.finished(key, delivery, succeeded, !stopping);
            delivery = null;
            for (ClaimedDelivery following : next) {
                if (delivery == null && workers.getQueue().isEmpty()) {
                    delivery = following;
                } else {
                    start(key, following);
                }
            }
        }
    }

    /** Makes one attempt and queues its outcome; returns whether it succeeded, or null when none was made. */
    private Boolean attempt(ClaimedDelivery delivery) {
        long at = clock.millis();
        ClaimedDelivery.WebhookSnapshot now = webhooks.get(delivery.webhookId());
        ClaimedDelivery current = now == null ? delivery : delivery.with(now);
        String reason = current.undeliverableReason();
        if (reason != null) {
            outcomes.add(Outcome.abandoned(delivery, at, reason));
            return null;
        }
        AttemptResult result;
        try {
            result = sender.send(new DeliveryRequest(current.id(), targetUris.get(current.target()), current.body(),
                    current.secrets().current(), current.secrets().previousAt(at), current.base64Ca(),
                    current.proxyUrl()));
        } catch (RuntimeException bug) {
            LOG.error("The delivery sender failed on delivery {}", delivery.id(), bug);
            result = AttemptResult.noAnswer("internal error while sending", clock.millis() - at);
        }
        outcomes.add(Outcome.attempted(delivery, at, result));
        return result.succeeded();
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
                gather(batch);
                List<Settlement> settlements = new ArrayList<>(batch.size());
                for (Outcome outcome : batch) {
                    settlements.add(Settlement.of(outcome, settings.retrySchedule(), random));
                }
                record(settlements); // which frees each delivery's place as soon as its outcome is stored
            } catch (InterruptedException interrupted) {
                batch.forEach(outcome -> forget(outcome.delivery()));
                return;
            } catch (RuntimeException bug) {
                LOG.error("The webhooks recorder failed on {} outcomes; they are attempted again once their leases"
                        + " are given back or expire", batch.size(), bug);
                batch.forEach(outcome -> forgetUnrecorded(outcome.delivery()));
            } finally {
                batch.clear();
                if (databaseHasWork) {
                    wakeups.release();
                }
            }
        }
    }

    /** Frees the place of a delivery this host no longer holds (its outcome is stored, or it was given back). */
    private void forget(ClaimedDelivery delivery) {
        String key;
        synchronized (claimGuard) {
            key = held.remove(delivery.id());
            if (key != null && forgottenWhileReading != null) {
                forgottenWhileReading.add(delivery.id());
            }
        }
        if (key != null) {
            if (reclaimed.remove(delivery.id())) {
                lowerCursor(Long.MIN_VALUE);
                toRelease.add(delivery.id());
                scanDue = true;
                databaseHasWork = true;
                wakeups.release();
            }
            queues.release(delivery);
            if (leftInDatabase.containsKey(key)) {
                // a target whose deliveries were left in the database has room again: a claim for it, not a scan
                databaseHasWork = true;
            }
            AtomicInteger count = heldPerWebhook.get(delivery.webhookId());
            if (count != null) {
                count.decrementAndGet();
            }
        }
    }

    /**
     * Forgets a delivery whose outcome could not be stored: it is still pending, where claims may have read past it.
     * Its lease runs out on its own, unless it lasts until forgotten ({@link #HELD_UNTIL_FORGOTTEN}): then the claimer
     * gives it back, before its next claim.
     */
    private void forgetUnrecorded(ClaimedDelivery delivery) {
        forget(delivery);
        if (unleased) {
            toRelease.add(delivery.id());
        }
        lowerCursor(Long.MIN_VALUE);
        scanDue = true;
        databaseHasWork = true;
        wakeups.release();
    }

    /** Notes that deliveries of a target were left in the database for lack of room. */
    private void leftIn(String key) {
        leftInDatabase.put(key, leftStamps.incrementAndGet());
    }

    /**
     * Adds to the batch what comes within {@link #GATHER_NANOS}, looking every {@link #GATHER_SLICE_NANOS}: waiting on
     * the queue instead woke this thread (and made the worker that queued it wake it) once per outcome.
     */
    private void gather(List<Outcome> batch) throws InterruptedException {
        long until = System.nanoTime() + GATHER_NANOS;
        while (true) {
            outcomes.drainTo(batch, MAX_BATCH - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= MAX_BATCH || left <= 0 || recorderStopping) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, GATHER_SLICE_NANOS));
        }
    }

    /**
     * Stores a batch; when the batch fails, each settlement alone, so that one bad row never takes the others with
     * it. What cannot be stored is attempted again once its lease, no longer renewed, expires: at least once. Frees
     * the settlements' deliveries' places: those stored at their commit (see {@link #store}), the others at once.
     */
    private void record(List<Settlement> settlements) throws InterruptedException {
        List<Settlement> stored;
        try {
            stored = store(settlements);
        } catch (SQLException | RuntimeException failure) {
            if (settlements.size() == 1) {
                LOG.warn("Could not record the outcome of webhook delivery {}; it is attempted again once its lease"
                        + " is given back or expires: {}", settlements.get(0).outcome().delivery().id(),
                        failure.toString());
                forgetUnrecorded(settlements.get(0).outcome().delivery());
                return;
            }
            LOG.warn("Could not record {} webhook delivery outcomes at once; recording them one by one: {}",
                    settlements.size(), failure.toString());
            for (Settlement settlement : settlements) {
                record(List.of(settlement));
            }
            return;
        }
        metrics.stored(stored);
        stored.forEach(this::scheduled);
    }

    /**
     * Stores settlements in the writer's next transaction and waits for its commit. Their deliveries' places are
     * freed at the commit, on the writer's thread: a claim committed after it may bring one of them back at once (a
     * redelivery, a retry due now), and would take it for a delivery this host still holds, whose lease lapsed, and
     * leave it until that lease expired.
     */
    private List<Settlement> store(List<Settlement> settlements) throws SQLException, InterruptedException {
        List<Settlement> stored = writer.call(connection -> Outbox.record(connection, owner, settlements,
                clock.millis(), unleased), () -> settlements.forEach(settlement -> forget(settlement.outcome().delivery())));
        Outbox.logGivenUp(stored);
        return stored;
    }

    private void scheduled(Settlement settlement) {
        Long millis = settlement.nextAttemptAt();
        if (millis == null) {
            return;
        }
        if (millis - clock.millis() < scanInterval.toMillis()) {
            synchronized (soonRetries) {
                soonRetries.add(millis);
            }
            wakeups.release();
        }
    }

    /**
     * Stops claiming, lets attempts in flight finish within the timeout plus 5 s, records what finished, and gives
     * back the leases of what this host still holds. Deliveries still in flight afterwards keep their lease and are
     * attempted again once it expires.
     */
    @Override
    public void close() {
        stopping = true;
        wakeups.release();
        try {
            claimer.join(5_000);
            timer.shutdownNow();
            workers.shutdown();
            if (!workers.awaitTermination(settings.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Webhook attempts still in flight at shutdown; they will be made again once their lease expires");
                workers.shutdownNow();
            }
            recorderStopping = true;
            recorder.join(10_000);
            List<ClaimedDelivery> left = new ArrayList<>(unstarted);
            left.addAll(queues.drainWaiting());
            left.addAll(rateLimits.drain());
            releaseQuietly(left);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            recorder.interrupt();
        }
    }

    private void releaseQuietly(List<ClaimedDelivery> deliveries) {
        try {
            outbox.release(writer, owner, deliveries.stream().map(ClaimedDelivery::id).toList());
        } catch (SQLException failure) {
            LOG.warn("Could not release {} webhook delivery leases; they expire on their own: {}", deliveries.size(),
                    failure.toString());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while releasing {} webhook delivery leases; they expire on their own",
                    deliveries.size());
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
}
