package io.consolecms.webhooks.delivery.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The HTTP client's only way from a host name to addresses: drops the addresses the {@link TargetPolicy} denies, and
 * fails with {@link TargetPolicy.Denied} when none is left, before any connection. IP literals pass through it too,
 * and so does a proxy's host, so the check is made on the address actually connected to.
 */
final class PolicyDnsResolver implements DnsResolver {

    private final TargetPolicy policy;

    PolicyDnsResolver(TargetPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        return policy.resolveAllowed(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
}
