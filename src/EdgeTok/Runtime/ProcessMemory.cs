namespace EdgeTok.Runtime;

/// <summary>
/// One reading of this process's memory: the managed heap as the garbage collector sees it and the
/// resident set size (RSS) as the operating system sees it. Used by long-running checks (the stream
/// soak) to show that memory stays flat.
/// </summary>
/// <param name="LiveHeapBytes">Bytes of live managed objects after a full blocking, compacting collection (<see cref="GC.GetTotalMemory(bool)"/>): the figure a leak grows.</param>
/// <param name="HeapSizeBytes">Managed heap size after that collection, fragmentation included (<see cref="GCMemoryInfo.HeapSizeBytes"/>).</param>
/// <param name="CommittedBytes">Memory the collector has committed from the OS (<see cref="GCMemoryInfo.TotalCommittedBytes"/>).</param>
/// <param name="ResidentBytes">Resident set size of the process (<c>VmRSS</c> from <c>/proc/self/status</c> on Linux, else <see cref="System.Diagnostics.Process.WorkingSet64"/>): managed and native memory (ONNX Runtime, mapped model files) together.</param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap since the process started (<see cref="GC.GetTotalAllocatedBytes(bool)"/>): its growth is the allocation rate.</param>
/// <param name="Gen2Collections">Full collections so far (<see cref="GC.CollectionCount(int)"/> of generation 2).</param>
public sealed record ProcessMemory(long LiveHeapBytes, long HeapSizeBytes, long CommittedBytes, long ResidentBytes, long AllocatedBytes, int Gen2Collections)
{
    /// <summary>
    /// Reads the figures. A full blocking collection runs first so the heap figures count live objects
    /// only (garbage between collections would otherwise swing them by the allocation budget). It
    /// compacts: a non-compacting full collection leaves the young regions in place and commits fresh
    /// ones, so frequent readings would themselves grow the committed memory and the RSS. The reading
    /// allocates next to nothing (RSS is parsed from a fixed buffer) for the same reason.
    /// </summary>
    public static ProcessMemory Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        long live = GC.GetTotalMemory(forceFullCollection: false);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new ProcessMemory(live, info.HeapSizeBytes, info.TotalCommittedBytes, ResidentSetBytes(),
            GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(2));
    }

    /// <summary>Resident set size of this process in bytes (Linux: <c>VmRSS</c> of <c>/proc/self/status</c>).</summary>
    public static long ResidentSetBytes()
    {
        if (OperatingSystem.IsLinux() && ReadVmRss() is long rss and >= 0) return rss;
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    private static readonly Lock s_statusLock = new();
    private static Microsoft.Win32.SafeHandles.SafeFileHandle? s_status;
    private static readonly byte[] s_statusBuffer = new byte[8192];

    // Reads VmRSS through one kept-open handle into a fixed buffer: a reading allocates nothing, so
    // frequent readings do not themselves feed the heap they measure.
    private static long ReadVmRss()
    {
        lock (s_statusLock)
        {
            try
            {
                s_status ??= File.OpenHandle("/proc/self/status", FileMode.Open, FileAccess.Read);
                int n = RandomAccess.Read(s_status, s_statusBuffer, 0);
                var text = s_statusBuffer.AsSpan(0, n);
                int at = text.IndexOf("VmRSS:"u8);
                if (at < 0) return -1;
                long kb = 0;
                bool digits = false;
                foreach (byte b in text[(at + 6)..])
                {
                    if (b is >= (byte)'0' and <= (byte)'9') { kb = kb * 10 + (b - '0'); digits = true; }
                    else if (digits) break;
                }
                return digits ? kb * 1024 : -1;
            }
            catch (IOException) { return -1; }
            catch (UnauthorizedAccessException) { return -1; }
        }
    }
}
