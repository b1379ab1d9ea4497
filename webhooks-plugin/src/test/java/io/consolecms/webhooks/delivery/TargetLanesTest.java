package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TargetLanesTest {

    private final TargetLanes lanes = new TargetLanes(2);

    private static ClaimedDelivery delivery(String id, String webhookId) {
        return new ClaimedDelivery(id, webhookId, "e", "project_created", 0, 0, "PUBLIC", "http://a.test/", null,
                null, null, new byte[0]);
    }

    @Test
    void aLaneIsOneSchemeHostAndPortWhateverThePath() {
        assertThat(TargetLanes.key(URI.create("https://A.test/x"))).isEqualTo(TargetLanes.key(URI.create("https://a.test:443/y")));
        assertThat(TargetLanes.key(URI.create("http://a.test/"))).isNotEqualTo(TargetLanes.key(URI.create("https://a.test/")));
        assertThat(TargetLanes.key(URI.create("http://a.test:8080/"))).isNotEqualTo(TargetLanes.key(URI.create("http://a.test/")));
    }

    @Test
    void runsAtMostPerTargetAtOnceQueuesAsManyAndTurnsAwayTheRest() {
        String lane = "http://a.test:80";
        assertThat(lanes.offer(lane, delivery("1", "w1"))).isEqualTo(TargetLanes.Admission.RUN);
        assertThat(lanes.offer(lane, delivery("2", "w1"))).isEqualTo(TargetLanes.Admission.RUN);
        assertThat(lanes.offer(lane, delivery("3", "w2"))).isEqualTo(TargetLanes.Admission.QUEUED);
        assertThat(lanes.busyWebhooks()).isEmpty();
        assertThat(lanes.offer(lane, delivery("4", "w2"))).isEqualTo(TargetLanes.Admission.QUEUED);
        assertThat(lanes.offer(lane, delivery("5", "w3"))).isEqualTo(TargetLanes.Admission.FULL);
        assertThat(lanes.offer("http://b.test:80", delivery("6", "w4"))).isEqualTo(TargetLanes.Admission.RUN);

        assertThat(lanes.running()).isEqualTo(3);
        assertThat(lanes.busyWebhooks()).containsExactlyInAnyOrder("w1", "w2", "w3");

        ClaimedDelivery next = lanes.finished(lane, delivery("1", "w1"), true);
        assertThat(next.id()).isEqualTo("3");
        assertThat(lanes.running()).isEqualTo(3);
        assertThat(lanes.busyWebhooks()).isEmpty();
        assertThat(lanes.drainWaiting()).extracting(ClaimedDelivery::id).containsExactly("4");
        assertThat(lanes.finished(lane, delivery("2", "w1"), true)).isNull();
        assertThat(lanes.finished(lane, next, true)).isNull();
        assertThat(lanes.running()).isEqualTo(1);
    }
}
