package io.consolecms.host.plugins;

import io.consolecms.host.http.StaticFiles;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.EventListener;
import java.util.List;

/**
 * What one plugin contributed during its start.
 *
 * @param collections its collections, in contribution order
 * @param resources its JAX-RS resource instances
 * @param providers its JAX-RS provider instances
 * @param listeners its event listeners
 * @param uiAssets its static files for the admin UI, in contribution order
 */
public record Contributions(List<CollectionDefinition> collections, List<Object> resources, List<Object> providers,
                           List<EventListener> listeners, List<StaticFiles> uiAssets) {

    /** Nothing: what a failed plugin keeps. */
    public static final Contributions NONE = new Contributions(List.of(), List.of(), List.of(), List.of(), List.of());

    public Contributions {
        collections = List.copyOf(collections);
        resources = List.copyOf(resources);
        providers = List.copyOf(providers);
        listeners = List.copyOf(listeners);
        uiAssets = List.copyOf(uiAssets);
    }
}
