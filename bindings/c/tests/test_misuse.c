/* ABI misuse: every export is called with NULL handles and pointers, short buffers, wrong struct_size,
 * destroyed handles (use after destroy, double destroy), handles of the wrong kind, made-up handle
 * values, random buffer contents, and from many threads at once. Every call must return a status
 * (never crash, never EDGETOK_STATUS_INTERNAL). Prints the number of calls tried.
 *   test_misuse SHARED_DIR */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgetok.h"

static long calls, passed, failed;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void tally(int ok, const char *expr, int line, int32_t got, int32_t want) {
    pthread_mutex_lock(&count_lock);
    calls++;
    if (ok) passed++;
    else {
        failed++;
        fprintf(stderr, "test_misuse.c:%d: %s returned %d (%s), expected %s%d; last error: %s\n", line, expr, got,
                edgetok_status_string(got), want < 0 ? "a failure, not " : "", want < 0 ? 0 : want, edgetok_last_error());
    }
    pthread_mutex_unlock(&count_lock);
}
/* EXPECT: exactly this status. FAILS: any documented failure status (not OK, not INTERNAL). */
#define EXPECT(expr, want) do { int32_t s_ = (expr); tally(s_ == (want), #expr, __LINE__, s_, (want)); } while (0)
#define FAILS(expr) do { int32_t s_ = (expr); tally(s_ >= 1 && s_ <= 10, #expr, __LINE__, s_, -1); } while (0)
/* ANY: any documented status, success included (random inputs may be valid). */
#define TRUE_(cond) tally(!!(cond), #cond, __LINE__, 0, 0)
#define ANY(expr) do { int32_t s_ = (expr); tally((s_ >= 0 && s_ <= 10), #expr, __LINE__, s_, -1); } while (0)

static char shared[1024];
static const char *path(const char *rel) {
    static char buf[2048];
    snprintf(buf, sizeof buf, "%s/%s", shared, rel);
    return buf;
}

/* Handle values nobody created: small integers, all bits set, a plausible-looking pointer. */
static void *const made_up[] = { (void *)1, (void *)0xFFFFFFFF, (void *)(intptr_t)-1, (void *)0x7f0012345678, (void *)0x0100000001000001 };
#define N_MADE_UP (sizeof made_up / sizeof made_up[0])

