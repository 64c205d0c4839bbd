/* C ABI core tests: versions, build info, two-call buffers, NULL pointers, struct_size, bad files,
 * thread-local errors and the log callback. Prints "N passed, M failed" and exits non-zero on failure. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgetok.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, edgetok_last_error()); } } while (0)

static char shared[1024];
static const char *data(const char *rel) {
    static char buf[2048];
    snprintf(buf, sizeof buf, "%s/%s", shared, rel);
    return buf;
}

static void test_versions(void) {
    CHECK(edgetok_abi_version() == ((EDGETOK_ABI_MAJOR << 16) | EDGETOK_ABI_MINOR));
    CHECK(strcmp(edgetok_version(), "0.1.0") == 0);
    CHECK(strcmp(edgetok_status_string(EDGETOK_OK), "ok") == 0);
    CHECK(strcmp(edgetok_status_string(EDGETOK_STATUS_BUFFER_TOO_SMALL), "buffer too small") == 0);
    CHECK(strcmp(edgetok_status_string(12345), "unknown status") == 0);
    /* Static strings keep their address. */
    CHECK(edgetok_version() == edgetok_version());
}

static void test_build_info(void) {
    size_t need = 0;
    CHECK(edgetok_build_info(NULL, 0, &need) == EDGETOK_OK);
    CHECK(need > 20);
    char small[8];
    size_t need2 = 0;
    CHECK(edgetok_build_info(small, sizeof small, &need2) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(need2 == need);
    CHECK(strstr(edgetok_last_error(), "needed") != NULL);
    CHECK(edgetok_build_info(NULL, 100, &need2) == EDGETOK_STATUS_NULL_POINTER);
    char *buf = malloc(need);
    CHECK(edgetok_build_info(buf, need, NULL) == EDGETOK_OK);
    CHECK(strlen(buf) == need - 1);
    CHECK(strstr(buf, "\"runtime\":\"native-aot\"") != NULL);
    /* This test binary resolves libedgetok.so through its rpath, so glibc-hwcaps picks the variant
     * matching the CPU: the compiled level equals the CPU level (on arm64 both are "arm64"). */
    const char *c = strstr(buf, "\"isa_compiled\":\""), *p = strstr(buf, "\"isa_cpu\":\"");
    CHECK(c && p);
    if (c && p) {
        c += 16; p += 11;
        size_t lc = strcspn(c, "\""), lp = strcspn(p, "\"");
        CHECK(lc > 0 && lc == lp && strncmp(c, p, lc) == 0);
    }
    free(buf);
}

static void test_wav(void) {
    edgetok_wav_info wi;
    memset(&wi, 0, sizeof wi);
    wi.struct_size = sizeof wi;
    CHECK(edgetok_wav_info_read(data("data/audio/speech/vctk/p240_00000.wav"), &wi) == EDGETOK_OK);
    CHECK(wi.sample_rate == 24000 && wi.channels == 1 && wi.bits_per_sample == 16 && wi.frames > 0);
    wi.struct_size = 4;
    CHECK(edgetok_wav_info_read(data("data/audio/speech/vctk/p240_00000.wav"), &wi) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(edgetok_last_error(), "struct_size") != NULL);
    wi.struct_size = sizeof wi;
    CHECK(edgetok_wav_info_read(NULL, &wi) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_wav_info_read(data("data/audio/speech/vctk/p240_00000.wav"), NULL) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_wav_info_read(data("no/such/file.wav"), &wi) == EDGETOK_STATUS_NOT_FOUND);
    CHECK(edgetok_wav_info_read(data("data/timeseries/darts/AirPassengers.csv"), &wi) == EDGETOK_STATUS_INVALID_FORMAT);

    size_t need = 0;
    int32_t rate = 0;
    CHECK(edgetok_wav_read_mono(data("data/audio/speech/vctk/p240_00000.wav"), 16000, NULL, 0, &need, &rate) == EDGETOK_OK);
    CHECK(rate == 16000 && need > 0);
    float *pcm = malloc(need * sizeof *pcm);
    size_t need2 = 0;
    CHECK(edgetok_wav_read_mono(data("data/audio/speech/vctk/p240_00000.wav"), 16000, pcm, need - 1, &need2, NULL) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(need2 == need);
    CHECK(edgetok_wav_read_mono(data("data/audio/speech/vctk/p240_00000.wav"), 16000, pcm, need, &need2, NULL) == EDGETOK_OK);
    CHECK(edgetok_wav_read_mono(data("data/audio/speech/vctk/p240_00000.wav"), -5, pcm, need, &need2, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    free(pcm);
}

static void test_series(void) {
    const char *csv = data("data/timeseries/darts/AirPassengers.csv");
    size_t need = 0;
    CHECK(edgetok_series_read(csv, NULL, NULL, 0, &need) == EDGETOK_OK);
    CHECK(need == 144);
    float v[144];
    CHECK(edgetok_series_read(csv, "#Passengers", v, 144, &need) == EDGETOK_OK);
    CHECK(v[0] == 112.0f && v[1] == 118.0f);
    CHECK(edgetok_series_read(csv, "1", v, 10, &need) == EDGETOK_STATUS_BUFFER_TOO_SMALL && need == 144);
    CHECK(edgetok_series_read(csv, "Month", v, 144, &need) == EDGETOK_STATUS_INVALID_FORMAT);
    CHECK(strstr(edgetok_last_error(), "AirPassengers.csv:2") != NULL);
    CHECK(edgetok_series_read(csv, "no such column", v, 144, &need) == EDGETOK_STATUS_NOT_FOUND);
    CHECK(edgetok_series_read(data("no/such/file.csv"), NULL, v, 144, &need) == EDGETOK_STATUS_NOT_FOUND);
    CHECK(edgetok_series_read(NULL, NULL, v, 144, &need) == EDGETOK_STATUS_NULL_POINTER);
}

static void test_resample(void) {
    float in[480], out[160];
    for (int i = 0; i < 480; i++) in[i] = (i == 240) ? 1.0f : 0.0f;
    size_t need = 0;
    CHECK(edgetok_resample(in, 480, 48000, 16000, out, 160, &need) == EDGETOK_OK);
    CHECK(need == 160);
    int peak = 0;
    for (int i = 1; i < 160; i++) if (out[i] > out[peak]) peak = i;
    CHECK(peak == 80); /* time-aligned: sample 240 at 48 kHz is sample 80 at 16 kHz */
    CHECK(edgetok_resample(NULL, 480, 48000, 16000, out, 160, &need) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_resample(in, 480, 0, 16000, out, 160, &need) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_resample(in, 480, 48000, 16000, out, 10, &need) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(edgetok_resample(in, 0, 48000, 16000, NULL, 0, &need) == EDGETOK_OK && need == 0);
}

static void *thread_error(void *arg) {
    (void)arg;
    edgetok_resample(NULL, 5, 1, 1, NULL, 0, NULL);
    return strstr(edgetok_last_error(), "input") ? (void *)1 : NULL;
}

static void test_thread_local_errors(void) {
    edgetok_wav_info_read(NULL, NULL);
    char before[256];
    snprintf(before, sizeof before, "%s", edgetok_last_error());
    pthread_t t;
    void *ok = NULL;
    pthread_create(&t, NULL, thread_error, NULL);
    pthread_join(t, &ok);
    CHECK(ok != NULL);
    CHECK(strcmp(before, edgetok_last_error()) == 0);
}

static int log_calls;
static void on_log(int32_t level, const char *msg, void *user) {
    (void)level;
    if (user == (void *)&log_calls && msg && strstr(msg, "edgetok")) log_calls++;
}

static void test_log_callback(void) {
    CHECK(edgetok_set_log_callback(on_log, EDGETOK_LOG_DEBUG, &log_calls) == EDGETOK_OK);
    CHECK(log_calls >= 1);
    CHECK(edgetok_set_log_callback(on_log, 7, &log_calls) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_set_log_callback(NULL, EDGETOK_LOG_INFO, NULL) == EDGETOK_OK);
}

int main(int argc, char **argv) {
    snprintf(shared, sizeof shared, "%s", argc > 1 ? argv[1] : "../shared");
    test_versions();
    test_build_info();
    test_wav();
    test_series();
    test_resample();
    test_thread_local_errors();
    test_log_callback();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
