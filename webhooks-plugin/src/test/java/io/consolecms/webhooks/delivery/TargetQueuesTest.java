package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetQueuesTest {

    private static ClaimedDelivery delivery(String id) {
        return new ClaimedDelivery(id, "w1", "e1", "project_created", 0, 0, "PUBLIC", "http://a.test/",
                SigningSecrets.NONE, null, null, new byte[0], 0L);
    }

    @Test
    void aTargetIsOneSchemeHostAndPortWithTheDefaultPortSpelledOut() {
        assertThat(TargetQueues.key("https://Hooks.Example.com/a?x=1")).isEqualTo("https://hooks.example.com:443");
        assertThat(TargetQueues.key("http://hooks.example.com/b")).isEqualTo("http://hooks.example.com:80");
        assertThat(TargetQueues.key("http://hooks.example.com:8080/")).isEqualTo("http://hooks.example.com:8080");
        assertThat(TargetQueues.key("not a url")).isNull();
        assertThat(TargetQueues.key("mailto:someone@example.com")).isNull();
    }

    @Test
    void runsAtMostItsConcurrencyPerTargetAndStartsTheNextWhenOneFinishes() {
        TargetQueues queues = new TargetQueues(2, 10, 100);
        String a = "http://a.test:80";
        for (int i = 0; i < 3; i++) {
            assertThat(queues.reserve(a)).isTrue();
        }

        assertThat(queues.admit(a, delivery("1"))).isTrue();
        assertThat(queues.admit(a, delivery("2"))).isTrue();
        assertThat(queues.admit(a, delivery("3"))).isFalse();

        assertThat(queues.finished(a, true)).extracting(ClaimedDelivery::id).isEqualTo("3");
        assertThat(queues.finished(a, true)).isNull();
        assertThat(queues.held()).isEqualTo(3);
    }

    @Test
    void aFullTargetTakesNoMoreWhileAnotherTargetStillDoes() {
        TargetQueues queues = new TargetQueues(1, 3, 10);
        String dead = "http://dead.test:80";
        String alive = "http://alive.test:80";
        for (int i = 0; i < 3; i++) {
            assertThat(queues.reserve(dead)).isTrue();
            queues.admit(dead, delivery("d" + i));
        }

        assertThat(queues.reserve(dead)).isFalse();
        assertThat(queues.fullTargets()).containsExactly(dead);
        assertThat(queues.reserve(alive)).isTrue();
        assertThat(queues.admit(alive, delivery("a"))).isTrue();
        assertThat(queues.room()).isEqualTo(6);
    }

    @Test
    void theHostHoldsAtMostItsCapacityAndFreesAPlaceOnlyOnceTheOutcomeIsStored() {
        TargetQueues queues = new TargetQueues(4, 2, 3);
        assertThat(queues.reserve("http://a.test:80")).isTrue();
        assertThat(queues.reserve("http://a.test:80")).isTrue();
        assertThat(queues.reserve("http://b.test:80")).isTrue();

        assertThat(queues.reserve("http://c.test:80")).isFalse();
        queues.admit("http://b.test:80", delivery("b"));
        queues.finished("http://b.test:80", true);
        assertThat(queues.room()).isZero();

        queues.release("http://b.test:80");
        assertThat(queues.room()).isEqualTo(1);
        assertThat(queues.reserve("http://c.test:80")).isTrue();
    }

    @Test
    void anUnusedPlaceCanBeGivenBackAndClosingDrainsWhatWaits() {
        TargetQueues queues = new TargetQueues(1, 5, 5);
        String a = "http://a.test:80";
        assertThat(queues.reserve(a)).isTrue();
        queues.unreserve(a);
        assertThat(queues.held()).isZero();

        for (int i = 0; i < 3; i++) {
            queues.reserve(a);
            queues.admit(a, delivery("" + i));
        }
        assertThat(queues.drainWaiting()).extracting(ClaimedDelivery::id).containsExactly("1", "2");
        assertThat(queues.finished(a, true)).isNull();
    }
}
