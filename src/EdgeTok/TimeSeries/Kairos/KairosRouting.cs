namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// What the granularity router decided for one series: per coarse patch of <see cref="PatchSize"/>
/// points, the Top-K experts (real granularity levels and null experts) with their weights, and the
/// finest real level, which sets the size of the patch's tokens. Patches tile the context window
/// from the left, after <see cref="Padding"/> NaN points that fill the first patch.
/// </summary>
public sealed class KairosRouting
{
    /// <summary>Points per coarse patch P (level 0).</summary>
    public int PatchSize { get; }
    /// <summary>Number of real experts (granularity levels); level l cuts a patch into tokens of P >> l points.</summary>
    public int Levels { get; }
    /// <summary>Number of null experts (ids <see cref="Levels"/> and up); they take routing weight but make no tokens.</summary>
    public int NullExperts { get; }
    /// <summary>Experts chosen per patch (K).</summary>
    public int ActivatedExperts { get; }
    /// <summary>Number of coarse patches.</summary>
    public int Patches { get; }
    /// <summary>Index in the input series of the first point the model read (inputs longer than the context are cut from the left).</summary>
    public int ContextStart { get; }
    /// <summary>Number of points the model read.</summary>
    public int ContextLength { get; }
    /// <summary>NaN points put before the context so that the first patch is full (Patches × P − ContextLength).</summary>
    public int Padding { get; }
    /// <summary>Chosen experts [Patches, K] row-major, highest probability first; ids ≥ <see cref="Levels"/> are null experts.</summary>
    public int[] Experts { get; }
    /// <summary>Routing weights [Patches, K] of <see cref="Experts"/> (renormalised over the K, times route_scale).</summary>
    public float[] Weights { get; }
    /// <summary>Router probabilities [Patches, Levels + NullExperts] row-major.</summary>
    public float[] Probabilities { get; }
    /// <summary>Finest real level chosen per patch [Patches]; the patch's tokens have P >> level points.</summary>
    public int[] FinestLevel { get; }

    internal KairosRouting(int patchSize, int levels, int nullExperts, int activated, int patches, int contextStart, int contextLength,
        int[] experts, float[] weights, float[] probabilities, int[] finest)
    {
        PatchSize = patchSize;
        Levels = levels;
        NullExperts = nullExperts;
        ActivatedExperts = activated;
        Patches = patches;
        ContextStart = contextStart;
        ContextLength = contextLength;
        Padding = patches * patchSize - contextLength;
        Experts = experts;
        Weights = weights;
        Probabilities = probabilities;
        FinestLevel = finest;
    }

    /// <summary>Index in the input series where patch <paramref name="patch"/> starts (negative inside the padding).</summary>
    public int PatchStart(int patch) => ContextStart - Padding + patch * PatchSize;

    /// <summary>Points per token of expert <paramref name="expert"/>; 0 for a null expert.</summary>
    public int ExpertSize(int expert) => expert < Levels ? PatchSize >> expert : 0;

    /// <summary>Points per token in patch <paramref name="patch"/>.</summary>
    public int TokenSize(int patch) => PatchSize >> FinestLevel[patch];
}
