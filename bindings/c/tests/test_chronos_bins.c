/* C ABI tests of the Chronos mean-scale uniform-bin tokenizer: defaults, ids/mask/EOS layout, the
 * two-call pattern, labels, decoding, bad input and handles, concurrent use of one handle.
 * Prints "N passed, M failed" and exits non-zero on failure. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "edgetok.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; \
    fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, edgetok_last_error()); } } while (0)

/* Ids of a scaled value of exactly 1.0 and 2.0 with the default bins: nearest centers 2182 and 2319,
 * plus 3 (n_special_tokens + 1). -1.0 mirrors to 4098 - 2185. */
enum { ID_ONE = 2185, ID_TWO = 2322, ID_MINUS_ONE = 4098 - 2185 };

static void test_defaults(void) {
    edgetok_chronos_bins_config c;
    memset(&c, 0xAB, sizeof c);
    CHECK(edgetok_chronos_bins_config_init(&c) == EDGETOK_OK);
    CHECK(c.struct_size == sizeof c);
    CHECK(c.n_tokens == 4096 && c.n_special_tokens == 2 && c.pad_token_id == 0 && c.eos_token_id == 1);
    CHECK(c.low_limit == -15.0f && c.high_limit == 15.0f && c.context_length == 512 && c.append_eos == 1);
    CHECK(edgetok_chronos_bins_config_init(NULL) == EDGETOK_STATUS_NULL_POINTER);

    edgetok_chronos_bins *b = NULL;
    CHECK(edgetok_chronos_bins_create(NULL, &b) == EDGETOK_OK && b != NULL);
    size_t need = 0;
    CHECK(edgetok_chronos_bins_centers(b, NULL, 0, &need) == EDGETOK_OK && need == 4093);
    float centers[4093];
    CHECK(edgetok_chronos_bins_centers(b, centers, 4093, &need) == EDGETOK_OK);
    CHECK(centers[0] == -15.0f && centers[4092] == 15.0f && fabsf(centers[2046]) < 1e-6f);
    CHECK(edgetok_chronos_bins_token_count(b, 1000, &need) == EDGETOK_OK && need == 513);
    CHECK(edgetok_chronos_bins_token_count(b, 0, &need) == EDGETOK_OK && need == 1);
    CHECK(edgetok_chronos_bins_free(b) == EDGETOK_OK);
}

