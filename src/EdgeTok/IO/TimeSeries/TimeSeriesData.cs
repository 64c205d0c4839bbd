namespace EdgeTok.IO.TimeSeries;

/// <summary>A univariate series read from a file: values (NaN = missing) and where they came from.</summary>
/// <param name="Values">The observations in file order; NaN marks a missing value.</param>
/// <param name="Column">The column name (CSV header), or the file name for .npy input.</param>
/// <param name="Source">The path the series was read from.</param>
public sealed record TimeSeriesData(float[] Values, string Column, string Source)
{
    /// <summary>Number of non-missing values.</summary>
    public int ObservedCount => Values.Count(v => !float.IsNaN(v));
}
