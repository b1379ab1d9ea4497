package io.consolecms.host.plugins;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.consolecms.plugin.Plugin;

/**
 * One plugin as the host knows it; serialized as an entry of {@code GET /api/plugins}.
 *
 * @param id the plugin's id (for a jar that could not be loaded, the jar's file name)
 * @param version the plugin's version
 * @param state whether it runs
 * @param reason why it failed, or {@code null}
 * @param plugin the instance, or {@code null} when none could be made
 * @param contributions what it contributed (nothing when it failed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstalledPlugin(String id, String version, PluginState state, String reason,
                              @JsonIgnore Plugin plugin, @JsonIgnore Contributions contributions) {

    static InstalledPlugin started(String id, String version, Plugin plugin, Contributions contributions) {
        return new InstalledPlugin(id, version, PluginState.STARTED, null, plugin, contributions);
    }

    static InstalledPlugin failed(String id, String version, String reason, Plugin plugin) {
        return new InstalledPlugin(id, version, PluginState.FAILED, reason, plugin, Contributions.NONE);
    }
}
