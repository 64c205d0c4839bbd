/* C ABI Kairos tests against the golden files: load, info, tokenize (size query, too-small buffers),
 * RoPE tables, forecast (single and batch), bad input and handles. Prints "N passed, M failed". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edgetok.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, edgetok_last_error()); } } while (0)

static char root[1024];

/* Reads the float32 (or int64 → float) data of a version-1 .npy file; *count gets the element count. */
static float *npy(const char *rel, size_t *count) {
    char path[2048];
    snprintf(path, sizeof path, "%s/golden/kairos-10m/%s", root, rel);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    unsigned char pre[10];
    if (fread(pre, 1, 10, f) != 10) exit(2);
    size_t hlen = pre[8] | (pre[9] << 8);
    char *hdr = malloc(hlen + 1);
    if (fread(hdr, 1, hlen, f) != hlen) exit(2);
    hdr[hlen] = 0;
    int is_i8 = strstr(hdr, "<i8") != NULL;
    long start = ftell(f);
    fseek(f, 0, SEEK_END);
    size_t bytes = (size_t)(ftell(f) - start);
    fseek(f, start, SEEK_SET);
    size_t n = bytes / (is_i8 ? 8 : 4);
    float *out = malloc(n * sizeof(float));
    if (is_i8) {
        long long *tmp = malloc(bytes);
        if (fread(tmp, 1, bytes, f) != bytes) exit(2);
        for (size_t i = 0; i < n; i++) out[i] = (float)tmp[i];
        free(tmp);
    } else if (fread(out, 1, bytes, f) != bytes) exit(2);
    fclose(f);
    free(hdr);
    *count = n;
    return out;
}

