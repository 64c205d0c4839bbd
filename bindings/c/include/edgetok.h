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
#define EDGETOK_ABI_MINOR 1

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

/* Reads a univariate series (ABI 1.1): one column of a CSV file (header row; quoted fields; empty,
 * NA, NaN, null cells become NaN) or a 1-D .npy file. column: a header name or a 0-based index as
 * text; NULL takes the last column whose cells are all numeric or missing (ignored for .npy).
 * values: float32 in file order; two-call pattern over the value count (each call reads the file).
 * A non-numeric cell fails with EDGETOK_STATUS_INVALID_FORMAT naming its line. Thread-safe. */
int32_t edgetok_series_read(const char *path, const char *column, float *values, size_t capacity,
                            size_t *required);

/* ---- Time series: Chronos mean-scale uniform bins (weight-free discrete ids) -------------------
 * The tokenizer of the Chronos models: scale = mean |x| over the observed values of the context
 * (1 when that is not > 0), id = bucketize(x / scale, boundaries, right) + n_special_tokens, clamped
 * to [0, n_tokens - 1]; NaN marks a missing value (pad id, mask 0); an EOS id (mask 1) is appended.
 * Decoding: centers[clamp(id - n_special_tokens - 1, 0, n_centers - 1)] * scale. Details, float32
 * summation order and limits: docs/chronos-bins.md. +/-Inf inputs fail with INVALID_ARGUMENT.
 * A bins handle is immutable: one handle may be used from many threads at once. */

typedef struct edgetok_chronos_bins edgetok_chronos_bins;

typedef struct edgetok_chronos_bins_config {
    uint32_t struct_size;      /* = sizeof(edgetok_chronos_bins_config); set by _config_init */
    int32_t n_tokens;          /* vocabulary size, special ids included (default 4096) */
    int32_t n_special_tokens;  /* default 2 */
    int32_t pad_token_id;      /* id of missing values (default 0) */
    int32_t eos_token_id;      /* default 1 */
    float low_limit;           /* first center, in units of the scale (default -15) */
    float high_limit;          /* last center (default 15) */
    int32_t context_length;    /* longer series keep their last context_length values (default 512) */
    int32_t append_eos;        /* 1: append EOS to context and label ids (default), 0: do not */
} edgetok_chronos_bins_config;

/* Fills config with the published Chronos defaults (and struct_size). */
int32_t edgetok_chronos_bins_config_init(edgetok_chronos_bins_config *config);

/* Creates a tokenizer; config NULL means the defaults. An invalid config (n_tokens <= n_special_tokens
 * + 1, pad/eos outside [0, n_tokens), low_limit >= high_limit, non-finite limits, context_length < 1,
 * bins that collapse in float32) fails with INVALID_ARGUMENT and sets *bins to NULL. */
int32_t edgetok_chronos_bins_create(const edgetok_chronos_bins_config *config, edgetok_chronos_bins **bins);

/* Destroys a tokenizer. NULL is a no-op; a destroyed or foreign handle gives INVALID_HANDLE. */
int32_t edgetok_chronos_bins_free(edgetok_chronos_bins *bins);

/* Number of ids encode writes for a series of series_length values: min(series_length,
 * context_length) + 1 with EOS. */
int32_t edgetok_chronos_bins_token_count(const edgetok_chronos_bins *bins, size_t series_length, size_t *count);

/* Tokenizes a context. ids (int32) and attention_mask (uint8, 1 observed/EOS, 0 missing) share one
 * capacity and the two-call pattern (both NULL with capacity 0: size query, *scale untouched).
 * *scale receives the scale to reuse for labels and decoding. */
int32_t edgetok_chronos_bins_encode(const edgetok_chronos_bins *bins, const float *series, size_t length,
                                    int32_t *ids, uint8_t *attention_mask, size_t capacity, size_t *required,
                                    float *scale);

/* Tokenizes a future window (labels) with the context's scale (finite, > 0): no truncation, EOS
 * appended when configured. Same buffer rules as encode. */
int32_t edgetok_chronos_bins_encode_labels(const edgetok_chronos_bins *bins, const float *future, size_t length,
                                           float scale, int32_t *ids, uint8_t *attention_mask, size_t capacity,
                                           size_t *required);

