using System.Diagnostics;
using System.Globalization;

namespace EdgeTok.Cli;

/// <summary>
/// A one-line progress display on stderr for long runs: the current stage, a bar when the stage
/// reports fractions, the amount done and the elapsed time, redrawn in place. Drawn only when stderr
/// is a terminal and the command is not in <c>--json</c> or <c>--quiet</c> mode; otherwise every call
/// does nothing, so output for scripts and logs never carries control characters. The line is erased
/// when the reporter is disposed (before the command prints its result or an error).
/// </summary>
internal sealed class ProgressReporter : IProgress<double>, IDisposable
{
    private const int BarWidth = 28;
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter? _out;
    private readonly object _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private string _stage = "";
    private double _fraction = double.NaN;
    private double _total;
    private string _unit = "";
    private long _lastDraw = long.MinValue;
    private int _spin;
    private bool _drawn, _disposed;

    private ProgressReporter(TextWriter? output)
    {
        _out = output;
        // Keeps the elapsed time moving while a stage blocks in one long call.
        if (_out is not null) _timer = new Timer(_ => Tick(), null, Redraw * 3, Redraw * 3);
    }

    /// <summary>True when the reporter draws (stderr is a terminal and progress is wanted).</summary>
    public bool Enabled => _out is not null;

    /// <summary>
    /// A reporter on <paramref name="stderr"/> that draws only when <paramref name="wanted"/> (no
    /// <c>--json</c>, no <c>--quiet</c>), the writer is the process's stderr and that is a terminal
    /// (not <c>TERM=dumb</c>).
    /// </summary>
    public static ProgressReporter Create(TextWriter stderr, bool wanted)
    {
        bool tty = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        return new ProgressReporter(wanted && tty ? stderr : null);
    }

    /// <summary>A reporter that never draws.</summary>
    public static ProgressReporter None => new(null);

    /// <summary>
    /// Starts a stage. With <paramref name="total"/> the stage reports fractions through
    /// <see cref="Report"/> and the line shows "done/total unit"; without, it shows a spinner.
    /// </summary>
    public void Stage(string name, double total = 0, string unit = "")
    {
        if (_out is null) return;
        lock (_lock)
        {
            _stage = name;
            _total = total;
            _unit = unit;
            _fraction = total > 0 ? 0 : double.NaN;
            Draw(force: true);
        }
    }

    /// <summary>The fraction (0..1) of the current stage done.</summary>
    public void Report(double value)
    {
        if (_out is null) return;
        lock (_lock)
        {
            _fraction = Math.Clamp(value, 0, 1);
            Draw(force: _fraction >= 1); // the end of a stage is always shown
        }
    }

    private void Tick()
    {
        lock (_lock)
        {
            _spin++;
            Draw(force: true);
        }
    }

    // Caller holds the lock.
    private void Draw(bool force)
    {
        if (_out is null || _disposed || _stage.Length == 0) return;
        long now = _clock.ElapsedTicks;
        if (!force && _drawn && now - _lastDraw < Redraw.TotalSeconds * Stopwatch.Frequency) return;
        _lastDraw = now;
        var inv = CultureInfo.InvariantCulture;
        var e = _clock.Elapsed;
        string elapsed = e.TotalHours >= 1 ? e.ToString(@"h\:mm\:ss", inv) : e.ToString(@"m\:ss", inv);
        string line;
        if (double.IsNaN(_fraction))
            line = string.Format(inv, "{0,-11} {1}  {2}", _stage, "|/-\\"[_spin % 4], elapsed);
        else
        {
            int filled = (int)Math.Round(_fraction * BarWidth);
            string bar = new string('#', filled) + new string('.', BarWidth - filled);
            string amount = _total > 0 ? string.Format(inv, "  {0:0.0}/{1:0.0} {2}", _fraction * _total, _total, _unit) : "";
            line = string.Format(inv, "{0,-11} [{1}] {2,3:0}%{3}  {4}", _stage, bar, _fraction * 100, amount, elapsed);
        }
        int width = TerminalWidth();
        if (line.Length >= width) line = line[..Math.Max(0, width - 1)];
        // \r back to the line start, the text, then erase whatever a longer previous line left.
        _out.Write("\r" + line + "\u001b[K");
        _out.Flush();
        _drawn = true;
    }

    private static int TerminalWidth()
    {
        // Presentation only: whatever the console cannot tell (stdout redirected, no terminfo) means 80.
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (Exception) { return 80; }
    }

    /// <summary>Erases the line (if anything was drawn) and stops redrawing.</summary>
    public void Dispose()
    {
        if (_out is null) return;
        _timer?.Dispose();
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            if (_drawn)
            {
                _out.Write("\r\u001b[K");
                _out.Flush();
            }
        }
    }
}
