package io.consolecms.plugin;

import java.util.List;
import java.util.Objects;

/**
 * A collection a plugin contributes to the CMS: an entry of the admin UI's side menu, under its category, whose
 * documents are served by the plugin's own resource at {@code path} with Mia-Platform CRUD Service conventions
 * ({@code _id}, {@code __STATE__}, {@code POST /}, {@code GET /}, {@code PATCH /{id}}, …), plus
 * {@code GET /count-by-state?_st=} answering {@code {"<state>":n,…}}, from which the admin UI counts its tabs.
 *
 * @param name the collection's identifier, e.g. {@code webhooks}
 * @param category the side menu's category, e.g. {@code Events}
 * @param label the menu entry, e.g. {@code Webhooks}
 * @param path the base path of the collection's API, e.g. {@code /api/webhooks}
 * @param fields the editable fields, in form order
 * @param uiModule the URL of an ES module (usually under {@code /plugins/<plugin id>/}) that adds collection-specific
 *     panels to the admin UI, or {@code null} when the generic table and form are enough
 */
public record CollectionDefinition(String name, String category, String label, String path, List<FieldDefinition> fields,
                                   String uiModule) {

    public CollectionDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(path, "path");
        fields = List.copyOf(fields);
    }
}