/* Maps count ids back to values (float32); scale must be finite and > 0. Any id is accepted (special
 * ids decode to the first center). Two-call pattern over values (required = count). */
int32_t edgetok_chronos_bins_decode(const edgetok_chronos_bins *bins, const int32_t *ids, size_t count, float scale,
                                    float *values, size_t capacity, size_t *required);

/* The bin centers (n_tokens - n_special_tokens - 1 values); two-call pattern. */
int32_t edgetok_chronos_bins_centers(const edgetok_chronos_bins *bins, float *centers, size_t capacity,
                                     size_t *required);
/* ---- Kairos time-series forecaster ----------------------------------------------------------- */
/* A Kairos model (config.json + model.safetensors in the Hugging Face layout). Immutable once loaded:
 * one handle may be used from many threads at once. Series are float32 with NaN for missing points;
 * only the last context_length points are used; infinite values are rejected. */
typedef struct edgetok_kairos edgetok_kairos;

#define EDGETOK_KAIROS_BIAS_FROZEN        0  /* router bias held at the checkpoint value (default)  */
#define EDGETOK_KAIROS_BIAS_DRIFT         1  /* reference emulation: bias updated after each forward */
#define EDGETOK_KAIROS_BATCH_INDEPENDENT  0  /* each row forecast alone (default, reproducible)      */
#define EDGETOK_KAIROS_BATCH_JOINT        1  /* reference batching: results depend on batch-mates    */

typedef struct edgetok_kairos_info {
    uint32_t struct_size;       /* = sizeof(edgetok_kairos_info) */
    int32_t d_model;            /* embedding width */
    int32_t d_kv;               /* head width; RoPE tables have d_kv / 2 columns */
    int32_t num_quantiles;      /* rows of a forecast (9: levels 0.1 ... 0.9) */
    int32_t context_length;     /* longest context read (2048) */
    int32_t patch_size;         /* coarse patch length (128); a series yields at most 4*ceil(T/patch) tokens */
    int32_t steps_per_forward;  /* forecast steps per forward (128); longer horizons roll out */
    int32_t max_horizon;        /* largest horizon accepted */
    int32_t num_rope_modules;   /* attention modules with adaptive RoPE */
} edgetok_kairos_info;

typedef struct edgetok_kairos_forecast_options {
    uint32_t struct_size;            /* = sizeof(edgetok_kairos_forecast_options) */
    int32_t bias_mode;               /* EDGETOK_KAIROS_BIAS_* */
    int32_t infer_is_positive;       /* 1: clamp at 0 when the input has no negative value */
    int32_t force_flip_invariance;   /* 1: average with the forecast of -x (twice the cost) */
    int32_t sort_quantiles;          /* 1: sort each step's quantiles (the reference does not) */
    int32_t batch_mode;              /* EDGETOK_KAIROS_BATCH_* (edgetok_kairos_forecast_batch only) */
} edgetok_kairos_forecast_options;

/* Loads config.json and model.safetensors from folder. Missing, extra or mis-shaped tensors fail with
 * EDGETOK_STATUS_INVALID_FORMAT naming the tensor; unsupported config values with
 * EDGETOK_STATUS_UNSUPPORTED. *model is NULL on failure. Thread-safe. */
int32_t edgetok_kairos_load(const char *folder, edgetok_kairos **model);

/* Destroys a model (NULL is a no-op). No other thread may be using it. */
int32_t edgetok_kairos_free(edgetok_kairos *model);

/* Sizes and limits of a loaded model. Thread-safe. */
int32_t edgetok_kairos_info_read(const edgetok_kairos *model, edgetok_kairos_info *info);

/* Tokenizes one series. Outputs (each may be NULL to skip it; n = *num_tokens):
 *   embeddings     float32 [n, d_model]  patch tokens before [REG]
 *   token_sizes    int32   [n]           points per token (128 / 64 / 32)
 *   attention_mask uint8   [n + 1]       1 = attended, last entry is [REG]
 *   loc_scale      float32 [2]           instance-normalisation loc and scale
 * Size query: pass NULL buffers to get *num_tokens; a buffer smaller than its output fails with
 * EDGETOK_STATUS_BUFFER_TOO_SMALL and writes nothing (*num_tokens is still set). Thread-safe. */
