package io.consolecms.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.host.RunningHost;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin UI's files over a real host: validators, 304s and gzip, as a browser's second load sees them. */
class AdminUiCachingTest {

    @TempDir
    Path home;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aSecondLoadWithTheETagGets304sWithoutABody() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            for (String path : new String[] {"/", "/index.html"}) {
                HttpResponse<byte[]> first = get(host, path, null, null);
                assertThat(first.statusCode()).isEqualTo(200);
                String tag = first.headers().firstValue("ETag").orElseThrow();
                assertThat(tag).matches("\"[A-Za-z0-9_-]{22}\"");
                assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");

                HttpResponse<byte[]> again = get(host, path, tag, null);
                assertThat(again.statusCode()).isEqualTo(304);
                assertThat(again.body()).isEmpty();
                assertThat(again.headers().firstValue("ETag")).hasValue(tag);
                assertThat(get(host, path, "W/" + tag, null).statusCode()).as("weak comparison").isEqualTo(304);
                assertThat(get(host, path, "\"other\", " + tag, null).statusCode()).isEqualTo(304);
                assertThat(get(host, path, "\"other\"", null).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void textIsGzippedForAClientThatAcceptsIt() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            HttpResponse<byte[]> plain = get(host, "/index.html", null, null);
            HttpResponse<byte[]> zipped = get(host, "/index.html", null, "gzip, deflate, br");

            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(zipped.headers().firstValue("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Accept-Encoding"));
            assertThat(gunzip(zipped.body())).isEqualTo(plain.body());
            assertThat(zipped.body().length).isLessThan(plain.body().length);
            // each representation has its own strong tag, and revalidates as itself
            String zippedTag = zipped.headers().firstValue("ETag").orElseThrow();
            assertThat(zippedTag).isNotEqualTo(plain.headers().firstValue("ETag").orElseThrow());
            assertThat(get(host, "/index.html", zippedTag, "gzip").statusCode()).isEqualTo(304);
            assertThat(get(host, "/index.html", null, "gzip;q=0").headers().firstValue("Content-Encoding")).isEmpty();
        }
    }

    @Test
    void anUnknownFileIsStill404() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            assertThat(get(host, "/no-such-file.js", null, "gzip").statusCode()).isEqualTo(404);
            assertThat(get(host, "/no-such-file.js", "*", null).statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<byte[]> get(RunningHost host, String path, String ifNoneMatch, String acceptEncoding)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(host.uri(path)).GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
