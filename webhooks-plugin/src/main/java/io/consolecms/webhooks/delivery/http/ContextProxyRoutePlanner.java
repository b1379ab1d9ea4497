package io.consolecms.webhooks.delivery.http;

import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Routes an attempt through the proxy its context names, or directly. The route includes the proxy, so connections
 * through a proxy are pooled apart from direct ones; https through a proxy is tunnelled with CONNECT.
 */
final class ContextProxyRoutePlanner extends DefaultRoutePlanner {

    /** The context attribute holding the attempt's proxy {@link HttpHost}. */
    static final String CONTEXT_ATTRIBUTE = ContextProxyRoutePlanner.class.getName();

    ContextProxyRoutePlanner() {
        super(DefaultSchemePortResolver.INSTANCE);
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
        Object proxy = context == null ? null : context.getAttribute(CONTEXT_ATTRIBUTE);
        return proxy instanceof HttpHost host ? host : null;
    }
}