int32_t edgetok_kairos_tokenize(const edgetok_kairos *model, const float *series, size_t length,
                                float *embeddings, size_t embeddings_capacity,
                                int32_t *token_sizes, size_t token_sizes_capacity,
                                uint8_t *attention_mask, size_t attention_mask_capacity,
                                float *loc_scale, size_t *num_tokens);

/* RoPE cos/sin tables [positions, d_kv/2] of one attention module for this series. module is the
 * state-dict prefix (e.g. "decoder.block.0.layer.1.EncDecAttention"); NULL means the first encoder
 * self-attention ("encoder.block.0.layer.0.SelfAttention", positions = n + 1). Two-call pattern over
 * the element count of each table (cos and sin have the same size); *positions and *half_dim may be
 * NULL. Unknown modules fail with EDGETOK_STATUS_NOT_FOUND. Thread-safe. */
int32_t edgetok_kairos_rope(const edgetok_kairos *model, const float *series, size_t length,
                            const char *module, float *cos, float *sin, size_t capacity,
                            size_t *required, int32_t *positions, int32_t *half_dim);

/* Fills options with the defaults (frozen bias, no clamp, no flip, no sort, independent rows). */
void edgetok_kairos_forecast_options_init(edgetok_kairos_forecast_options *options);

/* Forecasts one series horizon steps ahead: float32 [num_quantiles, horizon] (quantile-major).
 * options may be NULL (defaults). Two-call pattern; the size query does not run the model.
 * horizon must be in 1..max_horizon. Thread-safe. */
int32_t edgetok_kairos_forecast(const edgetok_kairos *model, const float *series, size_t length,
                                int32_t horizon, const edgetok_kairos_forecast_options *options,
                                float *quantiles, size_t capacity, size_t *required);

/* Forecasts batch rows of length points each (row-major, NaN-padded on the left for shorter series):
 * float32 [batch, num_quantiles, horizon]. options->batch_mode chooses independent rows (default) or
 * the reference's joint batching. Two-call pattern. Thread-safe. */
int32_t edgetok_kairos_forecast_batch(const edgetok_kairos *model, const float *series, size_t batch,
                                      size_t length, int32_t horizon,
                                      const edgetok_kairos_forecast_options *options, float *quantiles,
                                      size_t capacity, size_t *required);

/* ---- Audio codecs: PCM <-> discrete codes [T, K] -------------------------------------------------
 * A codec is a model folder with an edgetok.json manifest (ONNX encoder/decoder, native residual
 * quantizer: EnCodec-style RVQ, DAC/SNAC factorized VQ, Mimi split RVQ; see docs/audio-codecs.md), or
 * the name "mulaw" for the weight-free 8-bit mu-law tokenizer at 16 kHz (one code per sample).
 * Codes are int32, frame-major: codes[t * K + k]. PCM is float32 in [-1, 1], channels interleaved.
 * A codec handle is immutable: one handle may be used from many threads at once. */

typedef struct edgetok_audio_codec edgetok_audio_codec;

typedef struct edgetok_audio_codec_info {
    uint32_t struct_size;      /* = sizeof(edgetok_audio_codec_info); set it before the call */
    int32_t sample_rate;       /* Hz of the codec's audio */
    int32_t channels;
    int32_t hop_length;        /* samples per code frame */
    int32_t codebooks;         /* largest K */
    int32_t codebook_size;     /* codes lie in [0, codebook_size) */
    int32_t latent_dim;        /* 0 for weight-free codecs */
    int32_t reserved;          /* 0 */
    double frame_rate;         /* code frames per second */
} edgetok_audio_codec_info;

/* Loads a codec. model: a model folder, or "mulaw". manifest: NULL for model/edgetok.json, or a
 * manifest elsewhere whose file paths resolve relative to model. threads: ONNX Runtime intra-op
 * threads (0 means 1). Missing files give NOT_FOUND; a malformed manifest, wrong tensor shapes or
 * ONNX graphs whose inputs/outputs do not match the manifest give INVALID_FORMAT; an unknown
 * quantizer type gives UNSUPPORTED. On failure *codec is NULL. */
int32_t edgetok_audio_codec_load(const char *model, const char *manifest, int32_t threads,
                                 edgetok_audio_codec **codec);

