package io.consolecms.webhooks.delivery.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses deliveries may connect to ({@code CMS_WEBHOOKS_ALLOW_NETWORKS}, {@code CMS_WEBHOOKS_DENY_NETWORKS}):
 * an address is allowed when it is in an allowed network or in no denied one, so the allow list wins. By default
 * loopback, link-local (including the cloud metadata address 169.254.169.254), unspecified and multicast addresses
 * are denied, so that a webhook cannot make the host call itself or its cloud's metadata service.
 *
 * <p>It judges addresses, not names: {@link PolicyDnsResolver} applies it to the address a connection is actually
 * made to, so a name that resolves to a denied address (or is re-bound to one later) cannot pass.
 */
public final class TargetPolicy {

    public static final String ALLOW_SETTING = "CMS_WEBHOOKS_ALLOW_NETWORKS";
    public static final String DENY_SETTING = "CMS_WEBHOOKS_DENY_NETWORKS";

    /** The deny list when none is configured. */
    public static final List<String> DEFAULT_DENY = List.of(
            "127.0.0.0/8", "::1/128",        // loopback
            "169.254.0.0/16", "fe80::/10",   // link-local, incl. cloud metadata 169.254.169.254
            "0.0.0.0/8", "::/128",           // unspecified
            "224.0.0.0/4", "ff00::/8");      // multicast

    /** The default policy: {@link #DEFAULT_DENY}, nothing allowed explicitly. */
    public static final TargetPolicy DEFAULT = parse(List.of(), null);

    private final List<Cidr> allow;
    private final List<Cidr> deny;

    private TargetPolicy(List<Cidr> allow, List<Cidr> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    /**
     * Builds a policy from the two settings' CIDR lists (blank entries are skipped).
     *
     * @param allow networks allowed although denied, e.g. {@code 127.0.0.0/8} to test locally; {@code null} = none
     * @param deny networks denied, {@code null} for {@link #DEFAULT_DENY}
     * @throws IllegalArgumentException naming the setting and the entry that is not a CIDR
     */
    public static TargetPolicy parse(List<String> allow, List<String> deny) {
        return new TargetPolicy(cidrs(ALLOW_SETTING, allow == null ? List.of() : allow),
                cidrs(DENY_SETTING, deny == null ? DEFAULT_DENY : deny));
    }

    /** Whether a delivery may connect to {@code address}. */
    public boolean allows(InetAddress address) {
        return allow.stream().anyMatch(cidr -> cidr.contains(address))
                || deny.stream().noneMatch(cidr -> cidr.contains(address));
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
            throw new Denied(bare, List.of(resolved));
        }
        return allowed;
    }

    @Override
    public String toString() {
        return "TargetPolicy[allow=" + allow + ", deny=" + deny + "]";
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

        Denied(String host, List<InetAddress> addresses) {
            super(describe("target", host, addresses));
            this.host = host;
            this.addresses = List.copyOf(addresses);
        }

        String host() {
            return host;
        }

        /** The reason for an operator, {@code role} saying what the host is ({@code target}, {@code proxy}). */
        String describe(String role) {
            return describe(role, host, addresses);
        }

        private static String describe(String role, String host, List<InetAddress> addresses) {
            List<String> shown = addresses.stream().map(Addresses::display).distinct().toList();
            boolean many = shown.size() > 1;
            boolean literal = !many && (shown.get(0).equalsIgnoreCase(host)
                    || addresses.get(0).getHostAddress().equalsIgnoreCase(host));
            return role + " address" + (many ? "es " : " ") + String.join(", ", shown)
                    + (literal ? "" : " of " + host) + (many ? " are" : " is") + " not allowed (" + DENY_SETTING
                    + "); allow " + (many ? "them" : "it") + " with " + ALLOW_SETTING;
        }
    }
}
