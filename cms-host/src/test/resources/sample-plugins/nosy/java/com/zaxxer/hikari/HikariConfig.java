package com.zaxxer.hikari;

/** The nosy plugin's own class of a package the host has too: the plugin must get this one, not the host's. */
public final class HikariConfig {
}