/* Destroys a codec. NULL is a no-op; a destroyed or foreign handle gives INVALID_HANDLE. */
int32_t edgetok_audio_codec_free(edgetok_audio_codec *codec);

/* Rates and sizes of a codec; info->struct_size must be set. */
int32_t edgetok_audio_codec_info_read(const edgetok_audio_codec *codec, edgetok_audio_codec_info *info);

/* The codec family ("encodec", "snac", "mulaw", ...) as NUL-terminated UTF-8; two-call pattern
 * (required counts the NUL). */
int32_t edgetok_audio_codec_kind(const edgetok_audio_codec *codec, char *buffer, size_t capacity, size_t *required);

/* The codebook count K an encode uses: bandwidth_kbps > 0 applies EnCodec's rule
 * (max(1, floor(kbps * 1000 / (log2(codebook_size) * frame_rate))), capped at the codec's K);
 * n_codebooks > 0 gives K directly; both 0 means all codebooks; a negative, NaN or infinite bandwidth
 * is INVALID_ARGUMENT, and so is both set. */
int32_t edgetok_audio_codec_codebooks(const edgetok_audio_codec *codec, double bandwidth_kbps, int32_t n_codebooks,
                                      int32_t *codebooks);

/* Encodes count interleaved samples of `channels` channels at sample_rate. Other rates are
 * resampled and other channel counts down-mixed (or a mono input duplicated) to the codec's layout
 * first. Codebook choice as edgetok_audio_codec_codebooks. Two-call pattern over the codes
 * (required = frames * K); *frames and *codebooks (each may be NULL) receive T and K, also on a size
 * query. Empty input, NaN/Inf samples, bad rates or channel counts give INVALID_ARGUMENT. Samples
 * beyond [-1, 1] reach neural codecs unchanged; mu-law clamps them. */
int32_t edgetok_audio_codec_encode(const edgetok_audio_codec *codec, const float *pcm, size_t count,
                                   int32_t sample_rate, int32_t channels, double bandwidth_kbps,
                                   int32_t n_codebooks, int32_t *codes, size_t capacity, size_t *required,
                                   size_t *frames, int32_t *codebooks);

/* Decodes codes [frames, codebooks] to interleaved PCM at the codec's rate: the decoder's whole
 * output (frames * hop_length samples per channel for unsegmented codecs; not trimmed to the
 * encoded length). Two-call pattern over the samples. A code outside [0, codebook_size) or a
 * codebook count outside the codec's range gives INVALID_ARGUMENT. Codecs that normalise each
 * segment (EnCodec 48 kHz) decode at unit scale through this call. */
int32_t edgetok_audio_codec_decode(const edgetok_audio_codec *codec, const int32_t *codes, size_t frames,
                                   int32_t codebooks, float *pcm, size_t capacity, size_t *required);

/* ---- Streaming audio: encoder and decoder streams over an audio codec ----------------------------
 * An encoder stream takes PCM of any length at its input rate (resampled inside, bit-identical to
 * offline resampling; mono input when the rate differs) and yields whole code frames [n, K] as they
 * complete; flush pads the tail as offline encoding does. Stateful codecs (Lyra v2, mu-law) stream
 * exactly: the codes equal edgetok_audio_codec_encode of the same samples however the input is
 * chunked. Offline-only ONNX codecs (EnCodec-style) re-encode a left-context window of W frames with
 * each new frame and emit only the new frames (approximate; see docs/audio-codecs.md).
 * Load Lyra with edgetok_audio_codec_load("lyra-v2", NULL, ...) (searched in EDGETOK_MODEL_PATH,
 * then models/) or its folder. A codec serves any number of streams; a stream is single-threaded
 * state (one thread at a time). Free streams before their codec. After flush, push gives
 * EDGETOK_STATUS_INVALID_STATE until reset; frames already produced stay pullable.
 * Pulls are count-in/count-out: pass a capacity, the call writes what is ready (up to it) and sets
 * the count written; 0 written is success. */

typedef struct edgetok_encoder_stream edgetok_encoder_stream;
typedef struct edgetok_decoder_stream edgetok_decoder_stream;

