namespace EdgeTok.Cli.Commands;

/// <summary>The help text every <c>ts</c> command shares for its series input (--input, --column).</summary>
internal static class SeriesInput
{
    public const string Text =
        "FILE is a CSV (a numeric column by name or 0-based index, default: the last numeric column; empty,\n" +
        "NA and NaN cells are missing values) or a 1-D .npy (NaN = missing).";
}
