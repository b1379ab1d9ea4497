package io.consolecms.webhooks.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.webhooks.ObjectId;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Console events for tests, parsed from JSON the way the host does. */
final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    static ConsoleEvent event(String json) {
        try {
            Map<String, Object> envelope = JSON.readValue(json, new TypeReference<>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = (Map<String, Object>) envelope.get("payload");
            return new ConsoleEvent(ObjectId.next(), (String) envelope.get("eventName"),
                    ((Number) envelope.get("eventTimestamp")).longValue(), payload,
                    json.getBytes(StandardCharsets.UTF_8));
        } catch (Exception invalid) {
            throw new IllegalArgumentException(invalid);
        }
    }

    static ConsoleEvent projectCreated(String tenantId, String projectId) {
        return event("{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
                + "\"payload\":{\"tenantId\":\"" + tenantId + "\",\"projectId\":\"" + projectId + "\"}}");
    }
}
