package io.consolecms.webhooks.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TrustMaterialTest {

    private static final TestCa CA = TestCa.create("First CA");
    private static final TestCa OTHER = TestCa.create("Second CA");

    @Test
    void readsOnePemCertificate() {
        assertThat(TrustMaterial.parse(CA.base64Pem())).containsExactly(CA.certificate());
    }

    @Test
    void readsOneDerCertificate() {
        assertThat(TrustMaterial.parse(CA.base64Der())).containsExactly(CA.certificate());
    }

    @Test
    void readsSeveralPemCertificatesAndIgnoresLineBreaksInTheBase64() {
        String both = Base64.getMimeEncoder()
                .encodeToString((CA.pem() + OTHER.pem()).getBytes(StandardCharsets.US_ASCII));

        assertThat(both).contains("\r\n");
        assertThat(TrustMaterial.parse(both)).containsExactly(CA.certificate(), OTHER.certificate());
    }

    @Test
    void saysWhatIsWrongWithSomethingElse() {
        assertThatThrownBy(() -> TrustMaterial.parse("not base64!")).hasMessageStartingWith("base64CA is not base64");
        assertThatThrownBy(() -> TrustMaterial.parse(Base64.getEncoder().encodeToString("hello".getBytes())))
                .hasMessageStartingWith("base64CA holds no readable PEM or DER X.509 certificate");
        assertThatThrownBy(() -> TrustMaterial.parse(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysTheSameCaTheSameWayWhateverItsLineBreaks() {
        String wrapped = Base64.getMimeEncoder().encodeToString(CA.pem().getBytes(StandardCharsets.US_ASCII));

        assertThat(TrustMaterial.key(wrapped)).isEqualTo(TrustMaterial.key(CA.base64Pem())).hasSize(64);
        assertThat(TrustMaterial.key(OTHER.base64Pem())).isNotEqualTo(TrustMaterial.key(CA.base64Pem()));
    }
}
