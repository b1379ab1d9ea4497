package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final List<String> released = new CopyOnWriteArrayList<>();
    private final RateLimits rateLimits = new RateLimits(timer,
            delivery -> limits.getOrDefault(delivery.webhookId(), 0),
            (key, delivery) -> released.add(key + " " + delivery.id()), System::nanoTime);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private static ClaimedDelivery delivery(String id, String webhookId) {
        return new ClaimedDelivery(id, webhookId, "e1", "tag_created", 0, 0, "PUBLIC", "http://a.test/",
                SigningSecrets.NONE, null, null, new byte[0], 0, 0L, 0L);
    }

    @Test
    void aWebhookWithoutALimitGoesStraightOn() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(rateLimits.admit("http://a.test:80", delivery("d" + i, "free"))).isTrue();
        }
        assertThat(rateLimits.waiting()).isZero();
    }

    @Test
    void beyondItsBurstALimitedWebhooksDeliveriesWaitAndGoOnInOrderAsTokensCome() {
        limits.put("slow", 20);
        assertThat(rateLimits.admit("k", delivery("1", "slow"))).isTrue();
        assertThat(rateLimits.admit("k", delivery("2", "slow"))).isTrue();
        assertThat(rateLimits.admit("k", delivery("3", "slow"))).as("a burst of 2 at 20/s").isFalse();
        assertThat(rateLimits.admit("k", delivery("4", "slow"))).isFalse();
        assertThat(rateLimits.admit("k", delivery("x", "other"))).as("another webhook is not held back").isTrue();
        assertThat(rateLimits.waiting()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(5)).until(() -> released.size() == 2);
        assertThat(released).containsExactly("k 3", "k 4");
        assertThat(rateLimits.waiting()).isZero();
    }

    @Test
    void liftingTheLimitLetsWhatWaitsGoAndStoppingGivesItBack() {
        limits.put("slow", 1);
        rateLimits.admit("k", delivery("1", "slow"));
        rateLimits.admit("k", delivery("2", "slow"));
        rateLimits.admit("k", delivery("3", "slow"));
        limits.remove("slow");
        await().atMost(Duration.ofSeconds(5)).until(() -> released.size() == 2);
        assertThat(rateLimits.admit("k", delivery("4", "slow"))).isTrue();

        limits.put("slow", 1);
        rateLimits.admit("k", delivery("5", "slow"));
        rateLimits.admit("k", delivery("6", "slow"));
        timer.shutdownNow();
        assertThat(rateLimits.drain()).extracting(ClaimedDelivery::id).contains("6");
        assertThat(rateLimits.waiting()).isZero();
    }
}
