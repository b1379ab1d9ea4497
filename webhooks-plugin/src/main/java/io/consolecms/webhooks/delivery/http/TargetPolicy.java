package io.consolecms.webhooks.delivery.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which addresses deliveries may connect to. Built in, and always: loopback, link-local, unspecified, multicast and
 * broadcast addresses, IPv4-mapped and IPv4-compatible IPv6 addresses, and the cloud metadata addresses, so that a
 * webhook cannot make the host call itself, its neighbours' link or its cloud's metadata service; NAT64
 * ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}) addresses are judged by the IPv4 address they embed.
 * {@code CMS_WEBHOOKS_DENY_NETWORKS} adds networks to those; {@code CMS_WEBHOOKS_ALLOW_NETWORKS} is the only way to
 * carve an exception (an address in an allowed network is allowed whatever denies it).
 *
 * <p>It judges addresses, not names: {@link PolicyDnsResolver} applies it to the address a connection is actually
 * made to, so a name that resolves to a denied address (or is re-bound to one later) cannot pass.
 */
public final class TargetPolicy {

    public static final String ALLOW_SETTING = "CMS_WEBHOOKS_ALLOW_NETWORKS";
    public static final String DENY_SETTING = "CMS_WEBHOOKS_DENY_NETWORKS";

    /**
     * The networks always denied, each with the reason a denial gives. The first that contains an address names the
     * reason, so the narrow ones (metadata) come before the wide ones that hold them (link-local).
     */
    static final List<Network> BUILT_IN_DENY = List.of(
            network("169.254.169.254/32", "cloud metadata"),
            network("fd00:ec2::254/128", "cloud metadata"),
            network("100.100.100.200/32", "cloud metadata"),
            network("168.63.129.16/32", "cloud metadata"),
            network("127.0.0.0/8", "loopback"),
            network("::1/128", "loopback"),
            network("169.254.0.0/16", "link-local"),
            network("fe80::/10", "link-local"),
            network("0.0.0.0/8", "unspecified"),
            network("::/128", "unspecified"),
            network("224.0.0.0/4", "multicast"),
            network("ff00::/8", "multicast"),
            network("255.255.255.255/32", "broadcast"),
            new Network(Cidr.ipv4Mapped(), "IPv4-mapped IPv6"),
            network("::/96", "IPv4-compatible IPv6"));

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    /** The built-in denials only, nothing added, nothing allowed. */
    public static final TargetPolicy DEFAULT = parse(List.of(), List.of());

    private final List<Cidr> allow;
    private final List<Cidr> added;
    private final List<Network> deny;

    private TargetPolicy(List<Cidr> allow, List<Cidr> added) {
        this.allow = List.copyOf(allow);
        this.added = List.copyOf(added);
        List<Network> deny = new ArrayList<>(BUILT_IN_DENY);
        added.forEach(cidr -> deny.add(new Network(cidr, DENY_SETTING)));
        this.deny = List.copyOf(deny);
    }

    /**
     * Builds a policy from the two settings' CIDR lists (blank entries are skipped).
     *
     * @param allow networks allowed although denied, e.g. {@code 127.0.0.0/8} to test locally; {@code null} = none
     * @param deny networks denied besides the {@link #BUILT_IN_DENY built-in ones}; {@code null} = none
     * @throws IllegalArgumentException naming the setting and the entry that is not a CIDR
     */
    public static TargetPolicy parse(List<String> allow, List<String> deny) {
        return new TargetPolicy(cidrs(ALLOW_SETTING, allow == null ? List.of() : allow),
                cidrs(DENY_SETTING, deny == null ? List.of() : deny));
    }

    /** Whether a delivery may connect to {@code address}. */
    public boolean allows(InetAddress address) {
        return denial(address).isEmpty();
    }

    /** Why a delivery may not connect to {@code address} ({@code loopback}, …), or empty when it may. */
    Optional<String> denial(InetAddress address) {
        if (allow.stream().anyMatch(cidr -> cidr.contains(address))) {
            return Optional.empty();
        }
        for (Network network : deny) {
            if (network.cidr().contains(address)) {
                return Optional.of(network.reason());
            }
        }
        // a NAT64 or 6to4 gateway forwards to the IPv4 address inside: that is where the delivery would land
        return embeddedIpv4(address).flatMap(ipv4 -> denial(ipv4).map(reason ->
                (NAT64.contains(address) ? "NAT64" : "6to4") + " of " + ipv4.getHostAddress() + ", " + reason));
    }