static double rel_err(const float *a, const float *b, size_t n) {
    double err = 0, ref = 0;
    for (size_t i = 0; i < n; i++) {
        double x = isnan(a[i]) ? 0 : a[i], y = isnan(b[i]) ? 0 : b[i];
        if (fabs(x - y) > err) err = fabs(x - y);
        if (fabs(y) > ref) ref = fabs(y);
    }
    return ref > 0 ? err / ref : err;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: test_kairos SHARED_DIR\n"); return 2; }
    snprintf(root, sizeof root, "%s", argv[1]);
    char folder[1100];
    snprintf(folder, sizeof folder, "%s/golden/kairos-10m", root);

    edgetok_kairos *m = NULL;
    CHECK(edgetok_kairos_load(folder, &m) == EDGETOK_OK && m != NULL);

    edgetok_kairos_info info;
    memset(&info, 0, sizeof info);
    CHECK(edgetok_kairos_info_read(m, &info) == EDGETOK_STATUS_INVALID_ARGUMENT); /* struct_size unset */
    info.struct_size = sizeof info;
    CHECK(edgetok_kairos_info_read(m, &info) == EDGETOK_OK);
    CHECK(info.d_model == 256 && info.d_kv == 64 && info.num_quantiles == 9 && info.context_length == 2048);
    CHECK(info.steps_per_forward == 128 && info.num_rope_modules == 12 && info.patch_size == 128);

    size_t len = 0, n_emb = 0, n_sizes = 0, n_mask = 0, n_h96 = 0;
    float *x = npy("cases/A_full2048/input_past_target.npy", &len);
    float *g_emb = npy("cases/A_full2048/emb.input_embeds.npy", &n_emb);
    float *g_sizes = npy("cases/A_full2048/patch.token_size.npy", &n_sizes);
    float *g_mask = npy("cases/A_full2048/enc.attention_mask_with_reg.npy", &n_mask);
    float *g_h96 = npy("cases/A_full2048/gen_h96.frozen_bias.npy", &n_h96);

    /* Tokenize: size query, too-small buffer, then fill. */
    size_t n = 0;
    CHECK(edgetok_kairos_tokenize(m, x, len, NULL, 0, NULL, 0, NULL, 0, NULL, &n) == EDGETOK_OK);
    CHECK(n == 46 && n == n_sizes);
    float *emb = malloc(n * 256 * sizeof(float));
    int32_t *sizes = malloc(n * sizeof(int32_t));
    uint8_t *mask = malloc(n + 1);
    float ls[2];
    CHECK(edgetok_kairos_tokenize(m, x, len, emb, n * 256 - 1, NULL, 0, NULL, 0, NULL, NULL) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(edgetok_kairos_tokenize(m, x, len, emb, n * 256, sizes, n, mask, n + 1, ls, &n) == EDGETOK_OK);
    CHECK(rel_err(emb, g_emb, n * 256) < 1e-5);
    int same = 1;
    for (size_t i = 0; i < n; i++) same &= sizes[i] == (int32_t)g_sizes[i];
    for (size_t i = 0; i <= n; i++) same &= mask[i] == (uint8_t)g_mask[i];
    CHECK(same);
    CHECK(ls[1] > 0);

    /* RoPE of the first encoder module and of a named cross-attention module. */
    size_t need = 0;
    int32_t pos = 0, half = 0;
    CHECK(edgetok_kairos_rope(m, x, len, NULL, NULL, NULL, 0, &need, &pos, &half) == EDGETOK_OK);
    CHECK(pos == 47 && half == 32 && need == 47 * 32);
    float *cs = malloc(need * sizeof(float)), *sn = malloc(need * sizeof(float));
    CHECK(edgetok_kairos_rope(m, x, len, NULL, cs, sn, need, &need, NULL, NULL) == EDGETOK_OK);
    size_t n_cos = 0;
    float *g_cos = npy("cases/A_full2048/rope.enc0.cos.npy", &n_cos);
    CHECK(n_cos == need && rel_err(cs, g_cos, need) < 1e-4);
    CHECK(edgetok_kairos_rope(m, x, len, "decoder.block.0.layer.1.EncDecAttention", NULL, NULL, 0, &need, &pos, NULL) == EDGETOK_OK && pos == 47);
    CHECK(edgetok_kairos_rope(m, x, len, "no.such.module", NULL, NULL, 0, &need, NULL, NULL) == EDGETOK_STATUS_NOT_FOUND);

    /* Forecast h96 (golden) with NULL and with default options; batch of the same row twice. */
    float *q = malloc(9 * 96 * sizeof(float));
    CHECK(edgetok_kairos_forecast(m, x, len, 96, NULL, NULL, 0, &need) == EDGETOK_OK && need == 9 * 96);
    CHECK(edgetok_kairos_forecast(m, x, len, 96, NULL, q, 9 * 96, &need) == EDGETOK_OK);
    CHECK(rel_err(q, g_h96, 9 * 96) < 1e-5);
    edgetok_kairos_forecast_options opt;
    edgetok_kairos_forecast_options_init(&opt);
    CHECK(opt.struct_size == sizeof opt && opt.bias_mode == EDGETOK_KAIROS_BIAS_FROZEN);
    opt.infer_is_positive = 1;
    opt.force_flip_invariance = 1;
    size_t n_pf = 0;
    float *g_pf = npy("cases/A_full2048/gen_h96_pos_flip.frozen_bias.npy", &n_pf);
    CHECK(edgetok_kairos_forecast(m, x, len, 96, &opt, q, 9 * 96, NULL) == EDGETOK_OK);
    CHECK(rel_err(q, g_pf, 9 * 96) < 1e-5);
    float *two = malloc(2 * len * sizeof(float));
    memcpy(two, x, len * sizeof(float));
    memcpy(two + len, x, len * sizeof(float));
    float *qb = malloc(2 * 9 * 96 * sizeof(float));
    CHECK(edgetok_kairos_forecast_batch(m, two, 2, len, 96, &opt, qb, 2 * 9 * 96, &need) == EDGETOK_OK && need == 2 * 9 * 96);
    CHECK(rel_err(qb + 9 * 96, g_pf, 9 * 96) < 1e-5);

    /* Bad input. */
    CHECK(edgetok_kairos_forecast(m, x, len, 0, NULL, q, 9 * 96, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_kairos_forecast(m, x, len, 1000000, NULL, q, 9 * 96, NULL) == EDGETOK_STATUS_LIMIT_EXCEEDED);
    CHECK(edgetok_kairos_forecast(m, x, len, 96, NULL, q, 10, &need) == EDGETOK_STATUS_BUFFER_TOO_SMALL && need == 9 * 96);
    CHECK(edgetok_kairos_forecast(m, NULL, 10, 96, NULL, q, 9 * 96, NULL) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_kairos_forecast(m, x, 0, 96, NULL, q, 9 * 96, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    float inf_series[3] = {1.0f, INFINITY, 2.0f};
    CHECK(edgetok_kairos_forecast(m, inf_series, 3, 96, NULL, q, 9 * 96, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    opt.bias_mode = 7;
    CHECK(edgetok_kairos_forecast(m, x, len, 96, &opt, q, 9 * 96, NULL) == EDGETOK_STATUS_INVALID_ARGUMENT);
    edgetok_kairos *bad = (edgetok_kairos *)1;
    CHECK(edgetok_kairos_load("/no/such/folder", &bad) == EDGETOK_STATUS_NOT_FOUND && bad == NULL);
    CHECK(edgetok_kairos_load(folder, NULL) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_kairos_info_read(NULL, &info) == EDGETOK_STATUS_NULL_POINTER);

    CHECK(edgetok_kairos_free(m) == EDGETOK_OK);
    CHECK(edgetok_kairos_forecast(m, x, len, 96, NULL, q, 9 * 96, NULL) == EDGETOK_STATUS_INVALID_HANDLE);
    CHECK(edgetok_kairos_free(NULL) == EDGETOK_OK);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
