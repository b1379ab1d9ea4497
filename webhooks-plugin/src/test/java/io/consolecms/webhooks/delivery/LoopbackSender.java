package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.delivery.http.HttpDeliverySender;
import io.consolecms.webhooks.delivery.http.TargetPolicy;
import java.time.Duration;
import java.util.List;

/** The real HTTP sender, allowed to reach receivers on this machine's loopback (denied by default). */
final class LoopbackSender {

    private LoopbackSender() {
    }

    static HttpDeliverySender create(Duration timeout) {
        return new HttpDeliverySender(timeout, TargetPolicy.parse(List.of("127.0.0.0/8"), null));
    }
}
