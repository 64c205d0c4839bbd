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

}  // namespace edgetok

#endif  // EDGETOK_HPP
