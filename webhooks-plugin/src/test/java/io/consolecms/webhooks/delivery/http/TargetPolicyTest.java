package io.consolecms.webhooks.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.webhooks.delivery.AttemptResult;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {

    private final Receiver receiver = Receiver.http();
    private final HttpDeliverySender sender = new HttpDeliverySender(Duration.ofSeconds(5), TargetPolicy.DEFAULT);

    @AfterEach
    void close() {
        sender.close();
        receiver.close();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.255.255.254", "::1", "169.254.169.254", "169.254.0.1", "fe80::1",
            "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "239.255.255.250", "ff02::1"})
    void deniesLoopbackLinkLocalUnspecifiedAndMulticastByDefault(String address) throws Exception {
        assertThat(TargetPolicy.DEFAULT.allows(ip(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "10.0.0.1", "192.168.1.1", "128.0.0.1", "169.255.0.1", "2001:db8::1",
            "fec0::1"})
    void allowsOtherAddressesByDefault(String address) throws Exception {
        assertThat(TargetPolicy.DEFAULT.allows(ip(address))).isTrue();
    }

    @Test
    void judgesAnIpv4MappedIpv6AddressAsItsIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}, 0, mapped, 12, 4);
        InetAddress metadata = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(metadata).isInstanceOf(Inet6Address.class);
        assertThat(TargetPolicy.DEFAULT.allows(metadata)).isFalse();
        assertThat(TargetPolicy.parse(List.of("169.254.169.254/32"), null).allows(metadata)).isTrue();
    }

    @Test
    void letsTheAllowListWinOverTheDenyList() throws Exception {
        TargetPolicy policy = TargetPolicy.parse(List.of("127.0.0.0/8"), null);

        assertThat(policy.allows(ip("127.0.0.1"))).isTrue();
        assertThat(policy.allows(ip("::1"))).isFalse();
        assertThat(policy.allows(ip("169.254.169.254"))).isFalse();
    }

    @Test
    void replacesTheDefaultsWithAGivenDenyList() throws Exception {
        TargetPolicy policy = TargetPolicy.parse(null, List.of("10.0.0.0/8", " ", "2001:db8::/32"));

        assertThat(policy.allows(ip("10.1.2.3"))).isFalse();
        assertThat(policy.allows(ip("2001:db8:1::1"))).isFalse();
        assertThat(policy.allows(ip("127.0.0.1"))).isTrue();
    }

    @Test
    void clearsHostBitsOfANetworkAndReadsABareAddressAsOneHost() throws Exception {
        TargetPolicy policy = TargetPolicy.parse(List.of(), List.of("192.168.1.77/24", "8.8.8.8"));

        assertThat(policy.allows(ip("192.168.1.1"))).isFalse();
        assertThat(policy.allows(ip("192.168.2.1"))).isTrue();
        assertThat(policy.allows(ip("8.8.8.8"))).isFalse();
        assertThat(policy.allows(ip("8.8.4.4"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8", "300.1.1.1/8", "fe80::/129", "example.com", "10.0.0.0/-1",
            "10.0.0.0/", "1.2.3.4/8/9"})
    void namesTheSettingAndTheEntryThatIsNotACidr(String bad) {
        assertThatThrownBy(() -> TargetPolicy.parse(List.of("127.0.0.0/8", bad), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CMS_WEBHOOKS_ALLOW_NETWORKS: \"" + bad + "\" is not a CIDR");
        assertThatThrownBy(() -> TargetPolicy.parse(null, List.of(bad)))
                .hasMessageStartingWith("CMS_WEBHOOKS_DENY_NETWORKS: \"" + bad + "\"");
    }

    @Test
    void doesNotConnectToALoopbackTargetUnlessAllowedAndSaysWhy() {
        AttemptResult result = sender.send(HttpDeliverySenderTest.request(receiver.uri("/hook"), "s"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).isEqualTo("target address 127.0.0.1 is not allowed (CMS_WEBHOOKS_DENY_NETWORKS);"
                + " allow it with CMS_WEBHOOKS_ALLOW_NETWORKS");
        assertThat(receiver.pending()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:%d/", "http://localhost:%d/", "http://[::1]:%d/",
            "http://[::ffff:127.0.0.1]:%d/", "http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/",
            "http://0.0.0.0:%d/", "http://[fe80::1]:%d/"})
    void deniesLiteralAndNamedLocalTargetsByDefault(String target) {
        AttemptResult result = sender.send(HttpDeliverySenderTest.request(
                URI.create(target.formatted(receiver.port())), null));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).contains(" is not allowed (CMS_WEBHOOKS_DENY_NETWORKS); allow ")
                .contains(" with CMS_WEBHOOKS_ALLOW_NETWORKS");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void namesTheHostWhoseAddressesAreDenied() {
        AttemptResult result = sender.send(HttpDeliverySenderTest.request(receiver.uri("localhost", "/"), null));

        assertThat(result.error()).matches("target address(es)? [0-9a-f.:, ]+ of localhost (is|are) not allowed .*");
    }

    @Test
    void reachesATargetItsAllowListCovers() {
        try (HttpDeliverySender allowing = new HttpDeliverySender(Duration.ofSeconds(5),
                TargetPolicy.parse(List.of("127.0.0.0/8"), null))) {

            assertThat(allowing.send(HttpDeliverySenderTest.request(receiver.uri("/hook"), null)).succeeded())
                    .isTrue();
        }
        assertThat(receiver.next().path()).isEqualTo("/hook");
    }

    @Test
    void resolverRefusesDeniedAddressesAndKeepsTheOthers() throws Exception {
        PolicyDnsResolver resolver = new PolicyDnsResolver(TargetPolicy.DEFAULT);

        assertThatThrownBy(() -> resolver.resolve("127.0.0.1")).isInstanceOf(TargetPolicy.Denied.class);
        assertThatThrownBy(() -> resolver.resolve("[::1]")).isInstanceOf(TargetPolicy.Denied.class);
        assertThat(resolver.resolve("93.184.216.34")).containsExactly(ip("93.184.216.34"));
        assertThat(new PolicyDnsResolver(TargetPolicy.parse(List.of("::1/128"), null)).resolve("[::1]"))
                .containsExactly(ip("::1"));
    }
}
