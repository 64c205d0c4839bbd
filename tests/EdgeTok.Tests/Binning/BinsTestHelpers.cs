using System.Globalization;
using EdgeTok.TimeSeries.Binning;

namespace EdgeTok.Tests.Binning;

/// <summary>Small helpers shared by the bin tokenizer tests, plus an independent float64 reference.</summary>
internal static class BinsTestHelpers
{
    public static (int[] Ids, byte[] Mask, float Scale) Encode(MeanScaleUniformBins bins, ReadOnlySpan<float> series)
    {
        int n = bins.GetTokenCount(series.Length);
        var ids = new int[n];
        var mask = new byte[n];
        float scale = bins.Encode(series, ids, mask);
        return (ids, mask, scale);
    }

    public static (int[] Ids, byte[] Mask) EncodeLabels(MeanScaleUniformBins bins, ReadOnlySpan<float> future, float scale)
    {
        int n = bins.GetLabelTokenCount(future.Length);
        var ids = new int[n];
        var mask = new byte[n];
        bins.EncodeLabels(future, scale, ids, mask);
        return (ids, mask);
    }

    /// <summary>Reads one numeric column of a CSV by header name; an empty cell is NaN.</summary>
    public static float[] ReadCsvColumn(string path, string column)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        int col = Array.IndexOf(header, column);
        Assert.True(col >= 0, $"column {column} not in {path}");
        var values = new List<float>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var cell = line.Split(',')[col].Trim('"');
            values.Add(cell.Length == 0 ? float.NaN : float.Parse(cell, CultureInfo.InvariantCulture));
        }
        return values.ToArray();
    }

    /// <summary>
    /// A straightforward float64 implementation of the spec, written without looking at the
    /// library: exact linspace, midpoints, mean |x| in double, upper-bound bucketize.
    /// </summary>
    public sealed class DoubleReference
    {
        public readonly double[] Centers;
        public readonly double[] Boundaries;
        private readonly int _nTokens, _nSpecial, _context;

        public DoubleReference(int nTokens = 4096, int nSpecial = 2, double low = -15, double high = 15, int context = 512)
        {
            _nTokens = nTokens; _nSpecial = nSpecial; _context = context;
            int n = nTokens - nSpecial - 1;
            Centers = new double[n];
            for (int i = 0; i < n; i++) Centers[i] = low + (high - low) * i / (n - 1);
            Boundaries = new double[n + 1];
            Boundaries[0] = -1e20;
            for (int i = 1; i < n; i++) Boundaries[i] = (Centers[i - 1] + Centers[i]) / 2;
            Boundaries[n] = 1e20;
        }

        public double Scale(ReadOnlySpan<float> window)
        {
            double sum = 0; int count = 0;
            foreach (float x in window) if (!float.IsNaN(x)) { sum += Math.Abs((double)x); count++; }
            double s = count == 0 ? double.NaN : sum / count;
            return s > 0 ? s : 1.0;
        }

        public int Id(double scaled)
        {
            int k = 0;
            while (k < Boundaries.Length && Boundaries[k] <= scaled) k++;   // right=True: count of b <= x
            return Math.Clamp(k + _nSpecial, 0, _nTokens - 1);
        }

        /// <summary>Distance from a scaled value to the nearest inner boundary, relative to max(1, |b|).</summary>
        public double RelativeDistanceToBoundary(double scaled)
        {
            double best = double.MaxValue;
            for (int i = 1; i < Boundaries.Length - 1; i++)
                best = Math.Min(best, Math.Abs(scaled - Boundaries[i]) / Math.Max(1.0, Math.Abs(Boundaries[i])));
            return best;
        }

        public ReadOnlySpan<float> Window(ReadOnlySpan<float> series) =>
            series.Length > _context ? series[^_context..] : series;
    }
}
