package io.consolecms.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.it.fuzz.FuzzedHost.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Contract §9: any input, however malformed, gets a 4xx that names the problem, never a 5xx. Sends generated requests
 * to every endpoint of a host running from the built jars, on H2 and on PostgreSQL: each try is a batch of requests
 * sent side by side, and a batch with a 5xx, a missing answer or a stack trace shrinks to the request that caused it.
 * Afterwards the host must still run, answer {@code /health}, and have logged no error.
 */
class MalformedRequestsIT {

    /**
     * Batches of 15 to 25 requests, 20 on average: at least 10,500 requests per database, about 14,000. Larger batches
     * keep the clients busy while a slow answer (a huge body) is awaited, and fewer tries cost less to generate.
     */
    private static final int TRIES = 700;
    private static final int MIN_BATCH = 15;
    private static final int MAX_BATCH = 25;
    private static final int LEAST_REQUESTS = 10_000;
    /** Lost answers (see {@link #sendAndJudge}) tolerated: at most one per this many requests. */
    private static final int LOST_AT_MOST_ONE_IN = 2_000;
    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);

    private static FuzzedHost current;
    private static volatile boolean failed;

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    @AddLifecycleHook(HostStaysHealthy.class)
    void noMalformedRequestGetsAServerErrorOnH2(@ForAll("onH2") List<RawRequest> batch) throws Exception {
        assertEveryAnswerIsNoServerError(batch);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.MIXIN)
    @AddLifecycleHook(HostStaysHealthy.class)
    void noMalformedRequestGetsAServerErrorOnPostgresql(@ForAll("onPostgresql") List<RawRequest> batch)
            throws Exception {
        assertEveryAnswerIsNoServerError(batch);
    }

    @Provide
    Arbitrary<List<RawRequest>> onH2() throws Exception {
        return batchesTo(Database.H2);
    }

    @Provide
    Arbitrary<List<RawRequest>> onPostgresql() throws Exception {
        return batchesTo(Database.POSTGRESQL);
    }

    private static synchronized Arbitrary<List<RawRequest>> batchesTo(Database database) throws Exception {
        if (current == null || current.database() != database) {
            closeCurrent();
            failed = false;
            current = FuzzedHost.start(database);
        }
        return current.requests().requests().list().ofMinSize(MIN_BATCH).ofMaxSize(MAX_BATCH)
                .withSizeDistribution(RandomDistribution.uniform());
    }

    private static void assertEveryAnswerIsNoServerError(List<RawRequest> batch) throws Exception {
        try {
            sendAndJudge(batch);
        } catch (Throwable failure) {
            failed = true;
            throw failure;
        }
    }

    private static void sendAndJudge(List<RawRequest> batch) throws Exception {
        FuzzedHost host = current;
        long started = System.nanoTime();
        try {
            sendAndJudge(host, batch);
        } finally {
            host.countSending(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static void sendAndJudge(FuzzedHost host, List<RawRequest> batch) throws Exception {
        List<Future<RawRequest.Outcome>> answers = new ArrayList<>();
        for (RawRequest request : batch) {
            answers.add(CLIENTS.submit(() -> {
                host.countSent();
                return request.sendTo(host.baseUri());
            }));
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            RawRequest.Outcome outcome = outcome(answers.get(i));
            if (outcome.lost()) {
                // Once in many thousand concurrent requests the host closed a connection with no byte of answer and no
                // line in its log (Jetty 12.1.14; see README, the host's HTTP server). The same request sent again
                // must be answered; how often this happens is bounded after the property (HostStaysHealthy)
                host.countResent();
                outcome = batch.get(i).sendTo(host.baseUri());
            }
            String answer = outcome.answer();
            if (outcome.serverError() || answer.contains("\tat ") || answer.contains("\n\tat")) {
                String said = outcome.problem() != null ? outcome.problem()
                        : answer.substring(0, Math.min(answer.length(), 600));
                problems.add(said + "\n  for " + batch.get(i));
            }
        }
        if (!problems.isEmpty()) {
            failed = true;
            String death = host.deathNotice();
            if (death != null) {
                problems.add(0, death);
            }
        }
        assertThat(problems).as("answers that were a 5xx, a stack trace or none at all").isEmpty();
    }

    private static RawRequest.Outcome outcome(Future<RawRequest.Outcome> answer) throws InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            return new RawRequest.Outcome(0, "", "the client failed: " + e.getCause());
        }
    }

    /**
     * After each property: the host stayed healthy and was sent enough requests. A hook around the property rather
     * than an {@code @AfterProperty} method, so that it sees the property's own result: a property that failed, or
     * that jqwik ended early because a generator threw (reported as "exhausted" after a few tries), keeps that
     * result, instead of it being hidden behind a count of requests that is merely too low.
     */
    static final class HostStaysHealthy implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property)
                throws Throwable {
            PropertyExecutionResult result = property.execute();
            FuzzedHost host = current;
            try {
                if (host == null) {
                    return result;
                }
                System.out.printf("fuzz on %s: %d requests in %d tries and %d s, %d s of it sending; %d answers lost"
                                + " and their requests sent again%n", host.database(), host.sent(), result.countTries(),
                        host.age().toSeconds(), host.sending().toSeconds(), host.resent());
                if (result.status() != PropertyExecutionResult.Status.SUCCESSFUL || failed) {
                    return result; // the property's own failure is the one to report, not a log it left behind
                }
                try {
                    host.assertStillHealthy();
                    assertThat(host.sent()).as("requests sent on " + host.database())
                            .isGreaterThanOrEqualTo(LEAST_REQUESTS);
                    assertThat(host.resent()).as("answers lost (connection closed with no byte) on " + host.database())
                            .isLessThanOrEqualTo(host.sent() / LOST_AT_MOST_ONE_IN);
                } catch (AssertionError unhealthy) {
                    return result.mapToFailed(unhealthy);
                }
                return result;
            } finally {
                closeCurrent();
            }
        }
    }

    @AfterContainer
    static void stopClients() throws Exception {
        closeCurrent();
        CLIENTS.shutdownNow();
    }

    private static synchronized void closeCurrent() throws Exception {
        if (current != null) {
            FuzzedHost closing = current;
            current = null;
            closing.close();
        }
    }
}
