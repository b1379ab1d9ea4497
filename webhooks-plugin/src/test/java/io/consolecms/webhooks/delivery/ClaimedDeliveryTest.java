package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClaimedDeliveryTest {

    private static ClaimedDelivery readAt(long nanos, String secret) {
        return new ClaimedDelivery("d1", "w1", "e1", "project_created", 0, 0, "PUBLIC", "http://a.test/",
                new SigningSecrets(secret, null, 0), null, null, new byte[0], 0, nanos, 0L);
    }

    private static ClaimedDelivery.WebhookSnapshot snapshotAt(long nanos, String state, String secret) {
        return new ClaimedDelivery.WebhookSnapshot(state, "http://b.test/", new SigningSecrets(secret, null, 0), null,
                null, 0, nanos);
    }

    @Test
    void takesTheSettingsOfASnapshotReadAfterTheDeliverysOwn() {
        ClaimedDelivery current = readAt(100, "old").with(snapshotAt(200, "TRASH", "new"));

        assertThat(current.webhookState()).isEqualTo("TRASH");
        assertThat(current.target()).isEqualTo("http://b.test/");
        assertThat(current.secrets().current()).isEqualTo("new");
        assertThat(current.webhookReadAt()).isEqualTo(200);
    }

    @Test
    void keepsItsOwnSettingsWhenTheSnapshotWasReadBeforeThem() {
        ClaimedDelivery delivery = readAt(300, "rotated");

        assertThat(delivery.with(snapshotAt(200, "PUBLIC", "before-the-rotation"))).isSameAs(delivery);
        // nanoTime may wrap: what counts is the difference
        assertThat(readAt(Long.MIN_VALUE + 5, "new").with(snapshotAt(Long.MAX_VALUE - 5, "PUBLIC", "old"))
                .secrets().current()).isEqualTo("new");
    }
}
