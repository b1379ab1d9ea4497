package io.consolecms.host.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.FieldDefinition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/collections}: the started plugins' collections, in contribution order, for the admin UI. */
@Path("api/collections")
public final class CollectionsResource {

    private final List<CollectionView> collections;

    public CollectionsResource(Plugins plugins) {
        this.collections = plugins.started()
                .flatMap(p -> p.contributions().collections().stream().map(c -> CollectionView.of(p.id(), c)))
                .toList();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<CollectionView> list() {
        return collections;
    }

    /**
     * One collection as the admin UI sees it.
     *
     * @param plugin the id of the plugin that contributed it
     * @param name its identifier
     * @param category its side menu category
     * @param label its menu entry
     * @param path the base path of its API
     * @param uiModule its UI extension module, or {@code null}
     * @param fields its fields, in form order
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CollectionView(String plugin, String name, String category, String label, String path,
                                 String uiModule, List<FieldDefinition> fields) {

        static CollectionView of(String plugin, CollectionDefinition c) {
            return new CollectionView(plugin, c.name(), c.category(), c.label(), c.path(), c.uiModule(), c.fields());
        }
    }
}
