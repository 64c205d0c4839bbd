// C++ RAII layer: values come back as std::vector / std::string; failures throw edgetok::Error.
#include <cmath>
#include <cstdio>
#include <string>

#include "edgetok.hpp"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)

int main(int argc, char **argv) {
    std::string shared = argc > 1 ? argv[1] : "../shared";
    CHECK(edgetok::version() == "0.1.0");
    CHECK(edgetok::build_info().find("\"vector_path\"") != std::string::npos);
    auto a = edgetok::read_wav_mono(shared + "/data/audio/speech/ljspeech/LJ001-0001.wav", 16000);
    CHECK(a.sample_rate == 16000);
    CHECK(!a.samples.empty());
    auto b = edgetok::resample(a.samples, 16000, 8000);
    CHECK(b.size() == (a.samples.size() + 1) / 2);
    try {
        edgetok::read_wav_mono(shared + "/no-such.wav");
        CHECK(false);
    } catch (const edgetok::Error &e) {
        CHECK(e.status() == EDGETOK_STATUS_NOT_FOUND);
        CHECK(std::string(e.what()).find("not found") != std::string::npos);
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
