namespace EdgeTok.Runtime.TfLite;

/// <summary>
/// The mutable side of a planned graph: every tensor's storage, the resource variables (the streaming
/// state) and scratch buffers. Created once per stream; <see cref="Invoke"/> allocates nothing.
/// Single-threaded.
/// </summary>
internal sealed class TfLiteExecution
{
    private readonly TfLiteGraph _graph;
    internal readonly float[]?[] F;
    internal readonly sbyte[]?[] Q;
    internal readonly int[]?[] I;
    internal readonly float[][] Vars;
    internal readonly float[] ScratchA, ScratchB, ScratchC;
    internal readonly short[] ScratchS, ScratchS2;
    internal readonly int[] ScratchI, ScratchI2;

    internal TfLiteExecution(TfLiteGraph graph)
    {
        _graph = graph;
        int n = graph.TensorCount;
        F = new float[]?[n];
        Q = new sbyte[]?[n];
        I = new int[]?[n];
        for (int pass = 0; pass < 2; pass++)
            for (int t = 0; t < n; t++)
            {
                int root = graph.Alias[t];
                if ((pass == 0) != (root == t)) continue;
                if (root != t) { F[t] = F[root]; Q[t] = Q[root]; I[t] = I[root]; continue; }
                if (graph.ConstF[t] is { } cf) { F[t] = cf; continue; }
                if (graph.ConstQ[t] is { } cq) { Q[t] = cq; continue; }
                if (graph.ConstI[t] is { } ci) { I[t] = ci; continue; }
                int count = graph.ElementCount[t];
                switch (graph.Storage[t])
                {
                    case TfLiteStorage.Float: F[t] = new float[count]; break;
                    case TfLiteStorage.Int8: Q[t] = new sbyte[count]; break;
                    case TfLiteStorage.Int32: I[t] = new int[count]; break;
                }
            }
        Vars = new float[graph.VariableInit.Length][];
        for (int v = 0; v < Vars.Length; v++) Vars[v] = new float[graph.VariableInit[v].Length];
        var (a, b, c) = graph.ScratchSizes;
        ScratchA = new float[a];
        ScratchB = new float[b];
        ScratchC = new float[c];
        var (s1, s2, si, si2) = graph.IntScratchSizes;
        ScratchS = new short[s1];
        ScratchS2 = new short[s2];
        ScratchI = new int[si];
        ScratchI2 = new int[si2];
        Reset();
    }

    /// <summary>Restores every resource variable to the value the graph's initialiser subgraph assigns.</summary>
    public void Reset()
    {
        for (int v = 0; v < Vars.Length; v++) _graph.VariableInit[v].CopyTo(Vars[v], 0);
    }

    /// <summary>Runs all operators once, in order.</summary>
    public void Invoke()
    {
        foreach (var k in _graph.Kernels) k.Run(this);
    }

    /// <summary>Float storage of tensor <paramref name="t"/>.</summary>
    public float[] Float(int t) => F[t] ?? throw new EdgeTokException(StatusCode.Internal, $"tensor {t} has no float storage");
}
