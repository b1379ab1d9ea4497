package io.consolecms.host.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.ws.rs.ext.ContextResolver;

/** The Jackson mapper of every resource, the host's and the plugins': strict about what it reads. */
public final class JsonMapperResolver implements ContextResolver<ObjectMapper> {

    /** A mapper that rejects duplicate members and trailing content. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return MAPPER;
    }
}
