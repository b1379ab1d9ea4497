package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request to replace a webhook's secret, {@code {"secret":"…","keepPreviousFor":"24h"}}: the new secret, and how
 * long the replaced one keeps signing deliveries next to it, so that receivers can switch without rejecting any.
 *
 * @param secret the new secret, valid under the collection's rules for {@code secret}
 * @param keepPreviousFor the overlap; {@link Duration#ZERO} for none
 */
record SecretRotation(String secret, Duration keepPreviousFor) {

    /** Longer than any receiver needs to deploy a new secret; a forgotten overlap should not last for ever. */
    static final Duration MAX_OVERLAP = Duration.ofDays(30);
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");
    private static final String DURATION_MESSAGE = "must be a duration such as \"30m\", \"24h\" or \"7d\" (units s, m,"
            + " h, d), or \"0\" for no overlap";

    /** Reads a rotation request; every problem is named. */
    static Checked<SecretRotation> read(JsonNode body, WebhookValidator validator) {
        if (!body.isObject()) {
            return Checked.failed(List.of(FieldError.ofRequest("the body must be a JSON object such as "
                    + "{\"secret\":\"…\",\"keepPreviousFor\":\"24h\"}")));
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode secret = body.path("secret");
        if (secret.isMissingNode() || secret.isNull()) {
            errors.add(new FieldError("secret", "is required"));
        } else if (!secret.isTextual()) {
            errors.add(new FieldError("secret", "must be a string"));
        } else {
            String problem = validator.secretProblem(secret.textValue());
            if (problem != null) {
                errors.add(new FieldError("secret", problem));
            }
        }
        Duration overlap = Duration.ZERO;
        JsonNode keep = body.path("keepPreviousFor");
        if (!keep.isMissingNode() && !keep.isNull()) {
            Checked<Duration> parsed = overlap(keep);
            if (parsed.ok()) {
                overlap = parsed.value();
            } else {
                errors.addAll(parsed.errors());
            }
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("secret") && !name.equals("keepPreviousFor")) {
                WebhookFieldsReader.add(errors, name,
                        "is not a member of a secret rotation: send {\"secret\":…,\"keepPreviousFor\":…}");
            }
        });
        return errors.isEmpty() ? Checked.of(new SecretRotation(secret.textValue(), overlap)) : Checked.failed(errors);
    }

    private static Checked<Duration> overlap(JsonNode keep) {
        String text = keep.isTextual() ? keep.textValue().trim() : keep.isIntegralNumber() ? keep.asText() : null;
        if ("0".equals(text)) {
            return Checked.of(Duration.ZERO);
        }
        Matcher matcher = text == null ? null : DURATION.matcher(text);
        if (matcher == null || !matcher.matches()) {
            return Checked.failed(List.of(new FieldError("keepPreviousFor", DURATION_MESSAGE)));
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.compareTo(MAX_OVERLAP) > 0) {
            return Checked.failed(List.of(new FieldError("keepPreviousFor", "must be at most 30d")));
        }
        return Checked.of(duration);
    }

    @Override
    public String toString() {
        return "SecretRotation[keepPreviousFor=" + keepPreviousFor + "]"; // never the secret
    }
}
