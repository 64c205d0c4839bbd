using System.Globalization;

namespace EdgeTok.Cli;

/// <summary>A usage mistake: printed as one line with a hint, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Minimal option parser: <c>--name value</c>, <c>--name=value</c>, <c>--flag</c> and positionals.
/// Every option a command reads is declared by reading it; anything left unread is an error, so
/// a typo never silently falls back to a default.
/// </summary>
internal sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flagNames;
    // Options given without a value: an error when the command reads them, an unknown option (with a
    // typo hint) when it does not, so '--jsn' at the end of a line is reported as the typo it is.
    private readonly HashSet<string> _missingValue = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public Args(IEnumerable<string> args, params string[] flagNames)
    {
        _flagNames = new HashSet<string>(flagNames, StringComparer.Ordinal);
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                    if (_flagNames.Contains(name)) throw new UsageException($"option --{name} takes no value");
                }
                else if (!_flagNames.Contains(name))
                {
                    // A following option is not taken as the value: '--input --output x' is a missing
                    // input, not an input named '--output' (a value starting with '--' needs '--name=value').
                    if (i + 1 >= list.Count || IsOption(list[i + 1])) _missingValue.Add(name);
                    else value = list[++i];
                }
                if (!_options.TryAdd(name, value)) throw new UsageException($"option --{name} given twice");
            }
            else Positionals.Add(a);
        }
    }

    /// <summary>True when <c>--quiet</c> was given (no progress display); every command accepts it.</summary>
    public bool Quiet { get; set; }

    private static bool IsOption(string a) => a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2;

    /// <summary>
    /// Accepts <c>--<paramref name="old"/></c> as another spelling of <c>--<paramref name="canonical"/></c>
    /// (names kept working after a rename); giving both is an error.
    /// </summary>
    public void Alias(string old, string canonical)
    {
        if (!_options.Remove(old, out var value)) return;
        if (_missingValue.Remove(old)) _missingValue.Add(canonical);
        if (_options.ContainsKey(canonical)) throw new UsageException($"--{old} is another name for --{canonical}; give one of them");
        _options[canonical] = value;
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    public string? Get(string name)
    {
        _used.Add(name);
        if (_missingValue.Contains(name)) throw new UsageException($"option --{name} needs a value");
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public string Require(string name)
    {
        if (Get(name) is { } v) return v;
        // A near miss among the options nobody has read yet is most likely a typo of this one.
        var typo = _options.Keys.FirstOrDefault(k => !_used.Contains(k) && Distance(k, name) <= 2);
        throw new UsageException($"missing required option --{name}{(typo is null ? "" : $" (given: --{typo})")}");
    }

    public int? GetInt(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Get(name);
        if (s is null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"--{name} must be an integer, got '{s}'");
        if (v < min || v > max) throw new UsageException($"--{name} must be in {min}..{max}, got {v}");
        return v;
    }

    public double? GetDouble(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"--{name} must be a number, got '{s}'");
        return v;
    }

    // Edit distance (insertions, deletions, substitutions), for typo hints on short option names.
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diag = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int up = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] == b[j - 1] ? 0 : 1));
                diag = up;
            }
        }
        return row[b.Length];
    }

    private bool _positionalsTaken;

    /// <summary>
    /// The bare arguments, for the few commands that take a list of files (<c>audio soak CLIP...</c>);
    /// a bare argument that looks like an option is still an error.
    /// </summary>
    public IReadOnlyList<string> TakePositionals()
    {
        var option = Positionals.FirstOrDefault(p => p.StartsWith('-') && p.Length > 1);
        if (option is not null) throw new UsageException($"unknown option {option} (options are spelled --name)");
        _positionalsTaken = true;
        return Positionals;
    }

    /// <summary>Fails on options that no part of the command read, and on stray arguments (bare arguments a command did not take).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            var near = _used.Where(k => Distance(k, unknown[0]) <= 2).OrderBy(k => Distance(k, unknown[0])).FirstOrDefault();
            throw new UsageException($"unknown option --{unknown[0]}{(near is null ? "" : $" (did you mean --{near}?)")}");
        }
        if (Positionals.Count > 0 && !_positionalsTaken)
            throw new UsageException(Positionals[0].StartsWith('-') && Positionals[0].Length > 1
                ? $"unknown option {Positionals[0]} (options are spelled --name)"
                : $"unexpected argument '{Positionals[0]}' (values follow their option: --input FILE)");
    }
}
