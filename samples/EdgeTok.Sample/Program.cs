// EdgeTok from its NuGet package: forecast and tokenize a real series with a Kairos model, then
// encode a WAV file with an audio codec (ONNX Runtime comes in as a package dependency).
//   dotnet run -- --kairos models/kairos-mini --series AirPassengers.csv [--horizon 12]
//                 --codec DIR|mulaw [--manifest edgetok.json] [--bandwidth 1.8] --wav speech.wav
using System.Globalization;
using EdgeTok;
using EdgeTok.Audio.Codecs;
using EdgeTok.IO.Audio;
using EdgeTok.IO.TimeSeries;
using EdgeTok.TimeSeries.Binning;
using EdgeTok.TimeSeries.Kairos;

var opts = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--")) { Console.Error.WriteLine($"sample: unexpected argument '{args[i]}'"); return 2; }
    opts[args[i][2..]] = args[i + 1];
}
string Get(string key, string fallback = "") => opts.TryGetValue(key, out var v) ? v : fallback;
var inv = CultureInfo.InvariantCulture;

try
{
    Console.WriteLine($"edgetok {EdgeTokInfo.Version}");
    if (opts.ContainsKey("series"))
    {
        var series = TimeSeriesReader.Read(Get("series"), opts.GetValueOrDefault("column"));
        var bins = new MeanScaleUniformBins();
        var ids = new int[bins.GetTokenCount(series.Values.Length)];
        var mask = new byte[ids.Length];
        float scale = bins.Encode(series.Values, ids, mask);
        Console.WriteLine($"series: {series.Values.Length} values of '{series.Column}'; chronos ids: {ids.Length} (scale {scale.ToString("R", inv)})");
        if (opts.ContainsKey("kairos"))
        {
            var model = KairosModel.Load(Get("kairos"));
            int horizon = int.Parse(Get("horizon", "12"), inv);
            var forecast = model.Forecast(series.Values, horizon, new KairosForecastOptions { InferIsPositive = true });
            var median = forecast.Row(0, forecast.NumQuantiles / 2).ToArray();
            Console.WriteLine($"forecast: [{string.Join(", ", forecast.Shape)}]");
            Console.WriteLine($"median: {string.Join(" ", median.Select(v => v.ToString("R", inv)))}");
            Console.WriteLine($"kairos tokens: {model.Tokenize(series.Values).TokenSizes.Length}");
        }
    }
    if (opts.ContainsKey("wav"))
    {
        using var codec = AudioCodec.Load(Get("codec", "mulaw"), opts.GetValueOrDefault("manifest"));
        double? bandwidth = opts.TryGetValue("bandwidth", out var b) ? double.Parse(b, inv) : null;
        var codes = codec.Encode(WavReader.Read(Get("wav")), new AudioEncodeOptions { BandwidthKbps = bandwidth });
        var audio = codec.Decode(codes);
        Console.WriteLine($"codes: [{codes.Frames}, {codes.Codebooks}] first frame: {string.Join(" ", codes.Codes.Take(codes.Codebooks))} checksum: {codes.Codes.Select((c, i) => (long)c * (i % 97 + 1)).Sum()}");
        Console.WriteLine($"decoded: {audio.Length} samples at {codec.Info.SampleRate} Hz");
    }
    return 0;
}
catch (EdgeTokException e)
{
    Console.Error.WriteLine($"sample: {e.Message} [{e.Status}]");
    return 1;
}
