/* Stream soak over the C ABI: loops real clips (WAV, read and resampled to the codec's rate with
 * edgetok_wav_read_mono) through one edgetok_encoder_stream and one edgetok_decoder_stream in pushes of
 * seeded random size, as an app would. Checks, for the exactly streaming codecs (Lyra v2, mu-law):
 *   - counts: after every push, frames pulled == floor(samples pushed / hop); after every decoder push,
 *     samples decoded == frames * hop; after the flush, frames == ceil(pushed / hop);
 *   - content: every frame before the flush equals the offline edgetok_audio_codec_encode of the first
 *     two loops (later loops repeat the second), and every decoded sample equals the offline decode, bit
 *     for bit; after reset, a replayed loop gives the reference again;
 *   - memory: the process RSS (VmRSS), read every 1/100 of the run, stays within the tolerance of its
 *     value after the first 10 % (the warm-up).
 * usage: test_soak MODEL MINUTES TOLERANCE_PERCENT CLIP.wav [CLIP.wav ...]
 * Prints one "soak: ..." summary line; exits 1 when a check fails, 2 on a setup error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgetok.h"

#define DIE(...) do { fprintf(stderr, __VA_ARGS__); fprintf(stderr, " (%s)\n", edgetok_last_error()); exit(2); } while (0)

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t next_random(void) {   /* xorshift64*: the same pushes on every run */
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) { kb = strtol(line + 6, NULL, 10); break; }
    fclose(f);
    return kb;
}

/* Run state. */
static int32_t K, hop;
static int32_t *ref_codes, *codes_buf;
static float *ref_pcm, *pcm_buf;
static size_t loop_frames, loop_samples;   /* samples per channel at the codec's rate */
static long long frames, decoded, checks, count_errors, codes_differ, samples_differ, frames_compared;
static int compare = 1;
static edgetok_encoder_stream *enc;
static edgetok_decoder_stream *dec;

static void expect(int ok, const char *what, long long got, long long want) {
    checks++;
    if (ok) return;
    if (++count_errors <= 5) fprintf(stderr, "count mismatch: %s: %lld, expected %lld\n", what, got, want);
}

static void drain_decoder(void) {
    size_t n;
    size_t period = loop_samples;
    do {
        if (edgetok_decoder_stream_pull(dec, pcm_buf, 4096, &n) != EDGETOK_OK) DIE("decoder pull failed");
        for (size_t i = 0; compare && i < n; i++) {
            long long s = decoded + (long long)i;
            size_t r = s < 2 * (long long)period ? (size_t)s : period + (size_t)s % period;
            if (memcmp(&pcm_buf[i], &ref_pcm[r], sizeof(float)) != 0) samples_differ++;
        }
        decoded += (long long)n;
    } while (n > 0);
}

static void drain_encoder(void) {
    size_t f;
    do {
        if (edgetok_encoder_stream_pull(enc, codes_buf, 64, &f) != EDGETOK_OK) DIE("encoder pull failed");
        for (size_t i = 0; compare && i < f; i++) {
            long long t = frames + (long long)i;
            size_t r = t < 2 * (long long)loop_frames ? (size_t)t : loop_frames + (size_t)t % loop_frames;
            for (int32_t q = 0; q < K; q++)
                if (codes_buf[i * (size_t)K + (size_t)q] != ref_codes[r * (size_t)K + (size_t)q]) codes_differ++;
            frames_compared++;
        }
        if (f > 0) {
            if (edgetok_decoder_stream_push(dec, codes_buf, f, K) != EDGETOK_OK) DIE("decoder push failed");
            frames += (long long)f;
            drain_decoder();
            expect(decoded == frames * hop, "decoded samples after a decoder push", decoded, frames * hop);
        }
    } while (f > 0);
}

