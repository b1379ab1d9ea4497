package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoTest {

    @Test
    void worksOutEachArgumentOnceAndGivesTheSameValueAgain() {
        List<String> calls = new ArrayList<>();
        Memo<String, String> memo = new Memo<>(10, argument -> {
            calls.add(argument);
            return argument.toUpperCase();
        });
        String first = memo.get("a");
        assertThat(memo.get("a")).isEqualTo("A").isSameAs(first);
        assertThat(memo.get("b")).isEqualTo("B");
        assertThat(calls).containsExactly("a", "b");
    }

    @Test
    void forgetsEverythingOnceFullAndStaysBounded() {
        List<Integer> calls = new ArrayList<>();
        Memo<Integer, Integer> memo = new Memo<>(3, argument -> {
            calls.add(argument);
            return argument * 2;
        });
        for (int i = 0; i < 10; i++) {
            assertThat(memo.get(i)).isEqualTo(i * 2);
            assertThat(memo.size()).isLessThanOrEqualTo(3);
        }
        assertThat(memo.get(9)).isEqualTo(18);
        assertThat(calls).as("the last one is still remembered").hasSize(10);
        memo.get(0);
        assertThat(calls).as("the first was forgotten").hasSize(11);
    }

    @Test
    void neitherNullResultsNorWhatThrowsAreRemembered() {
        List<String> calls = new ArrayList<>();
        Memo<String, URI> memo = new Memo<>(10, argument -> {
            calls.add(argument);
            return argument.isEmpty() ? null : URI.create(argument);
        });
        assertThat(memo.get("")).isNull();
        assertThat(memo.get("")).isNull();
        assertThatThrownBy(() -> memo.get("not a uri")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memo.get("not a uri")).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).containsExactly("", "", "not a uri", "not a uri");
        assertThat(memo.size()).isZero();
    }

    @Test
    void aNullArgumentGoesToTheFunctionEachTime() {
        Memo<String, String> memo = new Memo<>(10, argument -> argument == null ? "none" : argument);
        assertThat(memo.get(null)).isEqualTo("none");
        assertThat(memo.size()).isZero();
    }

    @Test
    void refusesANonPositiveBound() {
        assertThatThrownBy(() -> new Memo<String, String>(0, argument -> argument))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
