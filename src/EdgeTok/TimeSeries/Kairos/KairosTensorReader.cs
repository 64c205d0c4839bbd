using EdgeTok.IO.SafeTensors;

namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// Reads the checkpoint tensor by tensor, checking each shape, and remembers which names were used so
/// that leftovers (a checkpoint of another architecture or configuration) can be reported at the end.
/// </summary>
internal sealed class KairosTensorReader(SafeTensorsFile file)
{
    // Tied copies of shared.weight that HF writes only sometimes; accepted when their shape is right.
    private static readonly string[] s_tiedAliases = ["encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight"];

    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public string Path => file.Path;

    public bool Contains(string name) => file.Contains(name);

    public long[] ShapeOf(string name) => Require(name).Shape;

    private SafeTensorInfo Require(string name)
    {
        if (!file.Contains(name))
            throw EdgeTokException.Format($"{file.Path}: the checkpoint has no tensor '{name}', which this Kairos configuration needs");
        return file.Info(name);
    }

    public float[] Read(string name, params long[] shape)
    {
        var info = Require(name);
        if (!info.Shape.AsSpan().SequenceEqual(shape))
            throw EdgeTokException.Format($"{file.Path}: tensor '{name}' has shape {info.ShapeText}, expected [{string.Join(", ", shape)}] for this configuration");
        _used.Add(name);
        var data = file.ReadFloat32(name);
        foreach (var v in data)
            if (!float.IsFinite(v)) throw EdgeTokException.Format($"{file.Path}: tensor '{name}' holds a non-finite value");
        return data;
    }

    public float[]? ReadOptional(string name, params long[] shape) => file.Contains(name) ? Read(name, shape) : null;

    public Linear Linear(string prefix, int outF, int inF, bool bias) =>
        new(Read(prefix + ".weight", outF, inF), bias ? Read(prefix + ".bias", outF) : null, outF, inF);

    /// <summary>Fails on any tensor that was not consumed (other than tied embedding copies of the right shape).</summary>
    public void CheckNoLeftovers(long[] sharedShape)
    {
        foreach (var t in file.Tensors)
        {
            if (_used.Contains(t.Name)) continue;
            if (Array.IndexOf(s_tiedAliases, t.Name) >= 0)
            {
                if (!t.Shape.AsSpan().SequenceEqual(sharedShape))
                    throw EdgeTokException.Format($"{file.Path}: tied embedding '{t.Name}' has shape {t.ShapeText}, expected [{string.Join(", ", sharedShape)}] like shared.weight");
                continue;
            }
            throw EdgeTokException.Format($"{file.Path}: unexpected tensor '{t.Name}' {t.ShapeText}: not part of a Kairos model with this config.json (wrong architecture, size or config?)");
        }
    }
}
