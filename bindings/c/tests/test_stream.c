/* C ABI tests of streaming encoders/decoders: mu-law and Lyra v2 streamed in 10/20/37 ms chunks give
 * exactly the offline codes; 48 kHz input; the tiny EnCodec through a left-context window; push after
 * flush, reset, wrong K, bad handles. argv[1] = shared folder, argv[2] = the repository's
 * models/encodec-24k-tiny/edgetok.json. Prints "N passed, M failed"; exits non-zero on failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgetok.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, edgetok_last_error()); } } while (0)

static float *read_f32(const char *path, size_t *count) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END);
    size_t bytes = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    float *p = malloc(bytes);
    if (fread(p, 1, bytes, f) != bytes) exit(2);
    fclose(f);
    *count = bytes / sizeof(float);
    return p;
}

/* Offline codes of pcm through edgetok_audio_codec_encode (two-call). */
static int32_t *offline(const edgetok_audio_codec *c, const float *pcm, size_t n, int32_t rate, int32_t k, size_t *count) {
    size_t need = 0;
    if (edgetok_audio_codec_encode(c, pcm, n, rate, 1, 0, k, NULL, 0, &need, NULL, NULL) != EDGETOK_OK) return NULL;
    int32_t *codes = malloc(need * sizeof(int32_t));
    if (edgetok_audio_codec_encode(c, pcm, n, rate, 1, 0, k, codes, need, &need, NULL, NULL) != EDGETOK_OK) return NULL;
    *count = need;
    return codes;
}

/* Streams pcm in chunks of `chunk` samples, pulling at most 3 frames per pull call; returns the codes. */
static int32_t *stream(edgetok_encoder_stream *s, const float *pcm, size_t n, size_t chunk, int32_t k, size_t *count) {
    int32_t *codes = malloc((n + 64) * sizeof(int32_t) * (size_t)k);
    size_t total = 0, got = 0;
    for (size_t at = 0; at < n; at += chunk) {
        size_t len = n - at < chunk ? n - at : chunk;
        if (edgetok_encoder_stream_push(s, pcm + at, len) != EDGETOK_OK) return NULL;
        do {
            if (edgetok_encoder_stream_pull(s, codes + total * (size_t)k, 3, &got) != EDGETOK_OK) return NULL;
            total += got;
        } while (got > 0);
    }
    if (edgetok_encoder_stream_flush(s) != EDGETOK_OK) return NULL;
    do {
        if (edgetok_encoder_stream_pull(s, codes + total * (size_t)k, 3, &got) != EDGETOK_OK) return NULL;
        total += got;
    } while (got > 0);
    *count = total * (size_t)k;
    return codes;
}