static void null_pointers(void) {
    float f[16] = {0};
    int32_t ids[16];
    uint8_t mask[16];
    size_t req;
    int32_t i32;
    char text[64];

    FAILS(edgetok_build_info(NULL, 10, &req));
    EXPECT(edgetok_build_info(NULL, 0, NULL), EDGETOK_OK); /* size query without required is allowed */
    EXPECT(edgetok_set_log_callback(NULL, 0, NULL), EDGETOK_OK);
    FAILS(edgetok_set_log_callback(NULL, 99, NULL));
    TRUE_(edgetok_status_string(-5) != NULL);  /* unknown codes still give a static string */
    TRUE_(edgetok_last_error() != NULL);

    FAILS(edgetok_wav_info_read(NULL, NULL));
    FAILS(edgetok_wav_info_read(path("data/audio/speech/jfk/jfk.wav"), NULL));
    edgetok_wav_info wi; memset(&wi, 0, sizeof wi);
    FAILS(edgetok_wav_info_read(NULL, &wi));
    FAILS(edgetok_wav_read_mono(NULL, 0, f, 16, &req, &i32));
    FAILS(edgetok_wav_read_mono(path("data/audio/speech/jfk/jfk.wav"), 0, NULL, 16, &req, &i32));
    FAILS(edgetok_wav_write(NULL, f, 16, 16000, 1));
    FAILS(edgetok_wav_write("/tmp/edgetok-misuse.wav", NULL, 16, 16000, 1));
    FAILS(edgetok_resample(NULL, 16, 16000, 8000, f, 16, &req));
    FAILS(edgetok_resample(f, 16, 16000, 8000, NULL, 16, &req));

    FAILS(edgetok_chronos_bins_config_init(NULL));
    FAILS(edgetok_chronos_bins_create(NULL, NULL));
    FAILS(edgetok_chronos_bins_token_count(NULL, 10, &req));
    FAILS(edgetok_chronos_bins_encode(NULL, f, 4, ids, mask, 16, &req, f));
    FAILS(edgetok_chronos_bins_encode_labels(NULL, f, 4, 1.0f, ids, mask, 16, &req));
    FAILS(edgetok_chronos_bins_decode(NULL, ids, 4, 1.0f, f, 16, &req));
    FAILS(edgetok_chronos_bins_centers(NULL, f, 16, &req));
    EXPECT(edgetok_chronos_bins_free(NULL), EDGETOK_OK);

    FAILS(edgetok_kairos_load(NULL, NULL));
    edgetok_kairos *km = (edgetok_kairos *)made_up[0];
    FAILS(edgetok_kairos_load(NULL, &km));
    TRUE_(km == NULL); /* *model is NULL on failure */
    FAILS(edgetok_kairos_load(path("golden/kairos-10m"), NULL));
    edgetok_kairos_info ki; memset(&ki, 0, sizeof ki); ki.struct_size = sizeof ki;
    FAILS(edgetok_kairos_info_read(NULL, &ki));
    FAILS(edgetok_kairos_tokenize(NULL, f, 16, NULL, 0, NULL, 0, NULL, 0, NULL, &req));
    FAILS(edgetok_kairos_rope(NULL, f, 16, NULL, NULL, NULL, 0, &req, NULL, NULL));
    FAILS(edgetok_kairos_forecast(NULL, f, 16, 8, NULL, NULL, 0, &req));
    FAILS(edgetok_kairos_forecast_batch(NULL, f, 1, 16, 8, NULL, NULL, 0, &req));
    edgetok_kairos_forecast_options_init(NULL); TRUE_(1); /* void: must simply not crash */
    EXPECT(edgetok_kairos_free(NULL), EDGETOK_OK);

    FAILS(edgetok_audio_codec_load(NULL, NULL, 0, NULL));
    edgetok_audio_codec *cc = (edgetok_audio_codec *)made_up[0];
    FAILS(edgetok_audio_codec_load(NULL, NULL, 0, &cc));
    TRUE_(cc == NULL);
    FAILS(edgetok_audio_codec_load("mulaw", NULL, 0, NULL));
    edgetok_audio_codec_info ai; memset(&ai, 0, sizeof ai); ai.struct_size = sizeof ai;
    FAILS(edgetok_audio_codec_info_read(NULL, &ai));
    FAILS(edgetok_audio_codec_kind(NULL, text, sizeof text, &req));
    FAILS(edgetok_audio_codec_codebooks(NULL, 0, 0, &i32));
    FAILS(edgetok_audio_codec_encode(NULL, f, 16, 16000, 1, 0, 0, ids, 16, &req, NULL, NULL));
    FAILS(edgetok_audio_codec_decode(NULL, ids, 4, 1, f, 16, &req));
    EXPECT(edgetok_audio_codec_free(NULL), EDGETOK_OK);
}

/* Every handle-taking export with a handle value h (made up, destroyed or of another kind). */
static void bad_handle_all(void *h, int32_t want) {
    float f[64] = {0};
    int32_t ids[64];
    uint8_t mask[64];
    size_t req;
    int32_t i32;
    char text[64];
    edgetok_kairos_info ki; memset(&ki, 0, sizeof ki); ki.struct_size = sizeof ki;
    edgetok_audio_codec_info ai; memset(&ai, 0, sizeof ai); ai.struct_size = sizeof ai;

    EXPECT(edgetok_chronos_bins_token_count(h, 10, &req), want);
    EXPECT(edgetok_chronos_bins_encode(h, f, 4, ids, mask, 64, &req, f), want);
    EXPECT(edgetok_chronos_bins_encode_labels(h, f, 4, 1.0f, ids, mask, 64, &req), want);
    EXPECT(edgetok_chronos_bins_decode(h, ids, 0, 1.0f, f, 64, &req), want);
    EXPECT(edgetok_chronos_bins_centers(h, f, 64, &req), want);
    EXPECT(edgetok_kairos_info_read(h, &ki), want);
    EXPECT(edgetok_kairos_tokenize(h, f, 16, NULL, 0, NULL, 0, NULL, 0, NULL, &req), want);
    EXPECT(edgetok_kairos_rope(h, f, 16, NULL, NULL, NULL, 0, &req, NULL, NULL), want);
    EXPECT(edgetok_kairos_forecast(h, f, 16, 8, NULL, f, 64, &req), want);
    EXPECT(edgetok_kairos_forecast_batch(h, f, 1, 16, 8, NULL, f, 64, &req), want);
    EXPECT(edgetok_audio_codec_info_read(h, &ai), want);
    EXPECT(edgetok_audio_codec_kind(h, text, sizeof text, &req), want);
    EXPECT(edgetok_audio_codec_codebooks(h, 0, 0, &i32), want);
    EXPECT(edgetok_audio_codec_encode(h, f, 64, 16000, 1, 0, 0, ids, 64, &req, NULL, NULL), want);
    EXPECT(edgetok_audio_codec_decode(h, ids, 1, 1, f, 64, &req), want);
    EXPECT(edgetok_chronos_bins_free(h), want);
    EXPECT(edgetok_kairos_free(h), want);
    EXPECT(edgetok_audio_codec_free(h), want);
}

