package io.consolecms.webhooks.delivery;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A real database's {@link DataSource} that, once {@link #arm armed}, holds the next query whose SQL a predicate picks
 * right after it has read its first row, before the caller looks at that row, until the test lets it go: a way to make
 * something happen in the database between a query's read of a row and what the caller does with it.
 */
final class PausingDataSource {

    private final DataSource real;
    private final Predicate<String> picks;
    private volatile CountDownLatch started;
    private volatile CountDownLatch go;

    private PausingDataSource(DataSource real, Predicate<String> picks) {
        this.real = real;
        this.picks = picks;
    }

    static PausingDataSource around(DataSource real, Predicate<String> picks) {
        return new PausingDataSource(real, picks);
    }

    /** Holds the next picked query once it has read a row. */
    void arm() {
        go = new CountDownLatch(1);
        started = new CountDownLatch(1);
    }

    /** Waits until the armed query has started and is held. */
    boolean awaitHeld(long seconds) throws InterruptedException {
        return started.await(seconds, TimeUnit.SECONDS);
    }

    /** Lets the held query go on. */
    void release() {
        go.countDown();
    }

    DataSource dataSource() {
        return proxy(DataSource.class, real, (method, args, result) -> method.getName().equals("getConnection")
                ? proxy(Connection.class, result, this::statements) : result);
    }

    private Object statements(Method method, Object[] args, Object result) {
        if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                && picks.test(sql)) {
            return proxy(PreparedStatement.class, result, (call, callArgs, answer) -> call.getName()
                    .equals("executeQuery") ? proxy(ResultSet.class, answer, this::rows) : answer);
        }
        return result;
    }

    private Object rows(Method method, Object[] args, Object result) {
        if (method.getName().equals("next") && Boolean.TRUE.equals(result)) {
            holdIfArmed();
        }
        return result;
    }

    private void holdIfArmed() {
        CountDownLatch startedNow = started;
        CountDownLatch goNow = go;
        if (startedNow == null || startedNow.getCount() == 0) {
            return;
        }
        startedNow.countDown();
        try {
            goNow.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What happens to a call's result on its way back. */
    private interface After {
        Object apply(Method method, Object[] args, Object result) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Object target, After after) {
        InvocationHandler handler = (self, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException thrown) {
                throw thrown.getCause();
            }
            return after.apply(method, args, result);
        };
        return type.cast(Proxy.newProxyInstance(PausingDataSource.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }
}
