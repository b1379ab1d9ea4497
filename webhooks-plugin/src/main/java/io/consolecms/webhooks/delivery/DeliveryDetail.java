package io.consolecms.webhooks.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One delivery with its attempts, oldest first. Unlike {@link DeliveryView}, {@code attempts} is the list of attempts;
 * {@code attemptCount} is how many were made.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryDetail(@JsonProperty("_id") String id, String webhookId, String eventId, String eventName,
                             String status, int attemptCount, String nextAttemptAt, Integer lastStatusCode,
                             String lastError, String createdAt, String updatedAt, List<AttemptView> attempts) {

    /**
     * One attempt of a delivery.
     *
     * @param at when it started, ISO-8601
     * @param responseBody the start of the receiver's answer, at most 4 KiB
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(String at, long durationMs, Integer statusCode, String error, String responseBody) {
    }
}