static void handles(edgetok_kairos *kairos) {
    for (size_t i = 0; i < N_MADE_UP; i++) bad_handle_all(made_up[i], EDGETOK_STATUS_INVALID_HANDLE);

    /* Destroyed handles: use after destroy and double destroy, for each kind. */
    edgetok_chronos_bins *bins = NULL;
    EXPECT(edgetok_chronos_bins_create(NULL, &bins), EDGETOK_OK);
    EXPECT(edgetok_chronos_bins_free(bins), EDGETOK_OK);
    bad_handle_all(bins, EDGETOK_STATUS_INVALID_HANDLE);
    edgetok_audio_codec *mu = NULL;
    EXPECT(edgetok_audio_codec_load("mulaw", NULL, 0, &mu), EDGETOK_OK);
    EXPECT(edgetok_audio_codec_free(mu), EDGETOK_OK);
    bad_handle_all(mu, EDGETOK_STATUS_INVALID_HANDLE);
    /* The freed slot is reused by the next handle: the old value must stay dead (generation counter). */
    edgetok_chronos_bins *bins2 = NULL;
    EXPECT(edgetok_chronos_bins_create(NULL, &bins2), EDGETOK_OK);
    size_t req;
    EXPECT(edgetok_chronos_bins_token_count(bins, 10, &req), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_chronos_bins_token_count(bins2, 10, &req), EDGETOK_OK);

    /* Wrong kind: a live handle of each kind passed where another kind is expected. */
    edgetok_audio_codec *mu2 = NULL;
    EXPECT(edgetok_audio_codec_load("mulaw", NULL, 0, &mu2), EDGETOK_OK);
    float f[64] = {0};
    int32_t ids[64];
    uint8_t mask[64];
    edgetok_kairos_info ki; memset(&ki, 0, sizeof ki); ki.struct_size = sizeof ki;
    edgetok_audio_codec_info ai; memset(&ai, 0, sizeof ai); ai.struct_size = sizeof ai;
    EXPECT(edgetok_kairos_info_read((edgetok_kairos *)bins2, &ki), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_kairos_info_read((edgetok_kairos *)mu2, &ki), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_kairos_free((edgetok_kairos *)mu2), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_audio_codec_info_read((edgetok_audio_codec *)bins2, &ai), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_audio_codec_free((edgetok_audio_codec *)bins2), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_chronos_bins_encode((edgetok_chronos_bins *)mu2, f, 4, ids, mask, 64, &req, f), EDGETOK_STATUS_INVALID_HANDLE);
    EXPECT(edgetok_chronos_bins_free((edgetok_chronos_bins *)mu2), EDGETOK_STATUS_INVALID_HANDLE);
    if (kairos) {
        EXPECT(edgetok_audio_codec_info_read((edgetok_audio_codec *)kairos, &ai), EDGETOK_STATUS_INVALID_HANDLE);
        EXPECT(edgetok_chronos_bins_centers((edgetok_chronos_bins *)kairos, f, 64, &req), EDGETOK_STATUS_INVALID_HANDLE);
        EXPECT(edgetok_audio_codec_free((edgetok_audio_codec *)kairos), EDGETOK_STATUS_INVALID_HANDLE);
    }
    /* The wrongly-freed handles are still alive. */
    EXPECT(edgetok_audio_codec_info_read(mu2, &ai), EDGETOK_OK);
    EXPECT(edgetok_chronos_bins_free(bins2), EDGETOK_OK);
    EXPECT(edgetok_audio_codec_free(mu2), EDGETOK_OK);
    EXPECT(edgetok_chronos_bins_free(bins2), EDGETOK_STATUS_INVALID_HANDLE); /* double destroy */
    EXPECT(edgetok_audio_codec_free(mu2), EDGETOK_STATUS_INVALID_HANDLE);
}