/* Pushes from the loop in random chunks of 1..max_chunk until *pushed reaches upto, checking counts. */
static void push_until(const float *loop, long long upto, size_t max_chunk, float *chunk, long long *pushed, long long *pushes) {
    while (*pushed < upto) {
        size_t n = 1 + next_random() % max_chunk;
        if ((long long)n > upto - *pushed) n = (size_t)(upto - *pushed);
        size_t at = (size_t)(*pushed % (long long)loop_samples);
        const float *p = loop + at;
        if (at + n > loop_samples) {   /* wraps to the loop's start: still one push of n samples */
            size_t first = loop_samples - at;
            memcpy(chunk, p, first * sizeof(float));
            memcpy(chunk + first, loop, (n - first) * sizeof(float));
            p = chunk;
        }
        if (edgetok_encoder_stream_push(enc, p, n) != EDGETOK_OK) DIE("encoder push failed");
        *pushed += (long long)n;
        (*pushes)++;
        drain_encoder();
        expect(frames == *pushed / hop, "frames after a push", frames, *pushed / hop);
    }
}

/* Flushes both streams and checks the final counts. */
static void finish(long long pushed) {
    if (edgetok_encoder_stream_flush(enc) != EDGETOK_OK) DIE("encoder flush failed");
    compare = 0;   /* the flushed tail is zero-padded: nothing to compare it with */
    drain_encoder();
    if (edgetok_decoder_stream_flush(dec) != EDGETOK_OK) DIE("decoder flush failed");
    drain_decoder();
    expect(frames == (pushed + hop - 1) / hop, "frames after the flush", frames, (pushed + hop - 1) / hop);
    expect(decoded == frames * hop, "decoded samples after the flush", decoded, frames * hop);
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: test_soak MODEL MINUTES TOLERANCE_PERCENT CLIP.wav [CLIP.wav ...]\n"); return 2; }
    double minutes = atof(argv[2]), tolerance = atof(argv[3]) / 100;
    edgetok_audio_codec *codec = NULL;
    if (edgetok_audio_codec_load(argv[1], NULL, 1, &codec) != EDGETOK_OK) DIE("cannot load %s", argv[1]);
    edgetok_audio_codec_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (edgetok_audio_codec_info_read(codec, &info) != EDGETOK_OK) DIE("codec info");
    char kind[64];
    if (edgetok_audio_codec_kind(codec, kind, sizeof kind, NULL) != EDGETOK_OK) DIE("codec kind");
    if (strcmp(kind, "lyra") != 0 && strcmp(kind, "mulaw") != 0) { fprintf(stderr, "test_soak checks exact codecs (lyra, mulaw), not %s\n", kind); return 2; }
    hop = info.hop_length;
    int32_t rate = info.sample_rate;
    if (info.channels != 1) { fprintf(stderr, "test_soak streams mono codecs\n"); return 2; }

    /* The loop: the clips at the codec's rate, cut to whole frames. */
    size_t cap = 0, len = 0;
    float *loop = NULL;
    for (int a = 4; a < argc; a++) {
        size_t need = 0;
        if (edgetok_wav_read_mono(argv[a], rate, NULL, 0, &need, NULL) != EDGETOK_OK) DIE("cannot read %s", argv[a]);
        if (len + need > cap) { cap = 2 * (len + need); loop = realloc(loop, cap * sizeof(float)); }
        if (edgetok_wav_read_mono(argv[a], rate, loop + len, need, &need, NULL) != EDGETOK_OK) DIE("cannot read %s", argv[a]);
        len += need;
    }
    loop_samples = len / (size_t)hop * (size_t)hop;
    loop_frames = loop_samples / (size_t)hop;
    if (loop_samples < (size_t)rate) { fprintf(stderr, "the clips hold less than 1 s\n"); return 2; }

    edgetok_stream_options o;
    edgetok_stream_options_init(&o);
    if (edgetok_encoder_stream_create(codec, rate, &o, &enc) != EDGETOK_OK) DIE("encoder stream");
    if (edgetok_encoder_stream_layout(enc, &K, NULL) != EDGETOK_OK) DIE("layout");
    o.n_codebooks = K;
    if (edgetok_decoder_stream_create(codec, &o, &dec) != EDGETOK_OK) DIE("decoder stream");

    /* Offline reference: two loops plus a little of a third (so the second loop's last frame is whole). */
    size_t ref_len = 2 * loop_samples + (size_t)hop + 2, need = 0, ref_frames = 2 * loop_frames;
    float *ref_in = malloc(ref_len * sizeof(float));
    memcpy(ref_in, loop, loop_samples * sizeof(float));
    memcpy(ref_in + loop_samples, loop, loop_samples * sizeof(float));
    memcpy(ref_in + 2 * loop_samples, loop, ((size_t)hop + 2) * sizeof(float));
    if (edgetok_audio_codec_encode(codec, ref_in, ref_len, rate, 1, 0, K, NULL, 0, &need, NULL, NULL) != EDGETOK_OK) DIE("reference size");
    int32_t *all = malloc(need * sizeof(int32_t));
    if (edgetok_audio_codec_encode(codec, ref_in, ref_len, rate, 1, 0, K, all, need, &need, NULL, NULL) != EDGETOK_OK) DIE("reference encode");
    ref_codes = all;
    if (edgetok_audio_codec_decode(codec, ref_codes, ref_frames, K, NULL, 0, &need) != EDGETOK_OK) DIE("reference decode size");
    ref_pcm = malloc(need * sizeof(float));
    if (edgetok_audio_codec_decode(codec, ref_codes, ref_frames, K, ref_pcm, need, &need) != EDGETOK_OK) DIE("reference decode");
    free(ref_in);

    codes_buf = malloc(64 * (size_t)K * sizeof(int32_t));
    pcm_buf = malloc(4096 * sizeof(float));
    size_t max_chunk = (size_t)(0.06 * rate);
    float *chunk = malloc(max_chunk * sizeof(float));
    long long total = (long long)llround(minutes * 60 * rate);

    /* Run in 100 slices with an RSS reading after each (one stream throughout). */
    long rss[101];
    int nr = 0;
    rss[nr++] = rss_kb();
    long long pushes = 0, pushed = 0;
    for (int slice = 1; slice <= 100; slice++) {
        push_until(loop, total * slice / 100, max_chunk, chunk, &pushed, &pushes);
        rss[nr++] = rss_kb();
    }
    finish(pushed);
    long long main_frames = frames, main_decoded = decoded, main_compared = frames_compared;
    long long main_codes_differ = codes_differ, main_samples_differ = samples_differ;

    /* Reset and replay one loop: the initial state must come back. */
    if (edgetok_encoder_stream_reset(enc) != EDGETOK_OK || edgetok_decoder_stream_reset(dec) != EDGETOK_OK) DIE("reset");
    frames = decoded = 0;
    compare = 1;
    long long replayed = 0, replay_pushes = 0;
    push_until(loop, (long long)loop_samples, max_chunk, chunk, &replayed, &replay_pushes);
    finish(replayed);
    long long replay_differ = codes_differ - main_codes_differ + samples_differ - main_samples_differ;

    int base = 10;   /* first reading after the 10 % warm-up */
    long lo = rss[base], hi = rss[base];
    for (int i = base; i < nr; i++) { if (rss[i] < lo) lo = rss[i]; if (rss[i] > hi) hi = rss[i]; }
    double dev = fmax((double)(hi - rss[base]), (double)(rss[base] - lo)) / (double)rss[base];
    int ok = count_errors == 0 && codes_differ == 0 && samples_differ == 0 && dev <= tolerance;
    printf("soak: codec=%s rate=%d audio_s=%.0f pushes=%lld pushed=%lld frames=%lld decoded=%lld checks=%lld count_errors=%lld "
           "frames_compared=%lld codes_differ=%lld samples_differ=%lld replay_differ=%lld "
           "rss_kb_start=%ld rss_kb_baseline=%ld rss_kb_end=%ld rss_kb_min=%ld rss_kb_max=%ld rss_deviation=%.3f%% result=%s\n",
           kind, rate, (double)pushed / rate, pushes, pushed, main_frames, main_decoded, checks, count_errors,
           main_compared, main_codes_differ, main_samples_differ, replay_differ,
           rss[0], rss[base], rss[nr - 1], lo, hi, 100 * dev, ok ? "pass" : "FAIL");
    edgetok_encoder_stream_free(enc);
    edgetok_decoder_stream_free(dec);
    edgetok_audio_codec_free(codec);
    free(loop); free(all); free(ref_pcm); free(codes_buf); free(pcm_buf); free(chunk);
    return ok ? 0 : 1;
}
