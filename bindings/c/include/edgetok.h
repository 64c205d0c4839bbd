/*
 * edgetok.h — the C ABI of EdgeTok (libedgetok.so). This header is the source of truth for the ABI.
 *
 * Conventions
 * -----------
 * - Every function that can fail returns an int32_t status: EDGETOK_OK (0) on success, otherwise one
 *   of the EDGETOK_STATUS_* codes below. On failure a message is kept per thread; read it with
 *   edgetok_last_error() before the next EdgeTok call on the same thread.
 * - No function aborts the process, calls exit(), or lets an exception escape.
 * - Handles are opaque. A destroyed, foreign or made-up handle is detected and rejected with
 *   EDGETOK_STATUS_INVALID_HANDLE. Destroying NULL is a no-op.
 * - Structs passed in start with uint32_t struct_size; set it with the matching *_init() function
 *   (or to sizeof the struct) so the library can grow structs without breaking old callers.
 *   Structs hold only fixed-width types.
 *
 * Buffer ownership (read this once)
 * ---------------------------------
 * - The library NEVER hands the caller memory to free. All outputs go into caller-owned buffers.
 * - Outputs use a two-call pattern: each output buffer comes with a capacity (in ELEMENTS, not
 *   bytes) and a `size_t *required` that receives the element count the output needs.
 *     * buffer == NULL and capacity == 0: a size query; returns EDGETOK_OK and sets *required.
 *     * capacity < required: returns EDGETOK_STATUS_BUFFER_TOO_SMALL, sets *required, writes nothing.
 *     * otherwise the output is written and *required says how much of the buffer was used.
 *   `required` may be NULL when the caller already knows the size.
 * - Strings returned as `const char *` (versions, status strings) are static: valid for the life of
 *   the process, never freed. edgetok_last_error() points to thread-local storage that stays valid
 *   until the next EdgeTok call on that thread.
 * - Input buffers are only read during the call; the library keeps no pointer to them.
 *
 * Thread safety
 * -------------
 * - Version, status and build-info functions: safe from any thread at any time.
 * - Loaded models (Kairos, audio codecs) are immutable: one handle may be used from many threads at
 *   once. Streams are mutable: one stream must be used by one thread at a time.
 * - edgetok_set_log_callback: call it before other threads use the library; the callback itself may
 *   be invoked from any thread that calls into EdgeTok.
 */
#ifndef EDGETOK_H
#define EDGETOK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDGETOK_ABI_MAJOR 1
#define EDGETOK_ABI_MINOR 0

/* ---- Status codes ---------------------------------------------------------------------------- */
#define EDGETOK_OK                        0
#define EDGETOK_STATUS_INVALID_ARGUMENT   1  /* an argument is out of range or inconsistent       */
#define EDGETOK_STATUS_NULL_POINTER       2  /* a required pointer or handle was NULL             */
#define EDGETOK_STATUS_BUFFER_TOO_SMALL   3  /* see *required for the element count needed         */
#define EDGETOK_STATUS_INVALID_FORMAT     4  /* malformed, truncated or foreign file/bytes         */
#define EDGETOK_STATUS_IO_ERROR           5  /* a file could not be opened, read or written        */
#define EDGETOK_STATUS_NOT_FOUND          6  /* file, tensor, column or model does not exist       */
#define EDGETOK_STATUS_UNSUPPORTED        7  /* well-formed but unsupported (dtype, op, config)    */
#define EDGETOK_STATUS_INVALID_STATE      8  /* not allowed now (e.g. push after flush)            */
#define EDGETOK_STATUS_LIMIT_EXCEEDED     9  /* would exceed a documented resource limit           */
#define EDGETOK_STATUS_INVALID_HANDLE    10  /* handle destroyed, of another kind, or made up      */
#define EDGETOK_STATUS_INTERNAL          99  /* a bug: please report the message                   */

/* ---- Log levels ------------------------------------------------------------------------------ */
#define EDGETOK_LOG_DEBUG   0
#define EDGETOK_LOG_INFO    1
#define EDGETOK_LOG_WARNING 2
#define EDGETOK_LOG_ERROR   3

/* ---- Core ------------------------------------------------------------------------------------ */

/* ABI version as (major << 16) | minor. A caller built against major M works with any library of
 * major M and minor >= the minor it was built with. Thread-safe. */
uint32_t edgetok_abi_version(void);

/* Library version string, e.g. "0.1.0". Static. Thread-safe. */
const char *edgetok_version(void);

/* Short constant description of a status code ("buffer too small"). Static. Thread-safe. */
const char *edgetok_status_string(int32_t status);

/* Message of the last failed call on this thread ("" if none). Thread-local; valid until the next
 * EdgeTok call on this thread. */
const char *edgetok_last_error(void);

/* Build info as a NUL-terminated JSON object: version, abi, runtime, isa_compiled (the ISA level
 * this library variant was compiled for), isa_cpu, vector_path ("avx512", "avx2", "sse", ...),
 * vector_bits, onnxruntime. Two-call pattern; capacity and *required count bytes including the NUL.
 * Thread-safe. */
int32_t edgetok_build_info(char *buffer, size_t capacity, size_t *required);

/* Log callback: receives a level and a NUL-terminated UTF-8 message (valid only during the call)
 * and the user pointer given here. Pass fn = NULL to remove it. min_level: EDGETOK_LOG_*. */
typedef void (*edgetok_log_fn)(int32_t level, const char *message, void *user);
int32_t edgetok_set_log_callback(edgetok_log_fn fn, int32_t min_level, void *user);

/* ---- Audio files ----------------------------------------------------------------------------- */

typedef struct edgetok_wav_info {
    uint32_t struct_size;     /* = sizeof(edgetok_wav_info) */
    int32_t sample_rate;      /* Hz */
    int32_t channels;
    int32_t bits_per_sample;  /* of the file: 8, 16, 24, 32 (PCM) or 32, 64 (float) */
    int64_t frames;           /* samples per channel */
    double duration_seconds;
} edgetok_wav_info;

/* Properties of a WAV file (PCM 8/16/24/32-bit or float). Truncated or non-WAV files fail with
 * EDGETOK_STATUS_INVALID_FORMAT. Thread-safe. */
int32_t edgetok_wav_info_read(const char *path, edgetok_wav_info *info);

/* Reads a WAV file, down-mixes it to mono and resamples it to target_rate (0 keeps the file's rate).
 * samples: float32 in [-1, 1]; two-call pattern over the sample count. *sample_rate (may be NULL)
 * receives the output rate. Thread-safe. */
int32_t edgetok_wav_read_mono(const char *path, int32_t target_rate, float *samples, size_t capacity,
                              size_t *required, int32_t *sample_rate);

/* Writes mono or interleaved multi-channel float32 samples as a 16-bit PCM WAV file. */
int32_t edgetok_wav_write(const char *path, const float *samples, size_t count, int32_t sample_rate,
                          int32_t channels);

/* Band-limited, time-aligned resampling of one channel from from_rate to to_rate. The output has
 * round(count * to_rate / from_rate) samples; two-call pattern. Thread-safe. */
int32_t edgetok_resample(const float *input, size_t count, int32_t from_rate, int32_t to_rate,
                         float *output, size_t capacity, size_t *required);

#ifdef __cplusplus
}
#endif

#endif /* EDGETOK_H */
