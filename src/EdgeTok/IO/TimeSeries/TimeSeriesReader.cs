using System.Globalization;
using System.Text;
using EdgeTok.IO.Npy;

namespace EdgeTok.IO.TimeSeries;

/// <summary>
/// Reads a univariate series from a CSV column or a 1-D <c>.npy</c> file. CSV: the first row is a
/// header; fields may be quoted; empty cells and <c>NA</c>/<c>NaN</c>/<c>null</c> become NaN; any
/// other non-numeric cell in the chosen column is an error naming its line. Without a column, the
/// last column whose cells are all numeric or missing is taken (dates and labels are skipped).
/// </summary>
public static class TimeSeriesReader
{
    /// <summary>Longest series accepted (values).</summary>
    public const int MaxLength = 100_000_000;

    /// <summary>Reads a series. <paramref name="column"/> is a CSV header name or a 0-based index; ignored for .npy.</summary>
    public static TimeSeriesData Read(string path, string? column = null)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"time-series file not found: {path}");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => ReadNpy(path),
            _ => ReadCsv(path, column),
        };
    }

    /// <summary>Reads a 1-D (or [1, N]) numeric .npy file as float32.</summary>
    public static TimeSeriesData ReadNpy(string path)
    {
        var arr = NpyReader.Read(path);
        bool oneD = arr.Shape.Length == 1 || (arr.Shape.Length == 2 && arr.Shape[0] == 1);
        if (!oneD) throw EdgeTokException.Argument($"{path}: expected a 1-D series, got shape {arr.ShapeText}");
        if (arr.Length > MaxLength) throw EdgeTokException.Limit($"{path}: {arr.Length} values exceed the limit of {MaxLength}");
        return new TimeSeriesData(arr.ToFloat32(), Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Reads one column of a CSV file.</summary>
    public static TimeSeriesData ReadCsv(string path, string? column = null)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? headerLine = reader.ReadLine();
        if (headerLine is null) throw EdgeTokException.Format($"{path}: empty CSV file");
        var header = SplitCsvLine(headerLine, path, 1);
        var rows = new List<string[]>();
        string? line;
        int lineNo = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0) continue;
            var fields = SplitCsvLine(line, path, lineNo);
            if (fields.Length != header.Length)
                throw EdgeTokException.Format($"{path}:{lineNo}: {fields.Length} fields, header has {header.Length}");
            rows.Add(fields);
            if (rows.Count > MaxLength) throw EdgeTokException.Limit($"{path}: more than {MaxLength} rows");
        }

        int col = ResolveColumn(path, header, rows, column);
        var values = new float[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            if (!TryParseCell(rows[r][col], out values[r]))
                throw EdgeTokException.Format($"{path}:{r + 2}: column '{header[col]}' holds non-numeric value '{rows[r][col]}'");
        }
        return new TimeSeriesData(values, header[col], path);
    }

    private static int ResolveColumn(string path, string[] header, List<string[]> rows, string? column)
    {
        if (column is not null)
        {
            int byName = Array.IndexOf(header, column);
            if (byName >= 0) return byName;
            if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int idx))
            {
                if (idx < header.Length) return idx;
                throw EdgeTokException.NotFound($"{path}: column index {idx} is out of range (the file has {header.Length} columns)");
            }
            throw EdgeTokException.NotFound($"{path}: no column '{column}' (columns: {string.Join(", ", header)})");
        }
        for (int c = header.Length - 1; c >= 0; c--)
        {
            bool numeric = true, any = false;
            foreach (var row in rows)
            {
                if (!TryParseCell(row[c], out float v)) { numeric = false; break; }
                any |= !float.IsNaN(v);
            }
            if (numeric && any) return c;
        }
        throw EdgeTokException.Format($"{path}: no numeric column (columns: {string.Join(", ", header)})");
    }

    /// <summary>Parses one cell: a number, or a missing-value marker (empty, NA, NaN, null) as NaN.</summary>
    internal static bool TryParseCell(string cell, out float value)
    {
        var s = cell.AsSpan().Trim();
        if (s.Length == 0 || s.Equals("NA", StringComparison.OrdinalIgnoreCase) || s.Equals("NaN", StringComparison.OrdinalIgnoreCase)
            || s.Equals("null", StringComparison.OrdinalIgnoreCase) || s.Equals("N/A", StringComparison.OrdinalIgnoreCase))
        {
            value = float.NaN;
            return true;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            value = (float)d;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>Splits a CSV line on commas, honouring double-quoted fields with "" escapes.</summary>
    internal static string[] SplitCsvLine(string line, string path, int lineNo)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                    else quoted = false;
                }
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else if (ch != '\r') sb.Append(ch);
        }
        if (quoted) throw EdgeTokException.Format($"{path}:{lineNo}: unterminated quoted field");
        fields.Add(sb.ToString());
        return fields.ToArray();
    }
}
