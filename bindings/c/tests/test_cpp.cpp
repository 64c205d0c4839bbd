// C++ RAII layer: values come back as std::vector / std::string; failures throw edgetok::Error.
#include <algorithm>
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
    auto passengers = edgetok::read_series(shared + "/data/timeseries/darts/AirPassengers.csv");
    CHECK(passengers.size() == 144 && passengers[0] == 112.0f);
    // Chronos bins through the RAII wrapper: encode, decode close to the input, errors as exceptions.
    edgetok::ChronosBins bins;
    CHECK(bins.centers().size() == 4093);
    std::vector<float> x = {112, 118, 132, 129, 121, 135, 148, 148, 136, 119};
    auto t = bins.encode(x);
    CHECK(t.ids.size() == 11 && t.ids.back() == 1 && t.attention_mask.back() == 1);
    std::vector<int32_t> body(t.ids.begin(), t.ids.end() - 1);
    auto back = bins.decode(body, t.scale);
    bool close = back.size() == x.size();
    for (size_t i = 0; close && i < x.size(); i++) close = std::fabs(back[i] - x[i]) <= 15.0f / 4092.0f * t.scale * 1.001f;
    CHECK(close);
    try {
        bins.encode({1.0f, INFINITY});
        CHECK(false);
    } catch (const edgetok::Error &e) {
        CHECK(e.status() == EDGETOK_STATUS_INVALID_ARGUMENT);
    }
    auto cfg = edgetok::ChronosBins::default_config();
    cfg.context_length = 0;
    try {
        edgetok::ChronosBins bad(cfg);
        CHECK(false);
    } catch (const edgetok::Error &e) {
        CHECK(e.status() == EDGETOK_STATUS_INVALID_ARGUMENT);
    }
    // Audio codecs through the RAII wrapper: mu-law at any rate, the tiny EnCodec via a manifest.
    edgetok::AudioCodec mu("mulaw");
    CHECK(mu.kind() == "mulaw" && mu.info().sample_rate == 16000);
    auto mc = mu.encode(std::vector<float>(3200, 0.0f), 32000);
    CHECK(mc.frames == 1600 && mc.codebooks == 1 && mc.at(0, 0) == 128);
    CHECK(mu.decode(mc).size() == 1600);
    {
        // Streams: 37 ms chunks at 32 kHz give the offline codes; the decoder gives the offline PCM.
        std::vector<float> x(6400);
        for (size_t i = 0; i < x.size(); i++) x[i] = 0.4f * std::sin(0.03f * static_cast<float>(i));
        auto off = mu.encode(x, 32000);
        edgetok::EncoderStream es(mu, 32000);
        std::vector<int32_t> got;
        for (size_t at = 0; at < x.size(); at += 1184) {
            es.push(x.data() + at, std::min<size_t>(1184, x.size() - at));
            es.pull(got);
        }
        es.flush();
        es.pull(got);
        CHECK(es.codebooks() == 1 && got == off.codes);
        try {
            es.push(x);
            CHECK(false);
        } catch (const edgetok::Error &e) {
            CHECK(e.status() == EDGETOK_STATUS_INVALID_STATE);
        }
        edgetok::DecoderStream ds(mu);
        std::vector<float> pcm;
        ds.push(got.data(), got.size());
        ds.flush();
        ds.pull(pcm);
        CHECK(pcm == mu.decode(off));
    }
    if (argc > 2) {
        edgetok::AudioCodec tiny(shared + "/golden/encodec-24k-tiny", argv[2]);
        CHECK(tiny.kind() == "encodec" && tiny.info().codebooks == 8);
        auto ac = tiny.encode(a.samples, a.sample_rate, 1, 1.8);
        CHECK(ac.codebooks == 4 && ac.frames == (a.samples.size() * 3 / 2 + 319) / 320);
        CHECK(tiny.decode(ac).size() == ac.frames * 320);
    }
    try {
        edgetok::AudioCodec missing(shared + "/no-such-model");
        CHECK(false);
    } catch (const edgetok::Error &e) {
        CHECK(e.status() == EDGETOK_STATUS_NOT_FOUND);
    }
    {
    edgetok::Kairos kairos(shared + "/golden/kairos-10m");
    std::vector<float> series(500);
    for (size_t i = 0; i < series.size(); i++) series[i] = 10.0f + std::sin(0.26f * static_cast<float>(i));
    auto q = kairos.forecast(series, 40);
    CHECK(q.size() == 9 * 40);
    auto t = kairos.tokenize(series);
    CHECK(!t.token_sizes.empty() && t.embeddings.size() == t.token_sizes.size() * 256);
    CHECK(t.attention_mask.back() == 1);
    try {
        kairos.forecast(series, 0);
        CHECK(false);
    } catch (const edgetok::Error &e) {
        CHECK(e.status() == EDGETOK_STATUS_INVALID_ARGUMENT);
    }
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
