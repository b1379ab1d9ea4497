package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AutoDisableTest {

    private static final Duration LEASE = Duration.ofMinutes(1);
    /** Retries an hour away: a recorded failure is not claimed again during the test. */
    private static final RetrySchedule HOURLY = new RetrySchedule(List.of(Duration.ofHours(1)));
    private static final long NOW = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final GroupCommit writer = new GroupCommit(db.dataSource);
    private final EventIngest ingest = new EventIngest(writer, new DatabaseOnly(), Clock.systemUTC());
    private final Outbox outbox = new Outbox(db.dataSource, Clock.systemUTC());

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    private AutoDisable autoDisable(Duration after) {
        return new AutoDisable(db.dataSource, writer, after, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    /** Records one attempt of each claimed delivery at the given times, in order, with the given outcomes. */
    private void attempts(String webhook, long[] at, boolean[] succeeded) throws Exception {
        for (int i = 0; i < at.length; i++) {
            ingest.onEvent(projectCreated("acme", webhook + "-" + i));
        }
        List<ClaimedDelivery> claimed = outbox.claim("me", at.length, LEASE, Set.of());
        List<Settlement> settlements = new java.util.ArrayList<>();
        for (int i = 0; i < at.length; i++) {
            AttemptResult result = succeeded[i] ? new AttemptResult(true, 200, null, null, null, 1)
                    : new AttemptResult(false, 500, null, null, null, 1);
            settlements.add(Settlement.of(Outcome.attempted(claimed.get(i), at[i], result), HOURLY,
                    new SplittableRandom()));
        }
        outbox.record("me", settlements);
    }

    private Object failingSince(String webhook) {
        return db.webhookRow(webhook).get("failing_since");
    }

    @Test
    void theStreakStartsAtTheFirstFailureAfterTheLastSuccessAndASuccessEndsIt() throws Exception {
        String webhook = db.webhook("project_created", "http://a.test/").insert();
        attempts(webhook, new long[] {100, 200}, new boolean[] {false, false});
        assertThat(failingSince(webhook)).isEqualTo(100L);
        attempts(webhook, new long[] {300}, new boolean[] {false});
        assertThat(failingSince(webhook)).as("more failures extend the streak").isEqualTo(100L);
        attempts(webhook, new long[] {400, 500, 600}, new boolean[] {false, true, false});
        assertThat(failingSince(webhook)).as("a success in between: the next failure starts it again")
                .isEqualTo(600L);
        attempts(webhook, new long[] {700}, new boolean[] {true});
        assertThat(failingSince(webhook)).isNull();
    }

    @Test
    void movesToDraftOnlyPublicWebhooksFailingForTheWholePeriodWithAReasonAndATime() throws Exception {
        long fiveDaysAgo = NOW - Duration.ofDays(5).toMillis();
        String failingLongEnough = db.webhook("project_created", "http://a.test/").insert();
        String failingSinceLately = db.webhook("project_created", "http://b.test/").insert();
        String alreadyDraft = db.webhook("project_created", "http://c.test/").state("DRAFT").insert();
        String healthy = db.webhook("project_created", "http://d.test/").insert();
        db.update("UPDATE webhooks SET failing_since = ? WHERE id IN (?, ?)", fiveDaysAgo, failingLongEnough,
                alreadyDraft);
        db.update("UPDATE webhooks SET failing_since = ? WHERE id = ?", fiveDaysAgo + 1, failingSinceLately);

        assertThat(autoDisable(Duration.ofDays(5)).sweep()).containsExactly(failingLongEnough);

        assertThat(db.webhookRow(failingLongEnough)).containsEntry("state", "DRAFT").containsEntry("disabled_at", NOW)
                .containsEntry("disabled_reason", "Every delivery attempt failed for 5d or more (since "
                        + "2026-11-25T12:00:00Z): the webhook was moved to DRAFT. Publish it again once its target"
                        + " works.");
        assertThat(db.webhookRow(failingSinceLately)).containsEntry("state", "PUBLIC")
                .containsEntry("disabled_reason", null);
        assertThat(db.webhookRow(alreadyDraft)).containsEntry("disabled_reason", null);
        assertThat(db.webhookRow(healthy)).containsEntry("state", "PUBLIC");
        assertThat(autoDisable(Duration.ofDays(5)).sweep()).as("each webhook once").isEmpty();
    }

    @Test
    void looksOftenEnoughToDisableWithinAMinute() {
        assertThat(AutoDisable.interval(Duration.ofDays(5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(AutoDisable.interval(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(5));
        assertThat(AutoDisable.interval(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(1));
    }
}