static void struct_sizes_and_buffers(edgetok_kairos *kairos) {
    uint32_t sizes[] = { 0, 1, 4, 8 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        edgetok_wav_info wi; memset(&wi, 0, sizeof wi); wi.struct_size = sizes[i];
        FAILS(edgetok_wav_info_read(path("data/audio/speech/jfk/jfk.wav"), &wi));
        edgetok_chronos_bins_config bc; edgetok_chronos_bins_config_init(&bc); bc.struct_size = sizes[i];
        edgetok_chronos_bins *b = NULL;
        FAILS(edgetok_chronos_bins_create(&bc, &b));
        TRUE_(b == NULL);
        if (kairos) {
            edgetok_kairos_info ki; memset(&ki, 0, sizeof ki); ki.struct_size = sizes[i];
            FAILS(edgetok_kairos_info_read(kairos, &ki));
            edgetok_kairos_forecast_options o; edgetok_kairos_forecast_options_init(&o); o.struct_size = sizes[i];
            float f[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, q[9 * 8];
            size_t req;
            FAILS(edgetok_kairos_forecast(kairos, f, 16, 8, &o, q, 9 * 8, &req));
        }
        edgetok_audio_codec *mu = NULL;
        EXPECT(edgetok_audio_codec_load("mulaw", NULL, 0, &mu), EDGETOK_OK);
        edgetok_audio_codec_info ai; memset(&ai, 0, sizeof ai); ai.struct_size = sizes[i];
        FAILS(edgetok_audio_codec_info_read(mu, &ai));
        EXPECT(edgetok_audio_codec_free(mu), EDGETOK_OK);
    }

    /* Short buffers: capacity one less than required, and NULL with a capacity. */
    edgetok_chronos_bins *bins = NULL;
    EXPECT(edgetok_chronos_bins_create(NULL, &bins), EDGETOK_OK);
    float series[32];
    for (int i = 0; i < 32; i++) series[i] = (float)i;
    int32_t ids[64]; uint8_t mask[64]; float out[4096]; size_t req = 0; float scale;
    EXPECT(edgetok_chronos_bins_encode(bins, series, 32, NULL, NULL, 0, &req, &scale), EDGETOK_OK);
    EXPECT(edgetok_chronos_bins_encode(bins, series, 32, ids, mask, req - 1, &req, &scale), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    FAILS(edgetok_chronos_bins_encode(bins, series, 32, NULL, mask, 64, &req, &scale));
    FAILS(edgetok_chronos_bins_encode(bins, NULL, 32, ids, mask, 64, &req, &scale));
    EXPECT(edgetok_chronos_bins_centers(bins, out, 1, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    EXPECT(edgetok_chronos_bins_decode(bins, ids, 8, 1.0f, out, 7, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    FAILS(edgetok_chronos_bins_decode(bins, ids, 8, NAN, out, 8, &req));
    FAILS(edgetok_chronos_bins_decode(bins, ids, 8, -1.0f, out, 8, &req));
    FAILS(edgetok_chronos_bins_decode(bins, ids, (size_t)-1, 1.0f, out, 8, &req));
    FAILS(edgetok_chronos_bins_token_count(bins, (size_t)-1, NULL));
    EXPECT(edgetok_chronos_bins_free(bins), EDGETOK_OK);

    char small[4];
    EXPECT(edgetok_build_info(small, sizeof small, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    EXPECT(edgetok_resample(series, 32, 16000, 8000, out, 15, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    FAILS(edgetok_resample(series, 32, 0, 8000, out, 64, &req));
    FAILS(edgetok_resample(series, 32, 16000, -1, out, 64, &req));
    FAILS(edgetok_resample(series, (size_t)-1, 16000, 8000, out, 64, &req));
    FAILS(edgetok_wav_write("/tmp/edgetok-misuse.wav", series, 31, 16000, 2)); /* not a multiple of channels */
    FAILS(edgetok_wav_write("/tmp/edgetok-misuse.wav", series, 32, 0, 1));
    FAILS(edgetok_wav_write("/nonexistent-dir/x.wav", series, 32, 16000, 1));
    FAILS(edgetok_wav_read_mono("/nonexistent.wav", 0, out, 16, &req, NULL));
    FAILS(edgetok_wav_read_mono(path("golden/kairos-10m/config.json"), 0, out, 16, &req, NULL)); /* not a WAV */
    float one;
    EXPECT(edgetok_wav_read_mono(path("data/audio/speech/jfk/jfk.wav"), 0, &one, 1, &req, NULL), EDGETOK_STATUS_BUFFER_TOO_SMALL);

    edgetok_audio_codec *mu = NULL;
    EXPECT(edgetok_audio_codec_load("mulaw", NULL, 0, &mu), EDGETOK_OK);
    char kind[2];
    EXPECT(edgetok_audio_codec_kind(mu, kind, sizeof kind, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    EXPECT(edgetok_audio_codec_encode(mu, series, 32, 16000, 1, 0, 0, ids, 31, &req, NULL, NULL), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    FAILS(edgetok_audio_codec_encode(mu, series, 0, 16000, 1, 0, 0, ids, 64, &req, NULL, NULL));
    FAILS(edgetok_audio_codec_encode(mu, series, 32, 0, 1, 0, 0, ids, 64, &req, NULL, NULL));
    FAILS(edgetok_audio_codec_encode(mu, series, 32, 16000, 0, 0, 0, ids, 64, &req, NULL, NULL));
    FAILS(edgetok_audio_codec_encode(mu, series, 32, 16000, 1, 1.0, 1, ids, 64, &req, NULL, NULL));
    FAILS(edgetok_audio_codec_encode(mu, series, 32, 16000, 1, -1.0, 0, ids, 64, &req, NULL, NULL));
    /* NaN bandwidth is an error (only 0 means "not given"). */
    FAILS(edgetok_audio_codec_encode(mu, series, 32, 16000, 1, NAN, 0, ids, 64, &req, NULL, NULL));
    int32_t bad_codes[4] = { 0, 255, 256, -1 };
    FAILS(edgetok_audio_codec_decode(mu, bad_codes, 4, 1, out, 64, &req));
    EXPECT(edgetok_audio_codec_decode(mu, bad_codes, 2, 1, out, 1, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
    FAILS(edgetok_audio_codec_decode(mu, bad_codes, 2, 0, out, 64, &req));
    FAILS(edgetok_audio_codec_decode(mu, bad_codes, 2, 7, out, 64, &req));
    FAILS(edgetok_audio_codec_decode(mu, bad_codes, (size_t)1 << 62, 1, out, 64, &req));
    FAILS(edgetok_audio_codec_codebooks(mu, 0, -3, NULL));
    EXPECT(edgetok_audio_codec_free(mu), EDGETOK_OK);

    if (kairos) {
        float q[9 * 8];
        EXPECT(edgetok_kairos_forecast(kairos, series, 32, 8, NULL, q, 9 * 8 - 1, &req), EDGETOK_STATUS_BUFFER_TOO_SMALL);
        FAILS(edgetok_kairos_forecast(kairos, series, 32, 0, NULL, q, 9 * 8, &req));
        FAILS(edgetok_kairos_forecast(kairos, series, 32, -5, NULL, q, 9 * 8, &req));
        EXPECT(edgetok_kairos_forecast(kairos, series, 32, 1 << 30, NULL, q, 9 * 8, &req), EDGETOK_STATUS_LIMIT_EXCEEDED);
        FAILS(edgetok_kairos_forecast(kairos, series, 0, 8, NULL, q, 9 * 8, &req));
        FAILS(edgetok_kairos_forecast(kairos, NULL, 32, 8, NULL, q, 9 * 8, &req));
        FAILS(edgetok_kairos_forecast(kairos, series, (size_t)1 << 40, 8, NULL, q, 9 * 8, &req));
        FAILS(edgetok_kairos_forecast_batch(kairos, series, (size_t)1 << 40, 2, 8, NULL, q, 9 * 8, &req));
        FAILS(edgetok_kairos_forecast_batch(kairos, series, 2, (size_t)1 << 40, 8, NULL, q, 9 * 8, &req));
        FAILS(edgetok_kairos_forecast_batch(kairos, series, (size_t)1 << 33, (size_t)1 << 33, 8, NULL, q, 9 * 8, &req));
        size_t n = 0;
        EXPECT(edgetok_kairos_tokenize(kairos, series, 32, NULL, 0, NULL, 0, NULL, 0, NULL, &n), EDGETOK_OK);
        EXPECT(edgetok_kairos_tokenize(kairos, series, 32, out, 1, NULL, 0, NULL, 0, NULL, &n), EDGETOK_STATUS_BUFFER_TOO_SMALL);
        int32_t ts[1]; uint8_t am[1];
        EXPECT(edgetok_kairos_tokenize(kairos, series, 32, NULL, 0, ts, 0, NULL, 0, NULL, &n), n > 0 ? EDGETOK_STATUS_BUFFER_TOO_SMALL : EDGETOK_OK);
        EXPECT(edgetok_kairos_tokenize(kairos, series, 32, NULL, 0, NULL, 0, am, 1, NULL, &n), EDGETOK_STATUS_BUFFER_TOO_SMALL);
        EXPECT(edgetok_kairos_rope(kairos, series, 32, "no.such.module", NULL, NULL, 0, &req, NULL, NULL), EDGETOK_STATUS_NOT_FOUND);
        EXPECT(edgetok_kairos_rope(kairos, series, 32, NULL, out, out, 1, &req, NULL, NULL), EDGETOK_STATUS_BUFFER_TOO_SMALL);
        FAILS(edgetok_kairos_rope(kairos, series, 32, NULL, out, NULL, 4096, &req, NULL, NULL));
        float inf_series[4] = { 1, INFINITY, 2, 3 };
        FAILS(edgetok_kairos_forecast(kairos, inf_series, 4, 8, NULL, q, 9 * 8, &req));
        edgetok_kairos_forecast_options o; edgetok_kairos_forecast_options_init(&o);
        o.bias_mode = 7;
        FAILS(edgetok_kairos_forecast(kairos, series, 32, 8, &o, q, 9 * 8, &req));
        edgetok_kairos_forecast_options_init(&o); o.batch_mode = -1;
        FAILS(edgetok_kairos_forecast_batch(kairos, series, 2, 16, 8, &o, q, 9 * 8 * 2, &req));
    }

    /* Bad model paths. */
    edgetok_kairos *k = NULL;
    FAILS(edgetok_kairos_load("/nonexistent", &k));
    FAILS(edgetok_kairos_load(path("data/audio"), &k));
    edgetok_audio_codec *c = NULL;
    FAILS(edgetok_audio_codec_load("/nonexistent", NULL, 0, &c));
    c = NULL;
    ANY(edgetok_audio_codec_load("mulaw", NULL, -1, &c));
    EXPECT(edgetok_audio_codec_free(c), EDGETOK_OK);
    FAILS(edgetok_audio_codec_load(path("golden/kairos-10m"), path("golden/kairos-10m/config.json"), 0, &c));
}

/* Random buffers through the weight-free buffer-taking exports: any status but INTERNAL is fine. */
static void random_buffers(unsigned seed, long rounds) {
    edgetok_chronos_bins *bins = NULL;
    edgetok_audio_codec *mu = NULL;
    EXPECT(edgetok_chronos_bins_create(NULL, &bins), EDGETOK_OK);
    EXPECT(edgetok_audio_codec_load("mulaw", NULL, 0, &mu), EDGETOK_OK);
    static __thread union { float f[600]; int32_t i[600]; uint32_t u[600]; } in;
    static __thread float out[4096];
    static __thread int32_t ids[4096];
    static __thread uint8_t mask[4096];
    for (long r = 0; r < rounds; r++) {
        size_t n = (size_t)(rand_r(&seed) % 600);
        for (size_t i = 0; i < n; i++) in.u[i] = ((uint32_t)rand_r(&seed) << 16) ^ (uint32_t)rand_r(&seed);
        size_t cap = (size_t)(rand_r(&seed) % 700);
        size_t req; float scale;
        float sc = in.f[0];
        ANY(edgetok_chronos_bins_encode(bins, in.f, n, ids, mask, cap, &req, &scale));
        ANY(edgetok_chronos_bins_encode_labels(bins, in.f, n, sc, ids, mask, cap, &req));
        ANY(edgetok_chronos_bins_decode(bins, in.i, n, sc, out, cap, &req));
        ANY(edgetok_resample(in.f, n, 1 + rand_r(&seed) % 96000, 1 + rand_r(&seed) % 96000, out, 4096, &req));
        ANY(edgetok_audio_codec_encode(mu, in.f, n, 1 + rand_r(&seed) % 48000, 1 + rand_r(&seed) % 3, 0, 0, ids, 4096, &req, NULL, NULL));
        ANY(edgetok_audio_codec_decode(mu, in.i, n, rand_r(&seed) % 3, out, cap, &req));
    }
    EXPECT(edgetok_chronos_bins_free(bins), EDGETOK_OK);
    EXPECT(edgetok_audio_codec_free(mu), EDGETOK_OK);
}

static edgetok_kairos *g_kairos;
/* Random-buffer rounds per thread (main thread: 8×). EDGETOK_MISUSE_ROUNDS lowers it where every call
 * costs more, e.g. the arm64 build under qemu emulation (bindings/c/CMakeLists.txt). */
static long g_rounds = 25;

static void *thread_main(void *arg) {
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int i = 0; i < 20; i++) {
        /* Create/destroy churn while other threads pass stale and made-up handles. */
        edgetok_chronos_bins *b = NULL;
        EXPECT(edgetok_chronos_bins_create(NULL, &b), EDGETOK_OK);
        size_t req;
        EXPECT(edgetok_chronos_bins_token_count(b, 10, &req), EDGETOK_OK);
        EXPECT(edgetok_chronos_bins_free(b), EDGETOK_OK);
        EXPECT(edgetok_chronos_bins_free(b), EDGETOK_STATUS_INVALID_HANDLE);
        EXPECT(edgetok_chronos_bins_token_count(b, 10, &req), EDGETOK_STATUS_INVALID_HANDLE);
        bad_handle_all(made_up[i % N_MADE_UP], EDGETOK_STATUS_INVALID_HANDLE);
        /* The thread-local error belongs to this thread. */
        EXPECT(edgetok_kairos_info_read(NULL, NULL), EDGETOK_STATUS_NULL_POINTER);
        TRUE_(strstr(edgetok_last_error(), "NULL") != NULL);
        if (g_kairos && i % 5 == 0) { /* a forecast costs ~0.1 s on 2 cores: a few per thread */
            float q[9 * 4];
            float s[64];
            for (int j = 0; j < 64; j++) s[j] = (float)((j * 7 + (int)seed) % 13);
            EXPECT(edgetok_kairos_forecast(g_kairos, s, 64, 4, NULL, q, 9 * 4, &req), EDGETOK_OK);
        }
    }
    random_buffers(seed, g_rounds);
    return NULL;
}

int main(int argc, char **argv) {
    snprintf(shared, sizeof shared, "%s", argc > 1 ? argv[1] : "../shared");
    edgetok_kairos *kairos = NULL;
    if (edgetok_kairos_load(path("golden/kairos-10m"), &kairos) != EDGETOK_OK) {
        fprintf(stderr, "note: Kairos model not loaded (%s); Kairos misuse cases skipped\n", edgetok_last_error());
        kairos = NULL;
    }
    g_kairos = kairos;
    null_pointers();
    handles(kairos);
    struct_sizes_and_buffers(kairos);
    const char *rounds = getenv("EDGETOK_MISUSE_ROUNDS");
    if (rounds && atol(rounds) > 0) g_rounds = atol(rounds);
    random_buffers(12345u, 8 * g_rounds);

    enum { N_THREADS = 16 };
    pthread_t th[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) pthread_create(&th[i], NULL, thread_main, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < N_THREADS; i++) pthread_join(th[i], NULL);

    if (kairos) {
        EXPECT(edgetok_kairos_free(kairos), EDGETOK_OK);
        bad_handle_all(kairos, EDGETOK_STATUS_INVALID_HANDLE); /* use after destroy, double destroy */
    }
    printf("misuse: %ld calls tried (%d threads at the end), %ld returned the expected status, %ld did not\n",
           calls, N_THREADS, passed, failed);
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
