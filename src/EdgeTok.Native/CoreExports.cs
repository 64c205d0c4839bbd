using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeTok.Runtime;

namespace EdgeTok.Native;

/// <summary>C ABI v1 core: versions, build info, status strings, last error, logging.</summary>
internal static unsafe class CoreExports
{
    [UnmanagedCallersOnly(EntryPoint = "edgetok_abi_version")]
    public static uint AbiVersion() => ((uint)EdgeTokInfo.AbiMajor << 16) | (uint)EdgeTokInfo.AbiMinor;

    [UnmanagedCallersOnly(EntryPoint = "edgetok_version")]
    public static byte* Version() => StaticStrings.Get(EdgeTokInfo.Version);

    [UnmanagedCallersOnly(EntryPoint = "edgetok_status_string")]
    public static byte* StatusString(int status) => StaticStrings.Get(StatusCodes.Describe((StatusCode)status));

    [UnmanagedCallersOnly(EntryPoint = "edgetok_last_error")]
    public static byte* LastError() => Abi.LastError();

    [UnmanagedCallersOnly(EntryPoint = "edgetok_build_info")]
    public static int BuildInfo(byte* buffer, nuint capacity, nuint* required)
    {
        try
        {
            Abi.WriteString(EdgeTokInfo.BuildInfoJson(), buffer, capacity, required, "buffer");
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    private static delegate* unmanaged<int, byte*, void*, void> s_logFn;
    private static void* s_logUser;

    [UnmanagedCallersOnly(EntryPoint = "edgetok_set_log_callback")]
    public static int SetLogCallback(delegate* unmanaged<int, byte*, void*, void> fn, int minLevel, void* user)
    {
        try
        {
            if (minLevel is < (int)LogLevel.Debug or > (int)LogLevel.Error)
                throw EdgeTokException.Argument($"min_level {minLevel} is not a log level (0..3)");
            s_logFn = fn;
            s_logUser = user;
            if (fn == null) Log.SetSink(null);
            else
            {
                Log.SetSink(ForwardLog, (LogLevel)minLevel);
                Log.Write(LogLevel.Info, $"edgetok {EdgeTokInfo.Version}: log callback installed ({Numerics.CpuFeatures.VectorPath} path)");
            }
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    private static void ForwardLog(LogLevel level, string message)
    {
        var fn = s_logFn;
        if (fn == null) return;
        var bytes = System.Text.Encoding.UTF8.GetBytes(message + "\0");
        fixed (byte* p = bytes) fn((int)level, p, s_logUser);
    }
}
