namespace EdgeTok;

/// <summary>
/// The one exception type EdgeTok throws for bad input or failed operations. <see cref="Status"/>
/// is the code the C ABI returns for it; <see cref="Exception.Message"/> is the text that
/// <c>edgetok_last_error()</c> returns.
/// </summary>
public sealed class EdgeTokException : Exception
{
    /// <summary>The status code that classifies this error.</summary>
    public StatusCode Status { get; }

    /// <summary>Creates an error with a status code and a precise message.</summary>
    public EdgeTokException(StatusCode status, string message) : base(message) => Status = status;

    /// <summary>Creates an error that wraps the exception that caused it.</summary>
    public EdgeTokException(StatusCode status, string message, Exception inner) : base(message, inner) => Status = status;

    internal static EdgeTokException Format(string message) => new(StatusCode.InvalidFormat, message);
    internal static EdgeTokException Argument(string message) => new(StatusCode.InvalidArgument, message);
    internal static EdgeTokException Unsupported(string message) => new(StatusCode.Unsupported, message);
    internal static EdgeTokException NotFound(string message) => new(StatusCode.NotFound, message);
    internal static EdgeTokException Limit(string message) => new(StatusCode.LimitExceeded, message);
}
