using System.Text;
using System.Text.Json;
using EdgeTok.IO.TimeSeries;

namespace EdgeTok.Cli.Commands;

/// <summary>
/// The one-line JSON object <c>ts forecast</c> and <c>ts tokenize</c> print with <c>--json</c>: the series
/// header (<c>input</c>, <c>column</c>, <c>points</c>) first, then the command's own fields.
/// </summary>
internal static class SeriesJson
{
    /// <summary>Writes the header, lets <paramref name="body"/> add its fields, and returns the object as a string.</summary>
    public static string Write(string input, TimeSeriesData series, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("input", input);
            w.WriteString("column", series.Column);
            w.WriteNumber("points", series.Values.Length);
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>An optional path: the string, or <c>null</c> when the option was not given.</summary>
    public static void WriteStringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }
}