    /**
     * The policy in one line, for the start-up log: the built-in denials, the added ones, the allowed ones.
     */
    public String describe() {
        Map<String, List<String>> builtIn = new LinkedHashMap<>();
        BUILT_IN_DENY.forEach(network -> builtIn.computeIfAbsent(network.reason(), reason -> new ArrayList<>())
                .add(network.cidr().toString()));
        String denied = builtIn.entrySet().stream()
                .map(entry -> entry.getKey() + " " + String.join(" ", entry.getValue()))
                .collect(Collectors.joining(", "));
        return "webhook target policy: denied built-in: " + denied + ", NAT64 " + NAT64 + " and 6to4 " + SIX_TO_FOUR
                + " embedding a denied IPv4; denied by " + DENY_SETTING + ": " + listed(added) + "; allowed by "
                + ALLOW_SETTING + ": " + listed(allow);
    }

    /**
     * Resolves {@code host} (a name or an IP literal, IPv6 with or without brackets) and keeps the allowed addresses.
     *
     * @throws Denied when it resolves only to denied addresses
     * @throws UnknownHostException when it does not resolve
     */
    InetAddress[] resolveAllowed(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] resolved = InetAddress.getAllByName(bare);
        InetAddress[] allowed = Arrays.stream(resolved).filter(this::allows).toArray(InetAddress[]::new);
        if (allowed.length == 0) {
            List<String> reasons = Arrays.stream(resolved).map(this::denial).flatMap(Optional::stream).distinct()
                    .toList();
            throw new Denied(bare, List.of(resolved), reasons);
        }
        return allowed;
    }

    @Override
    public String toString() {
        return "TargetPolicy[allow=" + allow + ", deny=" + deny + "]";
    }

    /** A network denied, and why. */
    record Network(Cidr cidr, String reason) {

        @Override
        public String toString() {
            return cidr + " (" + reason + ")";
        }
    }

    private static Network network(String cidr, String reason) {
        return new Network(Cidr.parse(cidr), reason);
    }

    /** The IPv4 address a NAT64 ({@code 64:ff9b::a.b.c.d}) or 6to4 ({@code 2002:AABB:CCDD::}) address stands for. */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        int from;
        if (bytes.length != 16) {
            return Optional.empty();
        } else if (NAT64.contains(address)) {
            from = 12;
        } else if (SIX_TO_FOUR.contains(address)) {
            from = 2;
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(bytes, from, from + 4)));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("4 bytes are an IPv4 address", impossible);
        }
    }

    private static String listed(List<Cidr> cidrs) {
        return cidrs.isEmpty() ? "none" : cidrs.stream().map(Cidr::toString).collect(Collectors.joining(" "));
    }

    private static List<Cidr> cidrs(String setting, List<String> texts) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String text : texts) {
            if (text == null || text.isBlank()) {
                continue;
            }
            try {
                cidrs.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
            }
        }
        return cidrs;
    }

    /**
     * A host that resolves only to denied addresses. An {@link UnknownHostException} so that it can leave an HTTP
     * client's DNS resolver, and no connection is attempted.
     */
    static final class Denied extends UnknownHostException {

        private final String host;
        private final List<InetAddress> addresses;
        private final List<String> reasons;

        Denied(String host, List<InetAddress> addresses, List<String> reasons) {
            super(describe("target", host, addresses, reasons));
            this.host = host;
            this.addresses = List.copyOf(addresses);
            this.reasons = List.copyOf(reasons);
        }

        String host() {
            return host;
        }

        /** The reason for an operator, {@code role} saying what the host is ({@code target}, {@code proxy}). */
        String describe(String role) {
            return describe(role, host, addresses, reasons);
        }

        private static String describe(String role, String host, List<InetAddress> addresses, List<String> reasons) {
            List<String> shown = addresses.stream().map(Addresses::display).distinct().toList();
            boolean many = shown.size() > 1;
            boolean literal = !many && (shown.get(0).equalsIgnoreCase(host)
                    || addresses.get(0).getHostAddress().equalsIgnoreCase(host));
            return role + " address" + (many ? "es " : " ") + String.join(", ", shown)
                    + (literal ? "" : " of " + host) + (many ? " are" : " is") + " not allowed ("
                    + String.join("; ", reasons) + "); allow " + (many ? "them" : "it") + " with " + ALLOW_SETTING;
        }
    }
}
