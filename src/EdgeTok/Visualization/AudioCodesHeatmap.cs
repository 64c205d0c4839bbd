using System.Globalization;
using System.Text;
using static EdgeTok.Visualization.SvgText;

namespace EdgeTok.Visualization;

/// <summary>
/// Renders audio codec codes as a heatmap in SVG: one row per codebook (RVQ level 0 at the top), one
/// column per frame, colour = code value on a perceptually uniform scale, time axis in seconds and a
/// colour bar. Long inputs are decimated to at most <c>maxColumns</c> columns (and
/// <c>maxCells</c> cells in all), each column covering the same whole number of frames and showing the
/// code of its middle frame: codes are categories, so averaging them would draw values no frame has.
/// Neighbouring cells of one colour merge into runs, drawn as one path per colour (files stay near or
/// below 100 KB).
/// </summary>
public static class AudioCodesHeatmap
{
    /// <summary>Colour steps of the scale (codebooks with at most this many codes get one colour each).</summary>
    public const int ColorSteps = 64;

    // Nine anchors along the viridis scale (dark violet → yellow); linear in between.
    private static readonly (double R, double G, double B)[] Anchors =
    [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ];

    /// <summary>Builds the SVG document.</summary>
    /// <param name="codes">Codes [frames, codebooks], frame-major.</param>
    /// <param name="frames">Number of frames T.</param>
    /// <param name="codebooks">Codebooks per frame K.</param>
    /// <param name="codebookSize">Codes per codebook; values must lie in 0..codebookSize−1.</param>
    /// <param name="frameRate">Frames per second (for the time axis).</param>
    /// <param name="title">Title drawn above the plot.</param>
    /// <param name="maxColumns">Most columns drawn (default 1000).</param>
    /// <param name="maxCells">Most cells (columns × codebooks) drawn (default 12000).</param>
    /// <exception cref="EdgeTokException">Sizes that do not match, a code outside the codebook, or a non-positive frame rate (<see cref="StatusCode.InvalidArgument"/>).</exception>
    public static string Render(ReadOnlySpan<int> codes, int frames, int codebooks, int codebookSize, double frameRate, string title,
        int maxColumns = 1000, int maxCells = 12000)
    {
        if (frames < 1 || codebooks < 1 || codes.Length != (long)frames * codebooks)
            throw EdgeTokException.Argument($"codes hold {codes.Length} values, [{frames}, {codebooks}] needs {(long)frames * codebooks} (at least one frame)");
        if (codebookSize < 1) throw EdgeTokException.Argument($"codebook size {codebookSize} must be ≥ 1");
        if (!(frameRate > 0) || !double.IsFinite(frameRate)) throw EdgeTokException.Argument($"frame rate {frameRate} must be positive");
        if (maxColumns < 1 || maxCells < 1) throw EdgeTokException.Argument("maxColumns and maxCells must be ≥ 1");
        for (int i = 0; i < codes.Length; i++)
            if ((uint)codes[i] >= (uint)codebookSize)
                throw EdgeTokException.Argument($"code {codes[i]} at frame {i / codebooks}, codebook {i % codebooks} is outside 0..{codebookSize - 1}");

        // Each column covers `per` whole frames (the last one possibly fewer) and shows its middle frame.
        int limit = Math.Min(maxColumns, Math.Max(1, maxCells / codebooks));
        int per = (frames + limit - 1) / limit;
        int cols = (frames + per - 1) / per;
        double lastWidth = (double)(frames - (cols - 1) * per) / per;
        int steps = Math.Min(ColorSteps, codebookSize);
        double rowH = Math.Clamp(Math.Floor(280.0 / codebooks), 3, 40);
        const double W = 960, L = 70, R = 100, T = 52;
        double plotW = W - L - R, plotH = rowH * codebooks, axisY = T + plotH, H = axisY + 48;
        double seconds = frames / frameRate;
        var inv = CultureInfo.InvariantCulture;

        var sb = new StringBuilder();
        sb.Append(Header(W, H));
        sb.Append(inv, $"<text x=\"{L}\" y=\"20\" font-size=\"15\">{Escape(title)}</text>\n");
        string sub = string.Format(inv, "{0} codebook{1} × {2} frames, {3:0.###} s at {4:0.###} frames/s, codes 0–{5}{6}",
            codebooks, codebooks == 1 ? "" : "s", frames, seconds, frameRate, codebookSize - 1,
            per > 1 ? string.Format(inv, "; a column = {0} frames (middle one shown)", per) : "");
        sb.Append(inv, $"<text x=\"{L}\" y=\"38\" fill=\"#555\">{Escape(sub)}</text>\n");

        // Cells in column/row units: one stroked path per colour, a horizontal line through the middle of
        // the row per run of equal colours (the scale turns stroke width 1 into the row height). Within a
        // row, runs of one colour are joined by relative moves, which keeps the file small.
        int Middle(int c) => c < cols - 1 ? c * per + per / 2 : (c * per + frames - 1) / 2;
        var paths = new StringBuilder[steps];
        var lastRow = new int[steps];
        var penAt = new double[steps];
        Array.Fill(lastRow, -1);
        for (int k = 0; k < codebooks; k++)
        {
            int c = 0;
            while (c < cols)
            {
                int s = Step(codes[Middle(c) * codebooks + k], codebookSize, steps);
                int end = c + 1;
                while (end < cols && Step(codes[Middle(end) * codebooks + k], codebookSize, steps) == s) end++;
                double width = end - c - (end == cols ? 1 - lastWidth : 0);
                var p = paths[s] ??= new StringBuilder();
                if (lastRow[s] != k) p.Append(inv, $"M{c} {k}.5");
                else p.Append(inv, $"m{F(c - penAt[s])} 0");
                p.Append(inv, $"h{F(width)}");
                lastRow[s] = k;
                penAt[s] = c + width;
                c = end;
            }
        }
        double cw = plotW * per / frames;
        sb.Append(inv, $"<g class=\"cells\" transform=\"translate({F(L)} {F(T)}) scale({cw.ToString("0.######", inv)} {F(rowH)})\" fill=\"none\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n");
        for (int s = 0; s < steps; s++)
            if (paths[s] is { } p) sb.Append(inv, $"<path stroke=\"{Color((s + 0.5) / steps)}\" d=\"{p}\"/>\n");
        sb.Append("</g>\n");
        sb.Append(inv, $"<rect x=\"{L}\" y=\"{T}\" width=\"{F(plotW)}\" height=\"{F(plotH)}\" fill=\"none\" stroke=\"#444\"/>\n");

        // Codebook labels at a round step (1, 2, 5, 10, ...) that leaves at least 13 px between them.
        int every = 1;
        for (int m = 1; every * rowH < 13; m *= 10)
            foreach (var f in new[] { 1, 2, 5 })
                if (f * m * rowH >= 13) { every = f * m; break; }
        for (int k = 0; k < codebooks; k += every)
            sb.Append(inv, $"<text x=\"{L - 6}\" y=\"{F(T + (k + 0.5) * rowH + 4)}\" text-anchor=\"end\">{k}</text>\n");
        sb.Append(inv, $"<text transform=\"translate(18 {F(T + plotH / 2)}) rotate(-90)\" text-anchor=\"middle\" fill=\"#555\">codebook</text>\n");

        // Time axis in seconds: frame t covers [t, t + 1) / frameRate.
        foreach (var v in Ticks(0, seconds, 10))
        {
            double x = L + plotW * v / seconds;
            sb.Append(inv, $"<line x1=\"{F(x)}\" y1=\"{F(axisY)}\" x2=\"{F(x)}\" y2=\"{F(axisY + 5)}\" stroke=\"#444\"/>\n");
            sb.Append(inv, $"<text x=\"{F(x)}\" y=\"{F(axisY + 18)}\" text-anchor=\"middle\">{Label(v)}</text>\n");
        }
        sb.Append(inv, $"<text x=\"{F(L + plotW)}\" y=\"{F(axisY + 36)}\" text-anchor=\"end\" fill=\"#555\">time (s)</text>\n");

        // Colour bar: code 0 at the bottom, the largest code at the top.
        double bx = W - R + 24, bh = Math.Max(plotH, 60);
        sb.Append("<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int a = 0; a < Anchors.Length; a++)
            sb.Append(inv, $"<stop offset=\"{F((double)a / (Anchors.Length - 1))}\" stop-color=\"{Color((double)a / (Anchors.Length - 1))}\"/>");
        sb.Append("</linearGradient></defs>\n");
        sb.Append(inv, $"<rect x=\"{F(bx)}\" y=\"{T}\" width=\"14\" height=\"{F(bh)}\" fill=\"url(#scale)\" stroke=\"#444\"/>\n");
        sb.Append(inv, $"<text x=\"{F(bx + 20)}\" y=\"{T + 10}\">{codebookSize - 1}</text>\n");
        sb.Append(inv, $"<text x=\"{F(bx + 20)}\" y=\"{F(T + bh)}\">0</text>\n");
        sb.Append(inv, $"<text x=\"{F(bx - 4)}\" y=\"{T - 6}\" fill=\"#555\">code</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static int Step(int code, int codebookSize, int steps) => (int)((long)code * steps / codebookSize);

    /// <summary>The scale's colour at <paramref name="t"/> in [0, 1].</summary>
    internal static string Color(double t)
    {
        t = Math.Clamp(t, 0, 1) * (Anchors.Length - 1);
        int i = Math.Min((int)t, Anchors.Length - 2);
        double f = t - i;
        var (r0, g0, b0) = Anchors[i];
        var (r1, g1, b1) = Anchors[i + 1];
        int R(double a, double b) => (int)Math.Round(a + (b - a) * f);
        return $"#{R(r0, r1):x2}{R(g0, g1):x2}{R(b0, b1):x2}";
    }
}
