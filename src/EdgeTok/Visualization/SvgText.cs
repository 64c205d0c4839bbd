using System.Globalization;

namespace EdgeTok.Visualization;

/// <summary>Small pieces every SVG picture needs: number formatting, escaping and axis ticks.</summary>
internal static class SvgText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A coordinate with at most two decimals (keeps files small, invariant culture).</summary>
    public static string F(double d) => d.ToString("0.##", Inv);

    /// <summary>Text content or an attribute value, XML-escaped.</summary>
    public static string Escape(string s) =>
        s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    /// <summary>The opening tag of a white-background document of the given size.</summary>
    public static string Header(double width, double height) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(width)}\" height=\"{F(height)}\" viewBox=\"0 0 {F(width)} {F(height)}\" font-family=\"sans-serif\" font-size=\"12\">\n" +
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";

    /// <summary>
    /// Round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi] with at most about
    /// <paramref name="maxTicks"/> ticks; ticks lie inside the interval.
    /// </summary>
    public static List<double> Ticks(double lo, double hi, int maxTicks)
    {
        var ticks = new List<double>();
        if (!(hi > lo) || maxTicks < 1) { ticks.Add(lo); return ticks; }
        double raw = (hi - lo) / maxTicks;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = mag;
        foreach (var m in new[] { 1.0, 2.0, 5.0, 10.0 })
            if (m * mag >= raw) { step = m * mag; break; }
        for (double v = Math.Ceiling(lo / step) * step; v <= hi + step * 1e-9; v += step)
            ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }

    /// <summary>A tick label: plain decimals (no exponent) for everyday magnitudes, four significant digits otherwise.</summary>
    public static string Label(double v)
    {
        double a = Math.Abs(v);
        if (a == 0) return "0";
        if (a >= 1e-4 && a < 1e9) return Math.Round(v, 6).ToString("0.######", Inv);
        return v.ToString("G4", Inv);
    }
}
