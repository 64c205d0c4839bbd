namespace EdgeTok.Runtime;

/// <summary>Severity of a log message; the values match <c>EDGETOK_LOG_*</c> in the C header.</summary>
public enum LogLevel
{
    /// <summary>Detailed diagnostics.</summary>
    Debug = 0,
    /// <summary>Normal progress (model loaded, variant chosen).</summary>
    Info = 1,
    /// <summary>Something the caller may want to fix (input truncated, fallback taken).</summary>
    Warning = 2,
    /// <summary>An operation failed.</summary>
    Error = 3,
}

/// <summary>
/// Process-wide, optional log sink. EdgeTok never writes to stdout/stderr on its own; a host that
/// wants messages installs a sink (the C ABI's <c>edgetok_set_log_callback</c> does).
/// </summary>
public static class Log
{
    private static volatile Action<LogLevel, string>? s_sink;
    private static volatile int s_minLevel = (int)LogLevel.Info;

    /// <summary>Installs (or with null removes) the sink and the lowest level passed to it.</summary>
    public static void SetSink(Action<LogLevel, string>? sink, LogLevel minLevel = LogLevel.Info)
    {
        s_minLevel = (int)minLevel;
        s_sink = sink;
    }

    /// <summary>True when a message at <paramref name="level"/> would reach a sink.</summary>
    public static bool IsEnabled(LogLevel level) => s_sink is not null && (int)level >= s_minLevel;

    /// <summary>Sends a message to the sink; a sink that throws is ignored so logging never breaks a call.</summary>
    public static void Write(LogLevel level, string message)
    {
        var sink = s_sink;
        if (sink is null || (int)level < s_minLevel) return;
        try { sink(level, message); } catch { /* a faulty host callback must not fail the operation */ }
    }
}