typedef struct edgetok_stream_options {
    uint32_t struct_size;      /* = sizeof(edgetok_stream_options); set by _options_init */
    int32_t n_codebooks;       /* K; 0 = all (or from bandwidth_kbps) */
    double bandwidth_kbps;     /* 0 = not given; not with n_codebooks */
    int32_t context_frames;    /* ONNX codecs: left-context window W in frames; 0 = default (32) */
    int32_t reserved;          /* 0 */
} edgetok_stream_options;

/* Fills defaults and struct_size. */
void edgetok_stream_options_init(edgetok_stream_options *options);

/* Creates an encoder stream for PCM at input_rate Hz (interleaved at the codec's channel count).
 * options may be NULL (all codebooks, default window). Bad rates or codebook choices give
 * INVALID_ARGUMENT; *stream is NULL on failure. */
int32_t edgetok_encoder_stream_create(const edgetok_audio_codec *codec, int32_t input_rate,
                                      const edgetok_stream_options *options, edgetok_encoder_stream **stream);

/* K (codes per frame) and the latency in samples at the codec's rate (frame + look-ahead, including
 * the resampler's); either pointer may be NULL. */
int32_t edgetok_encoder_stream_layout(const edgetok_encoder_stream *stream, int32_t *codebooks, int32_t *latency_samples);

/* Appends count interleaved samples (float32 in [-1, 1]) and encodes every frame they complete.
 * NaN/Inf, a sample beyond +-1e30 or a partial channel group give INVALID_ARGUMENT and the chunk is
 * not taken (the stream goes on as if it never came); after flush INVALID_STATE. */
int32_t edgetok_encoder_stream_push(edgetok_encoder_stream *stream, const float *pcm, size_t count);

/* Whole frames ready to pull. */
int32_t edgetok_encoder_stream_frames_available(const edgetok_encoder_stream *stream, size_t *frames);

/* Writes up to max_frames whole frames (max_frames * K int32 codes, frame-major) and sets *frames to
 * the number written. */
int32_t edgetok_encoder_stream_pull(edgetok_encoder_stream *stream, int32_t *codes, size_t max_frames, size_t *frames);

/* Ends the input: the tail is padded and encoded. Idempotent. */
int32_t edgetok_encoder_stream_flush(edgetok_encoder_stream *stream);

/* Starts a new stream on the same handle: state, resampler history and queued frames cleared. */
int32_t edgetok_encoder_stream_reset(edgetok_encoder_stream *stream);

/* Destroys a stream. NULL is a no-op. */
int32_t edgetok_encoder_stream_free(edgetok_encoder_stream *stream);

/* Creates a decoder stream; options->n_codebooks (or bandwidth_kbps) is the K of the frames it takes
 * (0 = all), options->context_frames the window of ONNX codecs. options may be NULL. */
int32_t edgetok_decoder_stream_create(const edgetok_audio_codec *codec, const edgetok_stream_options *options,
                                      edgetok_decoder_stream **stream);

/* K the stream takes and its latency in samples at the codec's rate; either pointer may be NULL. */
int32_t edgetok_decoder_stream_layout(const edgetok_decoder_stream *stream, int32_t *codebooks, int32_t *latency_samples);

/* Decodes codes [frames, codebooks]; codebooks must equal the stream's K (else INVALID_ARGUMENT, as
 * is a code outside [0, codebook_size)); after flush INVALID_STATE. */
int32_t edgetok_decoder_stream_push(edgetok_decoder_stream *stream, const int32_t *codes, size_t frames, int32_t codebooks);

/* Interleaved samples ready to pull. */
int32_t edgetok_decoder_stream_samples_available(const edgetok_decoder_stream *stream, size_t *samples);

/* Writes up to capacity decoded samples and sets *count to the number written. */
int32_t edgetok_decoder_stream_pull(edgetok_decoder_stream *stream, float *pcm, size_t capacity, size_t *count);

/* Ends the input. Idempotent. */
int32_t edgetok_decoder_stream_flush(edgetok_decoder_stream *stream);

/* Starts a new stream on the same handle. */
int32_t edgetok_decoder_stream_reset(edgetok_decoder_stream *stream);

/* Destroys a stream. NULL is a no-op. */
int32_t edgetok_decoder_stream_free(edgetok_decoder_stream *stream);

#ifdef __cplusplus
}
#endif

#endif /* EDGETOK_H */
