package io.consolecms.webhooks.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.webhooks.delivery.AttemptResult;
import io.consolecms.webhooks.delivery.DeliveryRequest;
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

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "169.254.169.254", "0.0.0.0", "::", "224.0.0.1", "fe80::1",
            "255.255.255.255", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "fd00:ec2::254"})
    void addsTheDenyListToTheBuiltInDenials(String builtIn) throws Exception {
        TargetPolicy policy = TargetPolicy.parse(null, List.of("10.0.0.0/8", " ", "2001:db8::/32"));

        assertThat(policy.allows(ip("10.1.2.3"))).isFalse();
        assertThat(policy.allows(ip("2001:db8:1::1"))).isFalse();
        assertThat(policy.allows(ip("64:ff9b::a01:203"))).as("NAT64 of 10.1.2.3").isFalse();
        assertThat(policy.allows(ip(builtIn))).isFalse();
        assertThat(policy.allows(ip("93.184.216.34"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"255.255.255.255", "169.254.169.254", "fd00:ec2::254", "100.100.100.200",
            "168.63.129.16"})
    void deniesBroadcastAndCloudMetadataAddresses(String address) throws Exception {
        assertThat(TargetPolicy.DEFAULT.allows(ip(address))).isFalse();
        assertThat(TargetPolicy.parse(List.of("10.0.0.0/8"), List.of("192.168.0.0/16")).allows(ip(address)))
                .isFalse();
    }

    @Test
    void namesCloudMetadataRatherThanLinkLocal() throws Exception {
        assertThat(TargetPolicy.DEFAULT.denial(ip("169.254.169.254"))).contains("cloud metadata");
        assertThat(TargetPolicy.DEFAULT.denial(ip("169.254.1.1"))).contains("link-local");
        assertThat(TargetPolicy.DEFAULT.denial(ip("fd00:ec2::254"))).contains("cloud metadata");
        assertThat(TargetPolicy.DEFAULT.denial(ip("fd00:ec2::253"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"::127.0.0.1", "::169.254.169.254", "::8.8.8.8", "::10.0.0.1"})
    void deniesIpv4CompatibleIpv6Addresses(String address) throws Exception {
        InetAddress compatible = ip(address);

        assertThat(compatible).isInstanceOf(Inet6Address.class);
        assertThat(TargetPolicy.DEFAULT.allows(compatible)).isFalse();
        assertThat(TargetPolicy.DEFAULT.denial(compatible)).contains("IPv4-compatible IPv6");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "0.0.0.0", "8.8.8.8"})
    void deniesIpv4MappedIpv6AddressesUnlessTheirIpv4AddressIsAllowed(String ipv4) throws Exception {
        InetAddress mapped = mapped(ip(ipv4));

        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(TargetPolicy.DEFAULT.allows(mapped)).isFalse();
        assertThat(TargetPolicy.parse(List.of(ipv4 + "/32"), null).allows(mapped)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::7f00:1", "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::",
            "2002:7f00:1::", "2002:7f00:1:1::1", "2002:a9fe:a9fe::", "2002:6464:64c8::1", "2002:a83f:8110::"})
    void deniesNat64And6to4AddressesThatEmbedADeniedIpv4Address(String address) throws Exception {
        assertThat(TargetPolicy.DEFAULT.allows(ip(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::5db8:d822", "2002:5db8:d822::1"})
    void allowsNat64And6to4AddressesThatEmbedAnAllowedIpv4Address(String address) throws Exception {
        assertThat(TargetPolicy.DEFAULT.allows(ip(address))).isTrue();
        assertThat(TargetPolicy.parse(null, List.of("93.184.0.0/16")).allows(ip(address))).isFalse();
    }

    @Test
    void judgesTheIpv4AddressEmbeddedInNat64And6to4AgainstTheWholePolicyAllowListIncluded() throws Exception {
        TargetPolicy policy = TargetPolicy.parse(List.of("127.0.0.0/8"), List.of());

        assertThat(policy.allows(ip("64:ff9b::7f00:1"))).isTrue();
        assertThat(policy.allows(ip("2002:7f00:1::"))).isTrue();
        assertThat(policy.allows(ip("64:ff9b::a9fe:a9fe"))).isFalse();
        assertThat(TargetPolicy.DEFAULT.denial(ip("64:ff9b::7f00:1"))).contains("NAT64 of 127.0.0.1, loopback");
        assertThat(TargetPolicy.DEFAULT.denial(ip("2002:a9fe:a9fe::"))).contains("6to4 of 169.254.169.254, cloud metadata");
    }

    @Test
    void allowingLoopbackAllowsItsIpv4MappedFormAndLocalhost() throws Exception {
        TargetPolicy policy = TargetPolicy.parse(List.of("127.0.0.0/8"), List.of("10.0.0.0/8"));

        assertThat(policy.allows(mapped(ip("127.0.0.1")))).isTrue();
        assertThat(policy.allows(ip("::ffff:127.0.0.1"))).isTrue();
        assertThat(policy.resolveAllowed("localhost")).isNotEmpty()
                .allSatisfy(address -> assertThat(address.isLoopbackAddress()).isTrue());
        assertThat(policy.resolveAllowed("2130706433")).containsExactly(ip("127.0.0.1"));
        assertThat(policy.allows(ip("::1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2130706433", "0.0.0.0", "[::]", "::", "[::ffff:7f00:1]", "[::127.0.0.1]", "localhost",
            "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "169.254.169.254", "[fd00:ec2::254]", "100.100.100.200",
            "168.63.129.16"})
    void resolvesNoHostFormOfALocalOrMetadataAddressWhenOnlyOtherNetworksAreDenied(String host) {
        TargetPolicy policy = TargetPolicy.parse(null, List.of("10.0.0.0/8"));

        assertThatThrownBy(() -> policy.resolveAllowed(host)).isInstanceOf(TargetPolicy.Denied.class)
                .hasMessageContaining(" is not allowed (");
    }

    @Test
    void statesTheEffectivePolicyInOneLine() {
        String line = TargetPolicy.parse(List.of("127.0.0.0/8"), List.of("10.0.0.0/8", "2001:db8::/32")).describe();

        assertThat(line).doesNotContain("\n")
                .contains("denied built-in: cloud metadata 169.254.169.254/32 fd00:ec2::254/128 100.100.100.200/32"
                        + " 168.63.129.16/32, loopback 127.0.0.0/8 ::1/128")
                .contains("broadcast 255.255.255.255/32", "IPv4-mapped IPv6 ::ffff:0:0/96",
                        "IPv4-compatible IPv6 ::/96", "NAT64 64:ff9b::/96", "6to4 2002::/16")
                .endsWith("; denied by CMS_WEBHOOKS_DENY_NETWORKS: 10.0.0.0/8 2001:db8::/32;"
                        + " allowed by CMS_WEBHOOKS_ALLOW_NETWORKS: 127.0.0.0/8");
        assertThat(TargetPolicy.DEFAULT.describe()).endsWith("; denied by CMS_WEBHOOKS_DENY_NETWORKS: none;"
                + " allowed by CMS_WEBHOOKS_ALLOW_NETWORKS: none");
    }

    private static InetAddress mapped(InetAddress ipv4) throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ipv4.getAddress(), 0, mapped, 12, 4);
        return Inet6Address.getByAddress(null, mapped, -1);
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
        assertThat(result.error()).isEqualTo("target address 127.0.0.1 is not allowed (loopback);"
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
        assertThat(result.error()).containsPattern(" is not allowed \\([^)]+\\); allow ")
                .contains(" with CMS_WEBHOOKS_ALLOW_NETWORKS");
        assertThat(receiver.pending()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:%d/", "http://localhost:%d/", "http://[::ffff:7f00:1]:%d/",
            "http://2130706433:%d/", "http://0.0.0.0:%d/", "http://[::]:%d/", "http://[::127.0.0.1]:%d/"})
    void aDenyListOfOtherNetworksStillKeepsDeliveriesOffLoopback(String target) {
        try (HttpDeliverySender denyingOthers = new HttpDeliverySender(Duration.ofSeconds(5),
                TargetPolicy.parse(null, List.of("10.0.0.0/8")))) {

            AttemptResult result = denyingOthers.send(HttpDeliverySenderTest.request(
                    URI.create(target.formatted(receiver.port())), null));

            assertThat(result.succeeded()).isFalse();
            assertThat(result.error()).contains(" is not allowed (");
        }
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void aDenyListOfOtherNetworksStillKeepsDeliveriesOffAProxyOnLoopback() {
        // the receiver stands in for the proxy: a proxied request would reach it
        try (HttpDeliverySender denyingOthers = new HttpDeliverySender(Duration.ofSeconds(5),
                TargetPolicy.parse(null, List.of("10.0.0.0/8")))) {
            for (String proxy : List.of("http://127.0.0.1:%d", "http://localhost:%d", "http://[::ffff:7f00:1]:%d")) {
                AttemptResult result = denyingOthers.send(new DeliveryRequest("6748a1b2c3d4e5f601234567",
                        URI.create("http://93.184.216.34/hook"), HttpDeliverySenderTest.BODY, null, null, null,
                        proxy.formatted(receiver.port())));

                assertThat(result.succeeded()).isFalse();
                assertThat(result.error()).startsWith("proxy address").contains(" is not allowed (loopback)");
            }
        }
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
