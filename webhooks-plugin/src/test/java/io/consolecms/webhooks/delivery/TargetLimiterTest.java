package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TargetLimiterTest {

    private static final URI SLOW = URI.create("https://slow.example/hook");
    private static final URI FAST = URI.create("https://fast.example/hook");

    @Test
    void capsTheAttemptsInFlightToOneTarget() {
        TargetLimiter limiter = new TargetLimiter(2);

        assertThat(limiter.tryAcquire(SLOW)).isTrue();
        assertThat(limiter.tryAcquire(SLOW)).isTrue();
        assertThat(limiter.tryAcquire(SLOW)).isFalse();
        assertThat(limiter.tryAcquire(FAST)).isTrue();

        limiter.release(SLOW);
        assertThat(limiter.tryAcquire(SLOW)).isTrue();
        assertThat(limiter.inFlight(SLOW)).isEqualTo(2);
    }

    @Test
    void countsSchemeHostAndPortNotPathOrCase() {
        TargetLimiter limiter = new TargetLimiter(1);

        assertThat(limiter.tryAcquire(URI.create("https://Slow.Example/a"))).isTrue();
        assertThat(limiter.tryAcquire(URI.create("https://slow.example:443/b?c=d"))).isFalse();
        assertThat(limiter.tryAcquire(URI.create("http://slow.example/a"))).isTrue();
        assertThat(limiter.tryAcquire(URI.create("https://slow.example:8443/a"))).isTrue();
    }

    @Test
    void forgetsATargetOnceNothingIsInFlight() {
        TargetLimiter limiter = new TargetLimiter(1);
        limiter.tryAcquire(SLOW);

        limiter.release(SLOW);
        limiter.release(SLOW);

        assertThat(limiter.inFlight(SLOW)).isZero();
        assertThat(limiter.tryAcquire(SLOW)).isTrue();
        assertThat(limiter.tryAcquire(SLOW)).isFalse();
    }

    @Test
    void neverLetsMoreThanTheCapThroughUnderContention() throws Exception {
        TargetLimiter limiter = new TargetLimiter(3);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int worker = 0; worker < 8; worker++) {
                tasks.add(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (limiter.tryAcquire(SLOW)) {
                            most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                            holding.decrementAndGet();
                            limiter.release(SLOW);
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : workers.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            workers.shutdownNow();
        }

        assertThat(most.get()).isBetween(1, 3);
        assertThat(limiter.inFlight(SLOW)).isZero();
    }

    @Test
    void refusesACapBelowOne() {
        assertThatThrownBy(() -> new TargetLimiter(0)).hasMessageContaining("at least 1");
    }
}
