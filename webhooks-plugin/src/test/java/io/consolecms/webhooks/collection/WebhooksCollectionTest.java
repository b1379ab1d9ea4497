package io.consolecms.webhooks.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.FieldDefinition;
import io.consolecms.plugin.FieldType;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WebhooksCollectionTest {

    private final CollectionDefinition collection = WebhooksCollection.definition();
    private final Map<String, FieldDefinition> fields = collection.fields().stream()
            .collect(Collectors.toMap(FieldDefinition::name, Function.identity()));

    @Test
    void isTheWebhooksEntryOfTheEventsCategory() {
        assertThat(collection.name()).isEqualTo("webhooks");
        assertThat(collection.category()).isEqualTo("Events");
        assertThat(collection.label()).isEqualTo("Webhooks");
        assertThat(collection.path()).isEqualTo("/api/webhooks");
        assertThat(collection.uiModule()).isEqualTo("/plugins/webhooks/webhooks-ui.js");
    }

    @Test
    void declaresTheFormFieldsInOrderWithTheirTypes() {
        assertThat(collection.fields()).extracting(FieldDefinition::name)
                .containsExactly("tenantId", "projectId", "eventName", "target", "base64CA", "secret", "proxy.url",
                        "rateLimit");
        assertThat(fields.get("tenantId").label()).isEqualTo("Company (tenantId)");
        assertThat(fields.get("eventName").type()).isEqualTo(FieldType.ENUM);
        assertThat(fields.get("target").type()).isEqualTo(FieldType.URL);
        assertThat(fields.get("base64CA").type()).isEqualTo(FieldType.CERTIFICATE);
        assertThat(fields.get("secret").type()).isEqualTo(FieldType.STRING);
        assertThat(fields.get("proxy.url").type()).isEqualTo(FieldType.URL);
        assertThat(fields.get("rateLimit").type()).isEqualTo(FieldType.INTEGER);
        assertThat(fields.get("rateLimit").minimum()).isEqualTo(1L);
        assertThat(fields.get("rateLimit").maximum()).isEqualTo(10_000L);
    }

    @Test
    void marksRequiredListedAndSecretFields() {
        assertThat(collection.fields()).filteredOn(FieldDefinition::required).extracting(FieldDefinition::name)
                .containsExactly("eventName", "target");
        assertThat(collection.fields()).filteredOn(FieldDefinition::secret).extracting(FieldDefinition::name)
                .containsExactly("secret");
        assertThat(fields.get("eventName").listed()).isTrue();
        assertThat(fields.get("target").listed()).isTrue();
        assertThat(collection.fields()).allSatisfy(field -> assertThat(field.help()).as(field.name()).endsWith("."));
    }

    @Test
    void givesTheUiTheRulesItCanCheckConsistentWithTheServer() {
        assertThat(fields.get("tenantId").pattern()).isEqualTo(WebhookInput.IDENTIFIER);
        assertThat(fields.get("tenantId").maxLength()).isEqualTo(64);
        assertThat(fields.get("target").maxLength()).isEqualTo(2048);
        assertThat(fields.get("secret").maxLength()).isEqualTo(256);
        Pattern target = Pattern.compile(fields.get("target").pattern());
        assertThat(target.matcher("https://example.com/hook").matches()).isTrue();
        assertThat(target.matcher("ftp://example.com/").matches()).isFalse();
        Pattern proxy = Pattern.compile(fields.get("proxy.url").pattern());
        assertThat(proxy.matcher("http://u:p@proxy.example.com:3128").matches()).isTrue();
        assertThat(proxy.matcher("http://proxy.example.com/path").matches()).isFalse();
    }
}
