namespace EdgeTok.Audio.Metrics;

/// <summary>Objective quality of a degraded signal against its reference (see <see cref="AudioQuality"/>).</summary>
/// <param name="Stoi">Short-time objective intelligibility (<see cref="Metrics.Stoi"/>), about 0..1, higher is better.</param>
/// <param name="SiSnrDb">Scale-invariant SNR in dB (<see cref="SiSnr"/>), higher is better; +∞ for an exact copy.</param>
/// <param name="LsdDb">Log-spectral distance in dB (<see cref="LogSpectralDistance"/>), lower is better.</param>
/// <param name="McdDb">Mel-cepstral distortion in dB (<see cref="MelCepstralDistortion"/>), lower is better.</param>
/// <param name="DelaySamples">Delay of the degraded signal that was compensated before measuring.</param>
/// <param name="Samples">Number of aligned samples compared.</param>
public sealed record AudioQualityReport(double Stoi, double SiSnrDb, double LsdDb, double McdDb, int DelaySamples, int Samples);
