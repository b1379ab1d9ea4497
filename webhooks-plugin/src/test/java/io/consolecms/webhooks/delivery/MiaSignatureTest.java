package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class MiaSignatureTest {

    private static final byte[] BODY = "Hello World!".getBytes(StandardCharsets.UTF_8);
    private static final String SECRET = "It's a Secret to Everybody";

    @Test
    void matchesMiaPlatformsOwnReceiverTestVector() {
        assertThat(MiaSignature.sign(BODY, SECRET))
                .isEqualTo("b738052486cd876b13b5404a45479bd8caca05e5267c10d8436f1570547e3056");
    }

    @Test
    void isAPlainHashNotAnHmac() throws Exception {
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hmacHex = HexFormat.of().formatHex(hmac.doFinal(BODY));
        assertThat(hmacHex).startsWith("a4771c39");
        assertThat(MiaSignature.sign(BODY, SECRET)).isNotEqualTo(hmacHex);
    }

    @Test
    void signsTheSecretAsUtf8() {
        assertThat(MiaSignature.sign(BODY, "clé")).isNotEqualTo(MiaSignature.sign(BODY, "cle"));
        assertThat(MiaSignature.sign(BODY, "s")).hasSize(64).matches("[0-9a-f]{64}");
    }
}
