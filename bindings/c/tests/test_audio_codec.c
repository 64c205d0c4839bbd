/* C ABI tests of the audio codecs: the weight-free mu-law codec, the tiny EnCodec golden model
 * (codes and decoded audio against the reference), the two-call pattern, bad input and handles,
 * concurrent use of one handle. argv[1] = shared folder, argv[2] = the repository's
 * models/encodec-24k-tiny/edgetok.json. Prints "N passed, M failed"; exits non-zero on failure. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgetok.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, edgetok_last_error()); } } while (0)

static char golden[1024], manifest[1024];

static void *read_file(const char *name, size_t *bytes) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", golden, name);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END);
    *bytes = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(*bytes);
    if (fread(p, 1, *bytes, f) != *bytes) exit(2);
    fclose(f);
    return p;
}

static void test_mulaw(void) {
    edgetok_audio_codec *c = NULL;
    CHECK(edgetok_audio_codec_load("mulaw", NULL, 0, &c) == EDGETOK_OK && c != NULL);
    edgetok_audio_codec_info info;
    memset(&info, 0, sizeof info);
    CHECK(edgetok_audio_codec_info_read(c, &info) == EDGETOK_STATUS_INVALID_ARGUMENT);   /* struct_size unset */
    info.struct_size = sizeof info;
    CHECK(edgetok_audio_codec_info_read(c, &info) == EDGETOK_OK);
    CHECK(info.sample_rate == 16000 && info.channels == 1 && info.codebooks == 1 && info.codebook_size == 256);
    CHECK(info.hop_length == 1 && info.frame_rate == 16000.0 && info.latent_dim == 0);
    char kind[16];
    size_t need = 0;
    CHECK(edgetok_audio_codec_kind(c, NULL, 0, &need) == EDGETOK_OK && need == 6);
    CHECK(edgetok_audio_codec_kind(c, kind, sizeof kind, &need) == EDGETOK_OK && strcmp(kind, "mulaw") == 0);

    const float pcm[3] = {0.0f, 2.0f, -1.0f};
    size_t frames = 0;
    int32_t k = 0;
    CHECK(edgetok_audio_codec_encode(c, pcm, 3, 16000, 1, 0, 0, NULL, 0, &need, &frames, &k) == EDGETOK_OK);
    CHECK(need == 3 && frames == 3 && k == 1);
    int32_t codes[3] = {-1, -1, -1};
    CHECK(edgetok_audio_codec_encode(c, pcm, 3, 16000, 1, 0, 0, codes, 2, &need, NULL, NULL) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(codes[0] == -1);
    CHECK(edgetok_audio_codec_encode(c, pcm, 3, 16000, 1, 0, 0, codes, 3, &need, NULL, NULL) == EDGETOK_OK);
    CHECK(codes[0] == 128 && codes[1] == 255 && codes[2] == 0);
    float out[3];
    CHECK(edgetok_audio_codec_decode(c, codes, 3, 1, out, 3, &need) == EDGETOK_OK && need == 3);
    CHECK(fabsf(out[1] - 1.0f) < 1e-6f && fabsf(out[2] + 1.0f) < 1e-6f && fabsf(out[0]) < 1e-3f);
    /* 32 kHz input is resampled to 16 kHz first: 3200 samples -> 1600 codes. */
    float *tone = calloc(3200, sizeof(float));
    CHECK(edgetok_audio_codec_encode(c, tone, 3200, 32000, 1, 0, 0, NULL, 0, &need, &frames, NULL) == EDGETOK_OK && frames == 1600);
    free(tone);
    const float nan_pcm[2] = {0.0f, NAN};
    CHECK(edgetok_audio_codec_encode(c, nan_pcm, 2, 16000, 1, 0, 0, codes, 3, &need, NULL, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(edgetok_last_error(), "index 1") != NULL);
    CHECK(edgetok_audio_codec_encode(c, pcm, 0, 16000, 1, 0, 0, codes, 3, &need, NULL, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    codes[1] = 256;
    CHECK(edgetok_audio_codec_decode(c, codes, 3, 1, out, 3, &need) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_audio_codec_free(c) == EDGETOK_OK);
    CHECK(edgetok_audio_codec_free(c) == EDGETOK_STATUS_INVALID_HANDLE);
    CHECK(edgetok_audio_codec_free(NULL) == EDGETOK_OK);
}

typedef struct { edgetok_audio_codec *codec; const float *wav; int32_t codes[75 * 8]; int status; } job;

static void *encode_job(void *arg) {
    job *j = arg;
    size_t need = 0;
    j->status = edgetok_audio_codec_encode(j->codec, j->wav, 24000, 24000, 1, 3.6, 0, j->codes, 75 * 8, &need, NULL, NULL);
    return NULL;
}

static void test_encodec(void) {
    edgetok_audio_codec *c = NULL;
    CHECK(edgetok_audio_codec_load(golden, manifest, 1, &c) == EDGETOK_OK && c != NULL);
    if (!c) return;
    char kind[16];
    CHECK(edgetok_audio_codec_kind(c, kind, sizeof kind, NULL) == EDGETOK_OK && strcmp(kind, "encodec") == 0);
    int32_t k = 0;
    CHECK(edgetok_audio_codec_codebooks(c, 1.8, 0, &k) == EDGETOK_OK && k == 4);
    CHECK(edgetok_audio_codec_codebooks(c, 0, 0, &k) == EDGETOK_OK && k == 8);
    CHECK(edgetok_audio_codec_codebooks(c, 0.9, 3, &k) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_audio_codec_codebooks(c, 0, 9, &k) == EDGETOK_STATUS_INVALID_ARGUMENT);

    size_t bytes;
    float *wav = read_file("caseA_wav.f32", &bytes);
    int32_t *golden_codes = read_file("caseA_codes_bw1p8.i32", &bytes);   /* [4, 75] */
    float *golden_dec = read_file("caseA_dec_bw1p8.f32", &bytes);         /* [24000] */
    size_t need = 0, frames = 0;
    CHECK(edgetok_audio_codec_encode(c, wav, 24000, 24000, 1, 1.8, 0, NULL, 0, &need, &frames, &k) == EDGETOK_OK);
    CHECK(need == 300 && frames == 75 && k == 4);
    int32_t codes[300];
    CHECK(edgetok_audio_codec_encode(c, wav, 24000, 24000, 1, 1.8, 0, codes, 300, &need, NULL, NULL) == EDGETOK_OK);
    int mismatches = 0;
    for (int t = 0; t < 75; t++)
        for (int q = 0; q < 4; q++) mismatches += codes[t * 4 + q] != golden_codes[q * 75 + t];
    CHECK(mismatches == 0);
    float *pcm = malloc(24000 * sizeof(float));
    CHECK(edgetok_audio_codec_decode(c, codes, 75, 4, NULL, 0, &need) == EDGETOK_OK && need == 24000);
    CHECK(edgetok_audio_codec_decode(c, codes, 75, 4, pcm, 24000, &need) == EDGETOK_OK);
    float err = 0;
    for (int i = 0; i < 24000; i++) err = fmaxf(err, fabsf(pcm[i] - golden_dec[i]));
    CHECK(err <= 1e-4f);
    CHECK(edgetok_audio_codec_decode(c, codes, 75, 9, pcm, 24000, &need) == EDGETOK_STATUS_INVALID_ARGUMENT);
    codes[7] = 64;
    CHECK(edgetok_audio_codec_decode(c, codes, 75, 4, pcm, 24000, &need) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(edgetok_last_error(), "code 64 at frame 1, codebook 3") != NULL);
    CHECK(edgetok_audio_codec_encode(c, wav, 24000, 24000, 0, 0, 0, codes, 300, &need, NULL, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);

    /* One handle, two threads at once: same codes as the reference. */
    job jobs[2] = {{c, wav, {0}, -1}, {c, wav, {0}, -1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, encode_job, &jobs[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    int32_t *golden8 = read_file("caseA_codes_bw3p6.i32", &bytes);
    for (int i = 0; i < 2; i++) {
        CHECK(jobs[i].status == EDGETOK_OK);
        int bad = 0;
        for (int t = 0; t < 75; t++)
            for (int q = 0; q < 8; q++) bad += jobs[i].codes[t * 8 + q] != golden8[q * 75 + t];
        CHECK(bad == 0);
    }
    CHECK(edgetok_audio_codec_free(c) == EDGETOK_OK);
    free(wav); free(golden_codes); free(golden_dec); free(pcm); free(golden8);
}

static void test_bad_load(void) {
    edgetok_audio_codec *c = (edgetok_audio_codec *)1;
    CHECK(edgetok_audio_codec_load("/nonexistent/model", NULL, 0, &c) == EDGETOK_STATUS_NOT_FOUND && c == NULL);
    CHECK(edgetok_audio_codec_load(NULL, NULL, 0, &c) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_audio_codec_load(golden, manifest, -1, &c) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_audio_codec_load(golden, NULL, 0, &c) == EDGETOK_STATUS_NOT_FOUND);   /* no edgetok.json there */
    CHECK(edgetok_audio_codec_load("mulaw", NULL, 0, NULL) == EDGETOK_STATUS_NULL_POINTER);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: test_audio_codec SHARED MANIFEST\n"); return 2; }
    snprintf(golden, sizeof golden, "%s/golden/encodec-24k-tiny", argv[1]);
    snprintf(manifest, sizeof manifest, "%s", argv[2]);
    test_mulaw();
    test_encodec();
    test_bad_load();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
