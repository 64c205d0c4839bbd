/* Prints EdgeTok's version and build info, then the properties of a WAV file and its first samples
 * as 16 kHz mono. Build: cc info.c -I<prefix>/include -L<prefix>/lib -ledgetok -Wl,-rpath,<prefix>/lib */
#include <stdio.h>
#include <stdlib.h>
#include "edgetok.h"

static int fail(const char *what, int32_t st) {
    fprintf(stderr, "%s failed: %s: %s\n", what, edgetok_status_string(st), edgetok_last_error());
    return 1;
}

int main(int argc, char **argv) {
    uint32_t abi = edgetok_abi_version();
    printf("edgetok %s (ABI %u.%u)\n", edgetok_version(), abi >> 16, abi & 0xFFFF);

    size_t need = 0;
    int32_t st = edgetok_build_info(NULL, 0, &need);           /* size query */
    if (st != EDGETOK_OK) return fail("edgetok_build_info", st);
    char *info = malloc(need);
    st = edgetok_build_info(info, need, &need);
    if (st != EDGETOK_OK) return fail("edgetok_build_info", st);
    printf("%s\n", info);
    free(info);

    if (argc < 2) return 0;
    edgetok_wav_info wi = { .struct_size = sizeof wi };
    st = edgetok_wav_info_read(argv[1], &wi);
    if (st != EDGETOK_OK) return fail("edgetok_wav_info_read", st);
    printf("%s: %d Hz, %d ch, %d-bit, %lld frames, %.3f s\n", argv[1], wi.sample_rate, wi.channels,
           wi.bits_per_sample, (long long)wi.frames, wi.duration_seconds);

    st = edgetok_wav_read_mono(argv[1], 16000, NULL, 0, &need, NULL);
    if (st != EDGETOK_OK) return fail("edgetok_wav_read_mono", st);
    float *pcm = malloc(need * sizeof(float));
    int32_t rate = 0;
    st = edgetok_wav_read_mono(argv[1], 16000, pcm, need, &need, &rate);
    if (st != EDGETOK_OK) return fail("edgetok_wav_read_mono", st);
    double energy = 0;
    for (size_t i = 0; i < need; i++) energy += (double)pcm[i] * pcm[i];
    printf("mono @ %d Hz: %zu samples, rms %.5f\n", rate, need, need ? __builtin_sqrt(energy / need) : 0.0);
    free(pcm);
    return 0;
}
