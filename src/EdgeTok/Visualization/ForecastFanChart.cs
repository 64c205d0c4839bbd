using System.Globalization;
using System.Text;
using static EdgeTok.Visualization.SvgText;

namespace EdgeTok.Visualization;

/// <summary>
/// Renders a quantile forecast as a fan chart in SVG: the last part of the history as a line, the
/// forecast as nested bands between symmetric quantile pairs (outermost lightest) and the median
/// as a line, over round value ticks and an index axis (positions in the input series, continued by
/// the forecast steps). Self-contained SVG 1.1, no scripts or external resources.
/// </summary>
public static class ForecastFanChart
{
    /// <summary>Builds the SVG document.</summary>
    /// <param name="history">Observed values (NaN = missing); only the last <paramref name="historyPoints"/> are drawn.</param>
    /// <param name="quantiles">Forecast, row-major [levels.Count, horizon].</param>
    /// <param name="levels">Quantile levels in increasing order, e.g. 0.1..0.9.</param>
    /// <param name="title">Title drawn above the plot.</param>
    /// <param name="historyPoints">How many trailing history points to draw (default: 4 × horizon, at least 48).</param>
    public static string Render(ReadOnlySpan<float> history, ReadOnlySpan<float> quantiles, IReadOnlyList<float> levels, string title, int historyPoints = 0)
    {
        int q = levels.Count;
        if (q == 0 || quantiles.Length == 0 || quantiles.Length % q != 0)
            throw EdgeTokException.Argument($"quantiles must hold levels × horizon values; got {quantiles.Length} values for {q} levels");
        int horizon = quantiles.Length / q;
        if (historyPoints <= 0) historyPoints = Math.Max(48, 4 * horizon);
        int histStart = Math.Max(0, history.Length - historyPoints);
        var hist = history[histStart..];

        // Value range over what is drawn, ignoring NaN and Inf.
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in hist) if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        foreach (var v in quantiles) if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (!double.IsFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { lo -= 1; hi += 1; }
        double pad = (hi - lo) * 0.05;
        lo -= pad; hi += pad;

        const double W = 900, H = 430, L = 70, R = 20, T = 40, B = 50;
        int total = hist.Length + horizon;
        double X(int i) => L + (W - L - R) * i / Math.Max(1, total - 1);
        double Y(double v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
        var inv = CultureInfo.InvariantCulture;

        var sb = new StringBuilder();
        sb.Append(Header(W, H));
        sb.Append(inv, $"<text x=\"{L}\" y=\"24\" font-size=\"15\">{Escape(title)}</text>\n");
        // Round value ticks as grid lines; index ticks along the bottom (series positions).
        foreach (var v in Ticks(lo, hi, 6))
        {
            double y = Y(v);
            sb.Append(inv, $"<line x1=\"{L}\" y1=\"{F(y)}\" x2=\"{W - R}\" y2=\"{F(y)}\" stroke=\"#e4e4e4\"/>\n");
            sb.Append(inv, $"<text x=\"{L - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Label(v)}</text>\n");
        }
        sb.Append(inv, $"<line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"#444\"/>\n");
        foreach (var v in Ticks(histStart, histStart + total - 1, 10))
        {
            double x = X((int)Math.Round(v) - histStart);
            sb.Append(inv, $"<line x1=\"{F(x)}\" y1=\"{H - B}\" x2=\"{F(x)}\" y2=\"{H - B + 5}\" stroke=\"#444\"/>\n");
            sb.Append(inv, $"<text x=\"{F(x)}\" y=\"{H - B + 18}\" text-anchor=\"middle\">{Label(v)}</text>\n");
        }
        sb.Append(inv, $"<text x=\"{W - R}\" y=\"{H - 8}\" text-anchor=\"end\" fill=\"#555\">index in the series</text>\n");
        double xSplit = X(hist.Length - 1);
        sb.Append(inv, $"<line x1=\"{F(xSplit)}\" y1=\"{T}\" x2=\"{F(xSplit)}\" y2=\"{H - B}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n");
        sb.Append(inv, $"<text x=\"{F(xSplit + 4)}\" y=\"{T + 12}\" fill=\"#555\">forecast →</text>\n");

        // Bands between quantile k and q-1-k, outermost first, lighter to darker.
        int bands = q / 2;
        for (int k = 0; k < bands; k++)
        {
            var lower = quantiles.Slice(k * horizon, horizon);
            var upper = quantiles.Slice((q - 1 - k) * horizon, horizon);
            double opacity = 0.15 + 0.55 * (k + 1) / (bands + 1);
            var path = new StringBuilder();
            for (int t = 0; t < horizon; t++) path.Append(inv, $"{(t == 0 ? "M" : "L")}{F(X(hist.Length + t))},{F(Y(Finite(upper[t], hi)))} ");
            for (int t = horizon - 1; t >= 0; t--) path.Append(inv, $"L{F(X(hist.Length + t))},{F(Y(Finite(lower[t], lo)))} ");
            sb.Append(inv, $"<path d=\"{path}Z\" fill=\"#2a6fdb\" fill-opacity=\"{F(opacity)}\" stroke=\"none\"><title>q{levels[k].ToString("0.##", inv)}–q{levels[q - 1 - k].ToString("0.##", inv)}</title></path>\n");
        }
        // Median (or the middle level) and the history.
        var mid = quantiles.Slice(q / 2 * horizon, horizon);
        sb.Append("<polyline fill=\"none\" stroke=\"#0b3d91\" stroke-width=\"2\" points=\"");
        for (int t = 0; t < horizon; t++) sb.Append(inv, $"{F(X(hist.Length + t))},{F(Y(Finite(mid[t], (lo + hi) / 2)))} ");
        sb.Append("\"/>\n");
        // The history, broken where values are missing.
        sb.Append("<path fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\" stroke-linejoin=\"round\" d=\"");
        bool pen = false;
        for (int i = 0; i < hist.Length; i++)
        {
            if (!float.IsFinite(hist[i])) { pen = false; continue; }
            sb.Append(inv, $"{(pen ? "L" : "M")}{F(X(i))},{F(Y(hist[i]))}");
            pen = true;
        }
        sb.Append("\"/>\n");
        sb.Append(inv, $"<text x=\"{W - R}\" y=\"24\" text-anchor=\"end\" fill=\"#555\">history (black), median (blue), bands q{levels[0].ToString("0.##", inv)}–q{levels[q - 1].ToString("0.##", inv)}</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static double Finite(float v, double fallback) => float.IsFinite(v) ? v : fallback;
}
