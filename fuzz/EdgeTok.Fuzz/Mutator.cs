using System.Diagnostics;

namespace EdgeTok.Fuzz;

/// <summary>
/// A coverage-less mutation fuzzer: bit flips, byte sets, interesting integers written over the
/// first bytes (where headers and length fields live), truncation, extension, splicing two seeds
/// and chunk duplication. Used where AFL++ cannot run and as a fast in-process smoke run.
/// A watchdog thread reports an input that runs longer than <see cref="HangMs"/> as a hang.
/// </summary>
public static class Mutator
{
    /// <summary>An input slower than this (milliseconds) is reported as a hang.</summary>
    public const int HangMs = 5000;

    private static readonly long[] Interesting = [0, 1, -1, 127, 128, 255, 256, 32767, 32768, 65535, 65536,
        int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 31, 1L << 32, 1L << 40, 0x7FFFFFC7];

    /// <summary>Runs the fuzzer for a while; writes crashing inputs to <paramref name="outDir"/>; returns 0 if none.</summary>
    public static int Run(string name, Action<byte[]> target, string seedDir, double seconds, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var seeds = Directory.Exists(seedDir)
            ? Directory.GetFiles(seedDir).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes).ToList()
            : [];
        if (seeds.Count == 0) seeds.Add([0]);
        var rng = new Random(unchecked((int)DateTime.UtcNow.Ticks));
        long execs = 0, crashes = 0;
        var unique = new HashSet<string>();
        var sw = Stopwatch.StartNew();
        byte[]? current = null;
        long started = 0;
        // Watchdog: a parser stuck on one input is a hang; save it and stop (a thread cannot be aborted).
        var watchdog = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(250);
                var c = Volatile.Read(ref current);
                long s = Interlocked.Read(ref started);
                if (c != null && s != 0 && Stopwatch.GetTimestamp() - s > HangMs * Stopwatch.Frequency / 1000)
                {
                    File.WriteAllBytes(Path.Combine(outDir, $"hang-{Guid.NewGuid():N}"), c);
                    Console.WriteLine($"fuzz {name}: execs={execs} crashes={crashes} hangs=1 seeds={seeds.Count}");
                    Environment.Exit(3);
                }
            }
        }) { IsBackground = true };
        watchdog.Start();
        // Seeds first, unmodified: they must all be handled.
        var queue = new List<byte[]>(seeds);
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            byte[] input = execs < seeds.Count ? seeds[(int)execs] : Mutate(rng, queue[rng.Next(queue.Count)], seeds);
            Volatile.Write(ref current, input);
            Interlocked.Exchange(ref started, Stopwatch.GetTimestamp());
            try { Program.RunHandled(target, input); }
            catch (Exception e)
            {
                crashes++;
                string key = e.GetType().Name + "|" + (e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "");
                if (unique.Add(key))
                {
                    var f = Path.Combine(outDir, $"crash-{unique.Count}");
                    File.WriteAllBytes(f, input);
                    Console.WriteLine($"fuzz {name}: CRASH {e.GetType().Name}: {e.Message}\n  {key}\n  saved {f}");
                }
            }
            Interlocked.Exchange(ref started, 0);
            execs++;
            // Keep a few mutants as new parents so mutations stack (no coverage: a bounded random pool).
            if (rng.Next(64) == 0 && input.Length < (1 << 20)) { if (queue.Count < 256) queue.Add(input); else queue[rng.Next(queue.Count)] = input; }
        }
        Console.WriteLine($"fuzz {name}: execs={execs} crashes={crashes} unique={unique.Count} hangs=0 seeds={seeds.Count} seconds={sw.Elapsed.TotalSeconds:F1}");
        return unique.Count == 0 ? 0 : 1;
    }

    private static byte[] Mutate(Random rng, byte[] src, List<byte[]> seeds)
    {
        var b = (byte[])src.Clone();
        int rounds = 1 + rng.Next(4);
        for (int r = 0; r < rounds; r++)
        {
            if (b.Length == 0) b = [(byte)rng.Next(256)];
            // Bias positions towards the header: the first 512 bytes hold most length/offset fields.
            int pos = rng.Next(2) == 0 ? rng.Next(Math.Min(b.Length, 512)) : rng.Next(b.Length);
            switch (rng.Next(9))
            {
                case 0: b[pos] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[pos] = (byte)rng.Next(256); break;
                case 2:
                {
                    long v = Interesting[rng.Next(Interesting.Length)];
                    int w = new[] { 1, 2, 4, 8 }[rng.Next(4)];
                    for (int i = 0; i < w && pos + i < b.Length; i++) b[pos + i] = (byte)(v >> (8 * i));
                    break;
                }
                case 3: b = b[..rng.Next(b.Length + 1)]; break; // truncation
                case 4: // extension with random bytes
                {
                    var e = new byte[b.Length + 1 + rng.Next(64)];
                    b.CopyTo(e, 0);
                    rng.NextBytes(e.AsSpan(b.Length));
                    b = e;
                    break;
                }
                case 5: // splice: head of this input, tail of another seed
                {
                    var o = seeds[rng.Next(seeds.Count)];
                    int cut = rng.Next(o.Length + 1);
                    b = [.. b.AsSpan(0, pos), .. o.AsSpan(cut)];
                    break;
                }
                case 6: // duplicate a chunk
                {
                    int len = Math.Min(b.Length - pos, 1 + rng.Next(32));
                    b = [.. b.AsSpan(0, pos + len), .. b.AsSpan(pos, len), .. b.AsSpan(pos + len)];
                    break;
                }
                case 7: // ASCII digits: JSON/CSV/npy headers hold numbers as text
                    b[pos] = (byte)"0123456789-.eE9"[rng.Next(15)];
                    break;
                default: // delete a chunk
                {
                    int len = Math.Min(b.Length - pos, 1 + rng.Next(32));
                    b = [.. b.AsSpan(0, pos), .. b.AsSpan(pos + len)];
                    break;
                }
            }
        }
        return b;
    }
}
