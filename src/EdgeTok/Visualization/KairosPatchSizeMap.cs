using System.Globalization;
using System.Text;
using EdgeTok.TimeSeries.Kairos;
using static EdgeTok.Visualization.SvgText;

namespace EdgeTok.Visualization;

/// <summary>
/// Renders where the Kairos granularity router chose which patch size, in SVG: the context window as
/// a line over a background tinted by token size; beneath it a strip of the tokens themselves
/// (coloured by size, hatched where the token saw no observed point: padding or missing values), and
/// a strip of the router's Top-K choice per coarse patch (segment width = routing weight, null
/// experts in grey). Self-contained SVG 1.1, no scripts or external resources.
/// </summary>
public static class KairosPatchSizeMap
{
    // Level 0 (coarsest) first; colour-blind-friendly hues, distinct in greyscale by lightness.
    private static readonly string[] LevelColors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#edc948"];
    private static readonly string[] NullColors = ["#7f7f7f", "#a6a6a6", "#c8c8c8", "#dcdcdc"];

    /// <summary>Colour of a real level (tokens of P >> level points).</summary>
    internal static string LevelColor(int level) => LevelColors[level % LevelColors.Length];

    /// <summary>Builds the SVG document.</summary>
    /// <param name="series">The series that was tokenized (NaN = missing), all of it.</param>
    /// <param name="tokens">What <see cref="KairosModel.Tokenize(ReadOnlySpan{float})"/> returned for <paramref name="series"/>.</param>
    /// <param name="title">Title drawn above the plot.</param>
    /// <exception cref="EdgeTokException">The tokens do not belong to a series of this length (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public static string Render(ReadOnlySpan<float> series, KairosTokens tokens, string title)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var r = tokens.Routing;
        if (r.ContextStart + r.ContextLength != series.Length)
            throw EdgeTokException.Argument($"the tokens cover points {r.ContextStart}..{r.ContextStart + r.ContextLength - 1} but the series has {series.Length}");
        int P = r.PatchSize, K = r.ActivatedExperts, E = r.Levels + r.NullExperts;
        int first = r.PatchStart(0), span = r.Patches * P; // drawn index range [first, first + span)
        var window = series[r.ContextStart..];

        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in window) if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (!double.IsFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { lo -= 1; hi += 1; }
        double pad = (hi - lo) * 0.06;
        lo -= pad; hi += pad;

        const double W = 960, L = 70, R = 20, T = 52, PlotB = 300, TokY = 308, TokH = 22, RouteY = 338, RouteH = 14, AxisY = 358, LegendY = 408, H = 420;
        double X(double index) => L + (W - L - R) * (index - first) / span;
        double Y(double v) => T + (PlotB - T) * (1 - (v - lo) / (hi - lo));
        var inv = CultureInfo.InvariantCulture;

        var sb = new StringBuilder();
        sb.Append(Header(W, H));
        sb.Append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">" +
                  "<rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9a9a9a\" stroke-width=\"2\"/></pattern></defs>\n");
        sb.Append(inv, $"<text x=\"{L}\" y=\"20\" font-size=\"15\">{Escape(title)}</text>\n");
        int nulls = r.NullExperts;
        string sub = string.Format(inv, "context: points {0}–{1} of {2}{3}; patch P = {4}, router picks {5} of {6} levels + {7} null expert{8}; {9} tokens",
            r.ContextStart, series.Length - 1, series.Length, r.Padding > 0 ? $" (+{r.Padding} padding)" : "", P, K, r.Levels, nulls, nulls == 1 ? "" : "s", tokens.Count);
        sb.Append(inv, $"<text x=\"{L}\" y=\"38\" fill=\"#555\">{Escape(sub)}</text>\n");

        // Background tint per token, then value grid lines over it.
        var starts = new int[tokens.Count];
        for (int t = 0, at = first; t < tokens.Count; at += tokens.TokenSizes[t], t++) starts[t] = at;
        sb.Append("<g stroke=\"none\">\n");
        for (int t = 0; t < tokens.Count; t++)
        {
            int size = tokens.TokenSizes[t];
            bool masked = tokens.AttentionMask[t] == 0;
            string fill = masked ? "url(#hatch)" : LevelColor(Level(P, size));
            sb.Append(inv, $"<rect x=\"{F(X(starts[t]))}\" y=\"{T}\" width=\"{F(X(starts[t] + size) - X(starts[t]))}\" height=\"{PlotB - T}\" fill=\"{fill}\" fill-opacity=\"{(masked ? "0.6" : "0.16")}\"/>\n");
        }
        if (r.Padding > 0)
            sb.Append(inv, $"<rect x=\"{F(X(first))}\" y=\"{T}\" width=\"{F(X(r.ContextStart) - X(first))}\" height=\"{PlotB - T}\" fill=\"url(#hatch)\" fill-opacity=\"0.6\"/>\n");
        sb.Append("</g>\n");
        foreach (var v in Ticks(lo, hi, 5))
        {
            double y = Y(v);
            sb.Append(inv, $"<line x1=\"{L}\" y1=\"{F(y)}\" x2=\"{W - R}\" y2=\"{F(y)}\" stroke=\"#000\" stroke-opacity=\"0.08\"/>\n");
            sb.Append(inv, $"<text x=\"{L - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Label(v)}</text>\n");
        }
        // Patch boundaries across the plot and both strips.
        for (int j = 0; j <= r.Patches; j++)
        {
            double x = X(first + j * P);
            sb.Append(inv, $"<line x1=\"{F(x)}\" y1=\"{T}\" x2=\"{F(x)}\" y2=\"{RouteY + RouteH}\" stroke=\"#555\" stroke-width=\"1\" stroke-opacity=\"0.5\"/>\n");
        }

        // The series, broken at missing values.
        var path = new StringBuilder();
        bool pen = false;
        for (int i = 0; i < window.Length; i++)
        {
            if (!float.IsFinite(window[i])) { pen = false; continue; }
            path.Append(inv, $"{(pen ? "L" : "M")}{F(X(r.ContextStart + i))},{F(Y(window[i]))}");
            pen = true;
        }
        sb.Append(inv, $"<path class=\"series\" d=\"{path}\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.3\" stroke-linejoin=\"round\"/>\n");

        // Token strip.
        sb.Append(inv, $"<text x=\"{L - 6}\" y=\"{TokY + TokH / 2 + 4}\" text-anchor=\"end\">tokens</text>\n");
        for (int t = 0; t < tokens.Count; t++)
        {
            int size = tokens.TokenSizes[t];
            bool masked = tokens.AttentionMask[t] == 0;
            double x0 = X(starts[t]), w = X(starts[t] + size) - x0;
            string tip = string.Format(inv, "token {0}: points {1}–{2}, {3} points{4}", t, starts[t], starts[t] + size - 1, size, masked ? ", masked (nothing observed)" : "");
            sb.Append(inv, $"<rect class=\"token\" x=\"{F(x0)}\" y=\"{TokY}\" width=\"{F(w)}\" height=\"{TokH}\" fill=\"{(masked ? "url(#hatch)" : LevelColor(Level(P, size)))}\" stroke=\"white\" stroke-width=\"1\"><title>{tip}</title></rect>\n");
            if (w >= 22 && !masked)
                sb.Append(inv, $"<text x=\"{F(x0 + w / 2)}\" y=\"{TokY + TokH / 2 + 4}\" text-anchor=\"middle\" fill=\"white\" font-size=\"11\">{size}</text>\n");
        }

        // Router strip: per patch, the K chosen experts side by side, width ∝ weight.
        sb.Append(inv, $"<text x=\"{L - 6}\" y=\"{RouteY + RouteH / 2 + 4}\" text-anchor=\"end\">router</text>\n");
        for (int j = 0; j < r.Patches; j++)
        {
            double x0 = X(first + j * P), x1 = X(first + (j + 1) * P);
            float total = 0;
            for (int k = 0; k < K; k++) total += r.Weights[j * K + k];
            double at = x0;
            for (int k = 0; k < K; k++)
            {
                int e = r.Experts[j * K + k];
                float wgt = r.Weights[j * K + k];
                double w = total > 0 ? (x1 - x0) * wgt / total : (x1 - x0) / K;
                string fill = e < r.Levels ? LevelColor(e) : NullColors[(e - r.Levels) % NullColors.Length];
                string name = e < r.Levels ? $"{P >> e}-point level" : $"null expert {e - r.Levels}";
                string tip = string.Format(inv, "patch {0}: {1}, weight {2:0.###}, probability {3:0.###}", j, name, wgt, r.Probabilities[j * E + e]);
                sb.Append(inv, $"<rect class=\"route\" x=\"{F(at)}\" y=\"{RouteY}\" width=\"{F(w)}\" height=\"{RouteH}\" fill=\"{fill}\"><title>{tip}</title></rect>\n");
                at += w;
            }
        }

        // Index axis (positions in the input series).
        foreach (var v in Ticks(first, first + span - 1, 10))
        {
            double x = X(v);
            sb.Append(inv, $"<line x1=\"{F(x)}\" y1=\"{RouteY + RouteH}\" x2=\"{F(x)}\" y2=\"{AxisY + 2}\" stroke=\"#444\"/>\n");
            sb.Append(inv, $"<text x=\"{F(x)}\" y=\"{AxisY + 14}\" text-anchor=\"middle\">{Label(v)}</text>\n");
        }
        sb.Append(inv, $"<text x=\"{W - R}\" y=\"{AxisY + 28}\" text-anchor=\"end\" fill=\"#555\">index in the series</text>\n");

        // Legend: token sizes present in the model, null experts, hatching.
        double lx = L;
        void Swatch(string fill, string label)
        {
            sb.Append(inv, $"<rect class=\"legend\" x=\"{F(lx)}\" y=\"{LegendY - 10}\" width=\"14\" height=\"12\" fill=\"{fill}\" stroke=\"#666\" stroke-width=\"0.5\"/>\n");
            sb.Append(inv, $"<text x=\"{F(lx + 19)}\" y=\"{LegendY}\">{Escape(label)}</text>\n");
            lx += 30 + 7 * label.Length;
        }
        for (int l = 0; l < r.Levels; l++) Swatch(LevelColor(l), $"{P >> l}-point tokens");
        for (int e = 0; e < nulls; e++) Swatch(NullColors[e % NullColors.Length], nulls == 1 ? "null expert" : $"null expert {e}");
        Swatch("url(#hatch)", "padding / masked token");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    // Level of a token size: P >> level == size.
    private static int Level(int patch, int size)
    {
        int l = 0;
        while ((patch >> l) > size) l++;
        return l;
    }
}