static void test_encode_labels_decode(void) {
    edgetok_chronos_bins *b = NULL;
    CHECK(edgetok_chronos_bins_create(NULL, &b) == EDGETOK_OK);
    const float x[5] = {NAN, 2.0f, -4.0f, 6.0f, NAN};   /* scale (2 + 4 + 6) / 3 = 4 */
    size_t need = 0;
    float scale = -7.0f;
    CHECK(edgetok_chronos_bins_encode(b, x, 5, NULL, NULL, 0, &need, &scale) == EDGETOK_OK);
    CHECK(need == 6 && scale == -7.0f);   /* size query leaves *scale alone */

    int32_t ids[6] = {-9, -9, -9, -9, -9, -9};
    uint8_t mask[6] = {9, 9, 9, 9, 9, 9};
    size_t need2 = 0;
    CHECK(edgetok_chronos_bins_encode(b, x, 5, ids, mask, 5, &need2, &scale) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(need2 == 6 && ids[0] == -9 && mask[0] == 9 && scale == -7.0f);
    CHECK(edgetok_chronos_bins_encode(b, x, 5, ids, NULL, 6, &need2, &scale) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_chronos_bins_encode(b, x, 5, ids, mask, 6, &need2, &scale) == EDGETOK_OK);
    CHECK(scale == 4.0f);
    /* 2 / 4 = 0.5: nearest center round(15.5 / (30 / 4092)) = 2114 (2114.2), id 2117. */
    CHECK(ids[0] == 0 && ids[1] == 2117 && ids[2] == ID_MINUS_ONE && ids[4] == 0 && ids[5] == 1);
    CHECK(ids[3] > ID_ONE && ids[3] < ID_TWO);   /* 6 / 4 = 1.5 */
    const uint8_t want_mask[6] = {0, 1, 1, 1, 0, 1};
    CHECK(memcmp(mask, want_mask, 6) == 0);

    /* Labels reuse the context's scale. */
    const float future[3] = {4.0f, 8.0f, NAN};
    int32_t lids[4];
    uint8_t lmask[4];
    CHECK(edgetok_chronos_bins_encode_labels(b, future, 3, scale, NULL, NULL, 0, &need) == EDGETOK_OK && need == 4);
    CHECK(edgetok_chronos_bins_encode_labels(b, future, 3, scale, lids, lmask, 4, &need) == EDGETOK_OK);
    CHECK(lids[0] == ID_ONE && lids[1] == ID_TWO && lids[2] == 0 && lids[3] == 1);
    CHECK(lmask[0] == 1 && lmask[1] == 1 && lmask[2] == 0 && lmask[3] == 1);
    CHECK(edgetok_chronos_bins_encode_labels(b, future, 3, 0.0f, lids, lmask, 4, &need) == EDGETOK_STATUS_INVALID_ARGUMENT);

    /* Decoding: centers[id - 3] * scale, special ids to the first center. */
    float centers[4093];
    CHECK(edgetok_chronos_bins_centers(b, centers, 4093, NULL) == EDGETOK_OK);
    const int32_t dids[3] = {ID_ONE, 1, 5000};
    float v[3];
    CHECK(edgetok_chronos_bins_decode(b, dids, 3, 4.0f, NULL, 0, &need) == EDGETOK_OK && need == 3);
    CHECK(edgetok_chronos_bins_decode(b, dids, 3, 4.0f, v, 2, &need) == EDGETOK_STATUS_BUFFER_TOO_SMALL);
    CHECK(edgetok_chronos_bins_decode(b, dids, 3, 4.0f, v, 3, &need) == EDGETOK_OK);
    CHECK(v[0] == centers[2182] * 4.0f && v[1] == -60.0f && v[2] == 60.0f);
    CHECK(edgetok_chronos_bins_decode(b, dids, 3, NAN, v, 3, &need) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(edgetok_chronos_bins_decode(b, NULL, 3, 1.0f, v, 3, &need) == EDGETOK_STATUS_NULL_POINTER);

    /* Empty series: only EOS, scale 1. */
    CHECK(edgetok_chronos_bins_encode(b, NULL, 0, ids, mask, 6, &need, &scale) == EDGETOK_OK);
    CHECK(need == 1 && ids[0] == 1 && mask[0] == 1 && scale == 1.0f);
    CHECK(edgetok_chronos_bins_free(b) == EDGETOK_OK);
}

static void test_bad_input(void) {
    edgetok_chronos_bins *b = NULL;
    CHECK(edgetok_chronos_bins_create(NULL, &b) == EDGETOK_OK);
    const float inf_series[3] = {1.0f, INFINITY, 2.0f};
    int32_t ids[4];
    uint8_t mask[4];
    float scale = 0;
    CHECK(edgetok_chronos_bins_encode(b, inf_series, 3, ids, mask, 4, NULL, &scale) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(edgetok_last_error(), "series[1]") != NULL && strstr(edgetok_last_error(), "Inf") != NULL);
    CHECK(edgetok_chronos_bins_encode(b, NULL, 3, ids, mask, 4, NULL, &scale) == EDGETOK_STATUS_NULL_POINTER);
    const float ok[3] = {1.0f, 2.0f, 3.0f};
    CHECK(edgetok_chronos_bins_encode(b, ok, 3, ids, mask, 4, NULL, NULL) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_chronos_bins_encode(NULL, ok, 3, ids, mask, 4, NULL, &scale) == EDGETOK_STATUS_NULL_POINTER);
    CHECK(edgetok_chronos_bins_token_count(b, 3, NULL) == EDGETOK_STATUS_NULL_POINTER);

    edgetok_chronos_bins_config c;
    edgetok_chronos_bins_config_init(&c);
    edgetok_chronos_bins *bad = (edgetok_chronos_bins *)1;
    c.n_tokens = 3;
    CHECK(edgetok_chronos_bins_create(&c, &bad) == EDGETOK_STATUS_INVALID_ARGUMENT && bad == NULL);
    CHECK(strstr(edgetok_last_error(), "n_tokens") != NULL);
    edgetok_chronos_bins_config_init(&c);
    c.low_limit = 20.0f;
    CHECK(edgetok_chronos_bins_create(&c, &bad) == EDGETOK_STATUS_INVALID_ARGUMENT);
    edgetok_chronos_bins_config_init(&c);
    c.append_eos = 2;
    CHECK(edgetok_chronos_bins_create(&c, &bad) == EDGETOK_STATUS_INVALID_ARGUMENT);
    edgetok_chronos_bins_config_init(&c);
    c.struct_size = 8;
    CHECK(edgetok_chronos_bins_create(&c, &bad) == EDGETOK_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(edgetok_last_error(), "struct_size") != NULL);
    CHECK(edgetok_chronos_bins_create(NULL, NULL) == EDGETOK_STATUS_NULL_POINTER);

    /* A custom config: no EOS, short context. */
    edgetok_chronos_bins_config_init(&c);
    c.append_eos = 0;
    c.context_length = 2;
    edgetok_chronos_bins *small = NULL;
    CHECK(edgetok_chronos_bins_create(&c, &small) == EDGETOK_OK);
    size_t need = 0;
    CHECK(edgetok_chronos_bins_encode(small, ok, 3, ids, mask, 4, &need, &scale) == EDGETOK_OK);
    CHECK(need == 2 && scale == 2.5f && ids[1] > ID_ONE);   /* keeps [2, 3]; 3 / 2.5 = 1.2 */

    /* Handles: freed handles and kinds are detected; NULL is a no-op. */
    CHECK(edgetok_chronos_bins_free(small) == EDGETOK_OK);
    CHECK(edgetok_chronos_bins_token_count(small, 3, &need) == EDGETOK_STATUS_INVALID_HANDLE);
    CHECK(edgetok_chronos_bins_free(small) == EDGETOK_STATUS_INVALID_HANDLE);
    CHECK(edgetok_chronos_bins_free(NULL) == EDGETOK_OK);
    CHECK(edgetok_chronos_bins_token_count((edgetok_chronos_bins *)(uintptr_t)0x12345678, 3, &need) == EDGETOK_STATUS_INVALID_HANDLE);
    CHECK(edgetok_chronos_bins_free(b) == EDGETOK_OK);
}

static edgetok_chronos_bins *shared_bins;
static int32_t reference_ids[301];

static void *encode_in_thread(void *arg) {
    (void)arg;
    float x[300];
    for (int i = 0; i < 300; i++) x[i] = sinf(0.1f * (float)i) * 10.0f + (float)(i % 7);
    int32_t ids[301];
    uint8_t mask[301];
    float scale = 0;
    for (int k = 0; k < 50; k++) {
        if (edgetok_chronos_bins_encode(shared_bins, x, 300, ids, mask, 301, NULL, &scale) != EDGETOK_OK) return NULL;
        if (memcmp(ids, reference_ids, sizeof ids) != 0) return NULL;
    }
    return (void *)1;
}

static void test_threads(void) {
    CHECK(edgetok_chronos_bins_create(NULL, &shared_bins) == EDGETOK_OK);
    float x[300];
    for (int i = 0; i < 300; i++) x[i] = sinf(0.1f * (float)i) * 10.0f + (float)(i % 7);
    uint8_t mask[301];
    float scale = 0;
    CHECK(edgetok_chronos_bins_encode(shared_bins, x, 300, reference_ids, mask, 301, NULL, &scale) == EDGETOK_OK);
    pthread_t t[4];
    void *ok[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, encode_in_thread, NULL);
    for (int i = 0; i < 4; i++) { pthread_join(t[i], &ok[i]); CHECK(ok[i] != NULL); }
    CHECK(edgetok_chronos_bins_free(shared_bins) == EDGETOK_OK);
}

int main(void) {
    test_defaults();
    test_encode_labels_decode();
    test_bad_input();
    test_threads();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
