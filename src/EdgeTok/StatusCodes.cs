namespace EdgeTok;

/// <summary>Helpers that map exceptions and status codes to stable, human-readable text.</summary>
public static class StatusCodes
{
    /// <summary>A short constant description of a status code (the text of <c>edgetok_status_string</c>).</summary>
    public static string Describe(StatusCode code) => code switch
    {
        StatusCode.Ok => "ok",
        StatusCode.InvalidArgument => "invalid argument",
        StatusCode.NullPointer => "null pointer",
        StatusCode.BufferTooSmall => "buffer too small",
        StatusCode.InvalidFormat => "invalid format",
        StatusCode.IoError => "i/o error",
        StatusCode.NotFound => "not found",
        StatusCode.Unsupported => "unsupported",
        StatusCode.InvalidState => "invalid state",
        StatusCode.LimitExceeded => "limit exceeded",
        StatusCode.InvalidHandle => "invalid handle",
        StatusCode.Internal => "internal error",
        _ => "unknown status",
    };

    /// <summary>
    /// Classifies any exception into a status code and a one-line message. Wrapper exceptions
    /// (type initializers, aggregates) are unwrapped so the caller sees the real cause.
    /// </summary>
    public static (StatusCode Code, string Message) Classify(Exception ex)
    {
        ex = Unwrap(ex);
        return ex switch
        {
            EdgeTokException e => (e.Status, e.Message),
            FileNotFoundException e => (StatusCode.NotFound, e.Message),
            DirectoryNotFoundException e => (StatusCode.NotFound, e.Message),
            UnauthorizedAccessException e => (StatusCode.IoError, e.Message),
            EndOfStreamException e => (StatusCode.InvalidFormat, "unexpected end of data: " + e.Message),
            IOException e => (StatusCode.IoError, e.Message),
            OutOfMemoryException => (StatusCode.LimitExceeded, "out of memory"),
            ArgumentException e => (StatusCode.InvalidArgument, e.Message),
            NotSupportedException e => (StatusCode.Unsupported, e.Message),
            ObjectDisposedException e => (StatusCode.InvalidHandle, e.Message),
            InvalidOperationException e => (StatusCode.InvalidState, e.Message),
            DllNotFoundException e => (StatusCode.IoError, "native dependency missing: " + e.Message),
            _ => (StatusCode.Internal, ex.GetType().Name + ": " + ex.Message),
        };
    }

    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case TypeInitializationException { InnerException: { } inner }:
                    ex = inner; continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    ex = inner; continue;
                case AggregateException agg when agg.InnerExceptions.Count == 1:
                    ex = agg.InnerExceptions[0]; continue;
                default:
                    return ex;
            }
        }
    }
}
