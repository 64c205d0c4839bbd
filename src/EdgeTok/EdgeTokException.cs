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

    /// <summary>A malformed file or byte stream (<see cref="StatusCode.InvalidFormat"/>).</summary>
    public static EdgeTokException Format(string message) => new(StatusCode.InvalidFormat, message);

    /// <summary>An invalid argument (<see cref="StatusCode.InvalidArgument"/>).</summary>
    public static EdgeTokException Argument(string message) => new(StatusCode.InvalidArgument, message);

    /// <summary>Valid input this build does not support (<see cref="StatusCode.Unsupported"/>).</summary>
    public static EdgeTokException Unsupported(string message) => new(StatusCode.Unsupported, message);

    /// <summary>A missing file, tensor, column or model (<see cref="StatusCode.NotFound"/>).</summary>
    public static EdgeTokException NotFound(string message) => new(StatusCode.NotFound, message);

    /// <summary>A request beyond a documented resource limit (<see cref="StatusCode.LimitExceeded"/>).</summary>
    public static EdgeTokException Limit(string message) => new(StatusCode.LimitExceeded, message);

    /// <summary>A call the object's state does not allow (<see cref="StatusCode.InvalidState"/>).</summary>
    public static EdgeTokException State(string message) => new(StatusCode.InvalidState, message);
}
