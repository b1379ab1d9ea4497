package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.catalog.EventCatalog;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.MessageInterpolator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.spi.ValidationProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Validates a whole {@link WebhookInput} with Bean Validation and answers every problem at once, in form order.
 * Thread-safe; built once per plugin start and closed with it.
 */
public final class WebhookValidator implements AutoCloseable {

    /** The order in which problems are listed: the form's. */
    static final List<String> FIELD_ORDER = List.of("tenantId", "projectId", "eventName", "target", "base64CA",
            "secret", "proxy", "proxy.url", "rateLimit");

    private final ValidatorFactory factory;
    private final Validator validator;

    /** A validator whose {@code eventName} rule is {@code catalog}. */
    public WebhookValidator(EventCatalog catalog) {
        var configuration = Validation.byDefaultProvider()
                .providerResolver(WebhookValidator::providers)
                .configure()
                .ignoreXmlConfiguration();
        ConstraintValidatorFactory defaults = configuration.getDefaultConstraintValidatorFactory();
        this.factory = configuration
                .messageInterpolator(new PlainMessages())
                .constraintValidatorFactory(new ConstraintValidatorFactory() {
                    @Override
                    public <T extends ConstraintValidator<?, ?>> T getInstance(Class<T> key) {
                        if (key == WebhookConstraints.KnownEventValidator.class) {
                            return key.cast(new WebhookConstraints.KnownEventValidator(catalog));
                        }
                        return defaults.getInstance(key);
                    }

                    @Override
                    public void releaseInstance(ConstraintValidator<?, ?> instance) {
                        defaults.releaseInstance(instance);
                    }
                })
                .buildValidatorFactory();
        this.validator = factory.getValidator();
    }

    /** Every problem of {@code input}, one per field, in form order; empty when it is valid. */
    public List<FieldError> validate(WebhookInput input) {
        Set<ConstraintViolation<WebhookInput>> violations = validator.validate(input);
        Set<String> seen = new LinkedHashSet<>();
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<WebhookInput> violation : violations) {
            String field = violation.getPropertyPath().toString();
            if (seen.add(field)) {
                errors.add(new FieldError(field, violation.getMessage()));
            }
        }
        errors.sort(Comparator.comparingInt(error -> position(error.field())));
        return errors;
    }

    /** The problem of {@code secret} under the collection's rules for {@code secret}, or {@code null} when valid. */
    public String secretProblem(String secret) {
        return validator.validateValue(WebhookInput.class, "secret", secret).stream()
                .map(ConstraintViolation::getMessage).sorted().findFirst().orElse(null);
    }

    static int position(String field) {
        if (field == null) {
            return -1;
        }
        int index = FIELD_ORDER.indexOf(field);
        return index < 0 ? FIELD_ORDER.size() : index;
    }

    @Override
    public void close() {
        factory.close();
    }

    /**
     * The Bean Validation providers the host offers: looked up from the class loader of the API itself (the host's),
     * whatever the calling thread's context class loader is.
     */
    private static List<ValidationProvider<?>> providers() {
        List<ValidationProvider<?>> found = new ArrayList<>();
        ServiceLoader.load(ValidationProvider.class, Validation.class.getClassLoader()).forEach(found::add);
        if (found.isEmpty()) {
            ServiceLoader.load(ValidationProvider.class, WebhookValidator.class.getClassLoader()).forEach(found::add);
        }
        return found;
    }

    /** Constraint messages here are plain sentences: no expression language, no resource bundles. */
    private static final class PlainMessages implements MessageInterpolator {
        @Override
        public String interpolate(String template, Context context) {
            return template;
        }

        @Override
        public String interpolate(String template, Context context, Locale locale) {
            return template;
        }
    }
}