static void exact_codec(const char *model, const float *pcm, size_t n, int32_t rate, int32_t k, const size_t *chunks, int nchunks) {
    edgetok_audio_codec *c = NULL;
    CHECK(edgetok_audio_codec_load(model, NULL, 0, &c) == EDGETOK_OK && c != NULL);
    if (!c) return;
    size_t n_off = 0;
    int32_t *off = offline(c, pcm, n, rate, k, &n_off);
    CHECK(off != NULL);
    edgetok_stream_options o;
    edgetok_stream_options_init(&o);
    o.n_codebooks = k;
    for (int i = 0; i < nchunks; i++) {
        edgetok_encoder_stream *s = NULL;
        CHECK(edgetok_encoder_stream_create(c, rate, &o, &s) == EDGETOK_OK && s != NULL);
        int32_t kk = 0, lat = 0;
        CHECK(edgetok_encoder_stream_layout(s, &kk, &lat) == EDGETOK_OK && kk == k && lat >= 1);
        size_t n_str = 0;
        int32_t *str = stream(s, pcm, n, chunks[i], k, &n_str);
        CHECK(str != NULL && n_str == n_off && memcmp(str, off, n_off * sizeof(int32_t)) == 0);
        /* Push after flush, then reset and stream again. */
        CHECK(edgetok_encoder_stream_push(s, pcm, 1) == EDGETOK_STATUS_INVALID_STATE);
        CHECK(edgetok_encoder_stream_reset(s) == EDGETOK_OK);
        size_t avail = 99;
        CHECK(edgetok_encoder_stream_frames_available(s, &avail) == EDGETOK_OK && avail == 0);
        free(str);
        CHECK(edgetok_encoder_stream_free(s) == EDGETOK_OK);
        CHECK(edgetok_encoder_stream_free(s) == EDGETOK_STATUS_INVALID_HANDLE);
    }
    /* Decoder: frames in, PCM equal to offline decode. */
    edgetok_decoder_stream *d = NULL;
    CHECK(edgetok_decoder_stream_create(c, &o, &d) == EDGETOK_OK && d != NULL);
    size_t frames = n_off / (size_t)k, need = 0;
    CHECK(edgetok_audio_codec_decode(c, off, frames, k, NULL, 0, &need) == EDGETOK_OK);
    float *ref = malloc(need * sizeof(float)), *got = malloc(need * sizeof(float));
    CHECK(edgetok_audio_codec_decode(c, off, frames, k, ref, need, &need) == EDGETOK_OK);
    size_t total = 0, cnt = 0;
    for (size_t t = 0; t < frames; t += 2) {
        size_t m = frames - t < 2 ? frames - t : 2;
        CHECK(edgetok_decoder_stream_push(d, off + t * (size_t)k, m, k) == EDGETOK_OK);
        CHECK(edgetok_decoder_stream_pull(d, got + total, need - total, &cnt) == EDGETOK_OK);
        total += cnt;
    }
    CHECK(edgetok_decoder_stream_flush(d) == EDGETOK_OK);
    CHECK(edgetok_decoder_stream_pull(d, got + total, need - total, &cnt) == EDGETOK_OK);
    total += cnt;
    CHECK(total == need && memcmp(got, ref, need * sizeof(float)) == 0);
    CHECK(edgetok_decoder_stream_push(d, off, 1, k) == EDGETOK_STATUS_INVALID_STATE);
    CHECK(edgetok_decoder_stream_reset(d) == EDGETOK_OK);
    CHECK(edgetok_decoder_stream_push(d, off, 1, k + 1) == EDGETOK_STATUS_INVALID_ARGUMENT);   /* wrong K */
    CHECK(edgetok_decoder_stream_free(d) == EDGETOK_OK);
    free(ref); free(got); free(off);
    CHECK(edgetok_audio_codec_free(c) == EDGETOK_OK);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: test_stream SHARED MANIFEST\n"); return 2; }
    char path[2048];
    snprintf(path, sizeof path, "%s/golden/lyra-v2/cmu_arctic_aew_a0001/input.f32", argv[1]);
    size_t n = 0;
    float *pcm = read_f32(path, &n);
    if (n > 32000) n = 32000;   /* 2 s keeps the test quick */

    const size_t chunks16[] = {160, 320, 592, 1};   /* 10, 20, 37 ms and sample by sample */
    exact_codec("mulaw", pcm, n, 16000, 1, chunks16, 4);
    snprintf(path, sizeof path, "%s/models/lyra-v2", argv[1]);
    exact_codec(path, pcm, n, 16000, 46, chunks16, 3);
    exact_codec(path, pcm, n, 16000, 16, chunks16 + 2, 1);

    /* 48 kHz input: equal to offline encode of the same 48 kHz samples (which resamples too). */
    float *pcm48 = malloc(3 * n * sizeof(float));
    for (size_t i = 0; i < 3 * n; i++) pcm48[i] = 0.5f * sinf((float)i * 0.013f) * pcm[i / 3];
    const size_t chunks48[] = {480, 1776};
    exact_codec(path, pcm48, 3 * n, 48000, 46, chunks48, 2);

    /* Tiny EnCodec: windowed, same frame count as offline, first W frames exact. */
    snprintf(path, sizeof path, "%s/golden/encodec-24k-tiny", argv[1]);
    edgetok_audio_codec *e = NULL;
    CHECK(edgetok_audio_codec_load(path, argv[2], 1, &e) == EDGETOK_OK);
    size_t n_off = 0, n_str = 0;
    int32_t *off = offline(e, pcm48, 24000, 24000, 0, &n_off);
    edgetok_stream_options o;
    edgetok_stream_options_init(&o);
    o.context_frames = 8;
    edgetok_encoder_stream *s = NULL;
    CHECK(edgetok_encoder_stream_create(e, 24000, &o, &s) == EDGETOK_OK);
    int32_t *str = stream(s, pcm48, 24000, 480, 8, &n_str);
    CHECK(off && str && n_str == n_off && memcmp(str, off, 8 * 8 * sizeof(int32_t)) == 0);
    CHECK(edgetok_encoder_stream_free(s) == EDGETOK_OK);
    o.context_frames = -1;
    CHECK(edgetok_encoder_stream_create(e, 24000, &o, &s) == EDGETOK_STATUS_INVALID_ARGUMENT && s == NULL);
    CHECK(edgetok_encoder_stream_create(e, 0, NULL, &s) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_encoder_stream_create(NULL, 24000, NULL, &s) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_encoder_stream_push(NULL, pcm, 1) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_encoder_stream_free(NULL) == EDGETOK_OK);
    CHECK(edgetok_audio_codec_free(e) == EDGETOK_OK);
    free(off); free(str); free(pcm48); free(pcm);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
