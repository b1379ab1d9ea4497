package io.consolecms.webhooks.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One delivery as the delivery log lists it. Times are ISO-8601.
 *
 * @param id the delivery's id, also its {@code webhook-id}
 * @param attempts how many attempts were made
 * @param nextAttemptAt when the next attempt is due, while pending
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryView(@JsonProperty("_id") String id, String eventId, String eventName, String status,
                           int attempts, String nextAttemptAt, Integer lastStatusCode, String lastError,
                           String createdAt, String updatedAt) {
}
