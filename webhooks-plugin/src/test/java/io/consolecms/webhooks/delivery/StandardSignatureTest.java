package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code webhook-signature} against vectors computed outside this code: the Standard Webhooks reference example, and
 * HMACs made with {@code openssl dgst -sha256 -hmac <key> -binary | base64} over {@code "{id}.{timestamp}.{body}"}.
 */
class StandardSignatureTest {

    private static final byte[] EVENT = """
            {"eventName":"project_created","eventTimestamp":1732780800000,"payload":{"tenantId":"acme","projectId":"p1"}}\
            """.getBytes(StandardCharsets.UTF_8);

    @Test
    void signsWithTheBase64KeyAfterWhsecAsTheStandardWebhooksExampleDoes() {
        String signature = StandardSignature.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsWithTheUtf8BytesOfASecretWithoutThePrefix() {
        assertThat(StandardSignature.sign("6748a1b2c3d4e5f601234567", 1732780800L, EVENT, "s3cr3t"))
                .isEqualTo("v1,Hk4Jt2td31fMCvLXSXllfHtYkWWTTRTtG44j/6vlpGs=");
    }

    @Test
    void signsAWhsecSecretThatIsNotBase64WithItsOwnBytesRatherThanNotAtAll() {
        // the collection refuses such a secret now; one stored before the rule still signs
        assertThat(StandardSignature.sign("6748a1b2c3d4e5f601234567", 1732780800L, EVENT, "whsec_not base64!"))
                .isEqualTo("v1,2nxMU/KdZ9ZzLWFCu5L7sRnS8zy9z6SFfoFXZN7KQUA=");
    }

    @Test
    void carriesEverySecretsSignatureSpaceSeparatedTheFirstSecretFirst() {
        String header = StandardSignature.header("6748a1b2c3d4e5f601234567", 1732780800L, EVENT,
                List.of("s3cr3t", "whsec_not base64!"));

        assertThat(header).isEqualTo("v1,Hk4Jt2td31fMCvLXSXllfHtYkWWTTRTtG44j/6vlpGs="
                + " v1,2nxMU/KdZ9ZzLWFCu5L7sRnS8zy9z6SFfoFXZN7KQUA=");
    }

    @Test
    void signsTheReplacedSecretOnlyUntilItsOverlapEnds() {
        SigningSecrets rotated = new SigningSecrets("new", "old", 1_000L);

        assertThat(rotated.previousAt(999L)).isEqualTo("old");
        assertThat(rotated.previousAt(1_000L)).isNull();
        assertThat(new SigningSecrets(null, "old", 1_000L).previousAt(0L)).isNull();
        assertThat(rotated.toString()).doesNotContain("new", "old");
    }
}
