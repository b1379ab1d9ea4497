package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.catalog.EventCatalog;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;

/**
 * The custom Bean Validation constraints of a webhook; each delegates to a rule class that answers a sentence, so
 * that the client reads exactly what is wrong (messages are plain text: {@link WebhookValidator} does not
 * interpolate them). A {@code null} value is valid for every one of them (absent field).
 */
public final class WebhookConstraints {

    private WebhookConstraints() {
    }

    /** An {@code eventName} of the {@link EventCatalog}. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = KnownEventValidator.class)
    public @interface KnownEvent {
        String message() default "must be an event of the catalog (GET /api/webhooks/events)";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A {@code target} URL: see {@link UrlRules#targetProblem}. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = TargetUrlValidator.class)
    public @interface TargetUrl {
        String message() default "must be an absolute http or https URL";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A {@code proxy.url}: see {@link UrlRules#proxyProblem}. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = ProxyUrlValidator.class)
    public @interface ProxyUrl {
        String message() default "must be an absolute http or https URL of a proxy";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A {@code base64CA}: see {@link CertificateRules#problem}. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = CertificatesValidator.class)
    public @interface Certificates {
        String message() default "must be the base64 encoding of one or more PEM or DER X.509 certificates";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** On a {@link WebhookInput}: {@code base64CA} only with an https {@code target}; reported on base64CA. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = CertificatesNeedHttpsValidator.class)
    public @interface CertificatesNeedHttps {
        String message() default "may only be set with an https target: an http target is never verified";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** Checks {@link KnownEvent} against the catalog it is built with. */
    public static final class KnownEventValidator implements ConstraintValidator<KnownEvent, String> {
        private final EventCatalog catalog;

        /** Needs the catalog: created by {@link WebhookValidator}'s constraint validator factory. */
        public KnownEventValidator(EventCatalog catalog) {
            this.catalog = catalog;
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || catalog.contains(value);
        }
    }

    /** Checks {@link TargetUrl}. */
    public static final class TargetUrlValidator implements ConstraintValidator<TargetUrl, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || report(UrlRules.targetProblem(value), context);
        }
    }

    /** Checks {@link ProxyUrl}. */
    public static final class ProxyUrlValidator implements ConstraintValidator<ProxyUrl, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || report(UrlRules.proxyProblem(value), context);
        }
    }

    /** Checks {@link Certificates}. */
    public static final class CertificatesValidator implements ConstraintValidator<Certificates, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || report(CertificateRules.problem(value), context);
        }
    }

    /** Checks {@link CertificatesNeedHttps}. */
    public static final class CertificatesNeedHttpsValidator
            implements ConstraintValidator<CertificatesNeedHttps, WebhookInput> {
        @Override
        public boolean isValid(WebhookInput input, ConstraintValidatorContext context) {
            // only a target that is plainly http is contradicted; an invalid target is reported on its own
            if (input == null || input.base64CA() == null || !UrlRules.isPlainHttp(input.target())) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("base64CA")
                    .addConstraintViolation();
            return false;
        }
    }

    private static boolean report(Optional<String> problem, ConstraintValidatorContext context) {
        if (problem.isEmpty()) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(problem.get()).addConstraintViolation();
        return false;
    }
}
