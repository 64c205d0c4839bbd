using EdgeTok.Runtime;

namespace EdgeTok.Audio.Soak;

/// <summary>One memory reading taken during a soak.</summary>
/// <param name="AudioSeconds">Audio pushed so far, in seconds of input.</param>
/// <param name="WallSeconds">Wall-clock time since streaming began.</param>
/// <param name="Memory">The process's memory at that point.</param>
public sealed record StreamSoakSample(double AudioSeconds, double WallSeconds, ProcessMemory Memory);
