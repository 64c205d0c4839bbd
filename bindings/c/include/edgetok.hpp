// edgetok.hpp — header-only C++17 RAII layer over edgetok.h. Failed calls throw edgetok::Error
// (status + message); objects own their handles and free them in the destructor.
#ifndef EDGETOK_HPP
#define EDGETOK_HPP

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "edgetok.h"

namespace edgetok {

/// A failed EdgeTok call: status() is the EDGETOK_STATUS_* code, what() the library's message.
class Error : public std::runtime_error {
public:
    Error(int32_t status, const std::string &message) : std::runtime_error(message), status_(status) {}
    int32_t status() const noexcept { return status_; }

private:
    int32_t status_;
};

/// Throws Error for a non-zero status, with the thread's last error message.
inline void check(int32_t status) {
    if (status != EDGETOK_OK)
        throw Error(status, std::string(edgetok_last_error()) + " [" + edgetok_status_string(status) + "]");
}

/// Library version string.
inline std::string version() { return edgetok_version(); }

/// Build info JSON (version, ISA level, vector path, ONNX Runtime version).
inline std::string build_info() {
    size_t need = 0;
    check(edgetok_build_info(nullptr, 0, &need));
    std::string s(need, '\0');
    check(edgetok_build_info(s.data(), s.size(), &need));
    s.resize(need - 1);
    return s;
}

/// Runs a two-call-pattern function: size query, then fill. call(T *buf, size_t cap, size_t *need).
template <typename T, typename Call>
std::vector<T> two_call(Call &&call) {
    size_t need = 0;
    check(call(static_cast<T *>(nullptr), size_t{0}, &need));
    std::vector<T> out(need);
    check(call(out.data(), out.size(), &need));
    out.resize(need);
    return out;
}

/// Mono float samples of a WAV file at target_rate (0 keeps the file's rate).
struct Audio {
    std::vector<float> samples;
    int32_t sample_rate = 0;
};

inline Audio read_wav_mono(const std::string &path, int32_t target_rate = 0) {
    Audio a;
    a.samples = two_call<float>([&](float *buf, size_t cap, size_t *need) {
        return edgetok_wav_read_mono(path.c_str(), target_rate, buf, cap, need, &a.sample_rate);
    });
    return a;
}

/// A series from one CSV column (name or 0-based index; empty = last numeric column) or a 1-D .npy
/// file; NaN marks a missing value.
inline std::vector<float> read_series(const std::string &path, const std::string &column = {}) {
    return two_call<float>([&](float *buf, size_t cap, size_t *need) {
        return edgetok_series_read(path.c_str(), column.empty() ? nullptr : column.c_str(), buf, cap, need);
    });
}

/// Band-limited, time-aligned resampling of one channel.
inline std::vector<float> resample(const std::vector<float> &x, int32_t from_rate, int32_t to_rate) {
    return two_call<float>([&](float *buf, size_t cap, size_t *need) {
        return edgetok_resample(x.data(), x.size(), from_rate, to_rate, buf, cap, need);
    });
}

/// Owns a handle and releases it with the given function; move-only.
template <typename H, void (*Free)(H *)>
class Handle {
public:
    Handle() = default;
    explicit Handle(H *h) : h_(h) {}
    Handle(Handle &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    Handle &operator=(Handle &&o) noexcept {
        if (this != &o) { reset(); h_ = std::exchange(o.h_, nullptr); }
        return *this;
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    ~Handle() { reset(); }
    H *get() const noexcept { return h_; }
    void reset() noexcept { if (h_) { Free(h_); h_ = nullptr; } }

private:
    H *h_ = nullptr;
};


/// Result of ChronosBins::encode: ids, attention mask and the scale to reuse.
struct ChronosTokens {
    std::vector<int32_t> ids;
    std::vector<uint8_t> attention_mask;
    float scale = 1.0f;
};

inline void free_chronos_bins(edgetok_chronos_bins *h) { (void)edgetok_chronos_bins_free(h); }

/// Chronos mean-scale uniform-bin tokenizer (weight-free). Immutable; shareable across threads.
class ChronosBins {
public:
    /// The published configuration (4096 tokens, limits +/-15, context 512, EOS).
    ChronosBins() : ChronosBins(default_config()) {}

    explicit ChronosBins(const edgetok_chronos_bins_config &config) {
        edgetok_chronos_bins *h = nullptr;
        check(edgetok_chronos_bins_create(&config, &h));
        handle_ = Handle<edgetok_chronos_bins, free_chronos_bins>(h);
    }

    static edgetok_chronos_bins_config default_config() {
        edgetok_chronos_bins_config c{};
        check(edgetok_chronos_bins_config_init(&c));
        return c;
    }

    ChronosTokens encode(const std::vector<float> &series) const {
        ChronosTokens t;
        size_t need = 0;
        check(edgetok_chronos_bins_token_count(handle_.get(), series.size(), &need));
        t.ids.resize(need);
        t.attention_mask.resize(need);
        check(edgetok_chronos_bins_encode(handle_.get(), series.data(), series.size(), t.ids.data(),
                                          t.attention_mask.data(), need, &need, &t.scale));
        return t;
    }

    std::vector<float> decode(const std::vector<int32_t> &ids, float scale) const {
        return two_call<float>([&](float *buf, size_t cap, size_t *need) {
            return edgetok_chronos_bins_decode(handle_.get(), ids.data(), ids.size(), scale, buf, cap, need);
        });
    }

    std::vector<float> centers() const {
        return two_call<float>([&](float *buf, size_t cap, size_t *need) {
            return edgetok_chronos_bins_centers(handle_.get(), buf, cap, need);
        });
    }

    edgetok_chronos_bins *get() const noexcept { return handle_.get(); }

private:
    Handle<edgetok_chronos_bins, free_chronos_bins> handle_;
};

inline void kairos_free_void(edgetok_kairos *m) { edgetok_kairos_free(m); }

/// A loaded Kairos model (immutable, shareable between threads).
class Kairos {
public:
    explicit Kairos(const std::string &folder) {
        edgetok_kairos *m = nullptr;
        check(edgetok_kairos_load(folder.c_str(), &m));
        h_ = Handle<edgetok_kairos, kairos_free_void>(m);
    }

    /// Quantiles [num_quantiles * horizon], quantile-major. options may be null (defaults).
    std::vector<float> forecast(const std::vector<float> &x, int32_t horizon,
                                const edgetok_kairos_forecast_options *options = nullptr) const {
        return two_call<float>([&](float *buf, size_t cap, size_t *need) {
            return edgetok_kairos_forecast(h_.get(), x.data(), x.size(), horizon, options, buf, cap, need);
        });
    }

    /// Token count, sizes and embeddings [n * d_model] of one series.
    struct Tokens {
        std::vector<float> embeddings;
        std::vector<int32_t> token_sizes;
        std::vector<uint8_t> attention_mask;
        float loc = 0, scale = 1;
    };

    Tokens tokenize(const std::vector<float> &x) const {
        size_t n = 0;
        check(edgetok_kairos_tokenize(h_.get(), x.data(), x.size(), nullptr, 0, nullptr, 0, nullptr, 0, nullptr, &n));
        edgetok_kairos_info info{};
        info.struct_size = sizeof info;
        check(edgetok_kairos_info_read(h_.get(), &info));
        Tokens t;
        t.embeddings.resize(n * static_cast<size_t>(info.d_model));
        t.token_sizes.resize(n);
        t.attention_mask.resize(n + 1);
        float ls[2];
        check(edgetok_kairos_tokenize(h_.get(), x.data(), x.size(), t.embeddings.data(), t.embeddings.size(),
                                      t.token_sizes.data(), n, t.attention_mask.data(), n + 1, ls, &n));
        t.loc = ls[0];
        t.scale = ls[1];
        return t;
    }

    edgetok_kairos *get() const noexcept { return h_.get(); }

private:
    Handle<edgetok_kairos, kairos_free_void> h_;
};

/// Codes of AudioCodec::encode: frame-major [frames, codebooks].
struct AudioCodes {
    std::vector<int32_t> codes;
    size_t frames = 0;
    int32_t codebooks = 0;
    int32_t at(size_t frame, int32_t codebook) const { return codes[frame * static_cast<size_t>(codebooks) + static_cast<size_t>(codebook)]; }
};

inline void free_audio_codec(edgetok_audio_codec *h) { (void)edgetok_audio_codec_free(h); }

/// An audio codec: a model folder with edgetok.json, or "mulaw". Immutable; shareable across threads.
class AudioCodec {
public:
    explicit AudioCodec(const std::string &model, const std::string &manifest = "", int32_t threads = 1) {
        edgetok_audio_codec *h = nullptr;
        check(edgetok_audio_codec_load(model.c_str(), manifest.empty() ? nullptr : manifest.c_str(), threads, &h));
        handle_ = Handle<edgetok_audio_codec, free_audio_codec>(h);
        info_.struct_size = sizeof info_;
        check(edgetok_audio_codec_info_read(h, &info_));
    }

    const edgetok_audio_codec_info &info() const noexcept { return info_; }

    std::string kind() const {
        auto s = two_call<char>([&](char *buf, size_t cap, size_t *need) { return edgetok_audio_codec_kind(handle_.get(), buf, cap, need); });
        return std::string(s.data(), s.empty() ? 0 : s.size() - 1);
    }

    /// Interleaved samples of `channels` channels at any rate; bandwidth_kbps / n_codebooks 0 = not given.
    AudioCodes encode(const std::vector<float> &pcm, int32_t sample_rate, int32_t channels = 1,
                      double bandwidth_kbps = 0, int32_t n_codebooks = 0) const {
        AudioCodes c;
        size_t need = 0;
        check(edgetok_audio_codec_encode(handle_.get(), pcm.data(), pcm.size(), sample_rate, channels, bandwidth_kbps,
                                         n_codebooks, nullptr, 0, &need, &c.frames, &c.codebooks));
        c.codes.resize(need);
        check(edgetok_audio_codec_encode(handle_.get(), pcm.data(), pcm.size(), sample_rate, channels, bandwidth_kbps,
                                         n_codebooks, c.codes.data(), c.codes.size(), &need, nullptr, nullptr));
        return c;
    }

    /// Interleaved PCM at the codec's rate (the decoder's whole output).
    std::vector<float> decode(const AudioCodes &c) const {
        return two_call<float>([&](float *buf, size_t cap, size_t *need) {
            return edgetok_audio_codec_decode(handle_.get(), c.codes.data(), c.frames, c.codebooks, buf, cap, need);
        });
    }

    edgetok_audio_codec *get() const noexcept { return handle_.get(); }

private:
    Handle<edgetok_audio_codec, free_audio_codec> handle_;
    edgetok_audio_codec_info info_{};
};

inline void free_encoder_stream(edgetok_encoder_stream *h) { (void)edgetok_encoder_stream_free(h); }
inline void free_decoder_stream(edgetok_decoder_stream *h) { (void)edgetok_decoder_stream_free(h); }

/// Streaming encoder (RAII): push PCM of any length at the input rate, pull whole frames [n, K].
/// Free it (let it go out of scope) before its AudioCodec. One thread at a time.
class EncoderStream {
public:
    EncoderStream(const AudioCodec &codec, int32_t input_rate, int32_t n_codebooks = 0, double bandwidth_kbps = 0,
                  int32_t context_frames = 0) {
        edgetok_stream_options o;
        edgetok_stream_options_init(&o);
        o.n_codebooks = n_codebooks;
        o.bandwidth_kbps = bandwidth_kbps;
        o.context_frames = context_frames;
        edgetok_encoder_stream *h = nullptr;
        check(edgetok_encoder_stream_create(codec.get(), input_rate, &o, &h));
        handle_ = Handle<edgetok_encoder_stream, free_encoder_stream>(h);
        check(edgetok_encoder_stream_layout(h, &codebooks_, &latency_));
    }

    int32_t codebooks() const noexcept { return codebooks_; }
    int32_t latency_samples() const noexcept { return latency_; }

    void push(const float *pcm, size_t count) { check(edgetok_encoder_stream_push(handle_.get(), pcm, count)); }
    void push(const std::vector<float> &pcm) { push(pcm.data(), pcm.size()); }

    /// Appends every ready frame to `codes` (frame-major); returns the number of frames appended.
    size_t pull(std::vector<int32_t> &codes) {
        size_t ready = 0, got = 0;
        check(edgetok_encoder_stream_frames_available(handle_.get(), &ready));
        size_t at = codes.size();
        codes.resize(at + ready * static_cast<size_t>(codebooks_));
        check(edgetok_encoder_stream_pull(handle_.get(), codes.data() + at, ready, &got));
        codes.resize(at + got * static_cast<size_t>(codebooks_));
        return got;
    }

    void flush() { check(edgetok_encoder_stream_flush(handle_.get())); }
    void reset() { check(edgetok_encoder_stream_reset(handle_.get())); }

private:
    Handle<edgetok_encoder_stream, free_encoder_stream> handle_;
    int32_t codebooks_ = 0, latency_ = 0;
};

/// Streaming decoder (RAII): push whole frames [n, K], pull interleaved PCM at the codec's rate.
class DecoderStream {
public:
    explicit DecoderStream(const AudioCodec &codec, int32_t n_codebooks = 0, int32_t context_frames = 0) {
        edgetok_stream_options o;
        edgetok_stream_options_init(&o);
        o.n_codebooks = n_codebooks;
        o.context_frames = context_frames;
        edgetok_decoder_stream *h = nullptr;
        check(edgetok_decoder_stream_create(codec.get(), &o, &h));
        handle_ = Handle<edgetok_decoder_stream, free_decoder_stream>(h);
        check(edgetok_decoder_stream_layout(h, &codebooks_, &latency_));
    }

    int32_t codebooks() const noexcept { return codebooks_; }
    int32_t latency_samples() const noexcept { return latency_; }

    void push(const int32_t *codes, size_t frames) { check(edgetok_decoder_stream_push(handle_.get(), codes, frames, codebooks_)); }

    /// Appends every decoded sample to `pcm`; returns the number appended.
    size_t pull(std::vector<float> &pcm) {
        size_t ready = 0, got = 0;
        check(edgetok_decoder_stream_samples_available(handle_.get(), &ready));
        size_t at = pcm.size();
        pcm.resize(at + ready);
        check(edgetok_decoder_stream_pull(handle_.get(), pcm.data() + at, ready, &got));
        pcm.resize(at + got);
        return got;
    }

    void flush() { check(edgetok_decoder_stream_flush(handle_.get())); }
    void reset() { check(edgetok_decoder_stream_reset(handle_.get())); }

private:
    Handle<edgetok_decoder_stream, free_decoder_stream> handle_;
    int32_t codebooks_ = 0, latency_ = 0;
};

}  // namespace edgetok

#endif  // EDGETOK_HPP
