/**
 * The HTTP side of delivery: {@link io.consolecms.webhooks.delivery.http.HttpDeliverySender} makes one attempt with a
 * pooled Apache HttpClient 5 (whole-request timeout, no redirects, no automatic retries), trusting the JVM's
 * authorities plus the webhook's own CA with hostname verification always on, through the webhook's proxy when it
 * has one (CONNECT for https, Basic authentication from the URL's user-info), and only to addresses that
 * {@link io.consolecms.webhooks.delivery.http.TargetPolicy} allows, checked on the address actually connected to.
 * Every outcome is an {@link io.consolecms.webhooks.delivery.AttemptResult}, never an exception.
 */
package io.consolecms.webhooks.delivery.http;
