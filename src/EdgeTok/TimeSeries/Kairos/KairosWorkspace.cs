namespace EdgeTok.TimeSeries.Kairos;

/// <summary>
/// Per-thread buffers for one Kairos forward (front end, encoder, decoder, head), so steady-state
/// forecasts allocate nothing but their result while the model itself stays immutable and can be
/// shared by any number of threads. Each thread keeps its own instance (thread-static), sized by the
/// largest call it has served; a traced forward gets a fresh exact-size instance instead, because the
/// trace keeps references to the arrays it records.
/// </summary>
internal sealed class KairosWorkspace
{
    [ThreadStatic] private static KairosWorkspace? t_current;

    /// <summary>The calling thread's workspace.</summary>
    public static KairosWorkspace Current => t_current ??= new KairosWorkspace(exact: false);

    private readonly bool _exact;
    private readonly float[][] _floats = new float[(int)Slot.Count][];
    private readonly List<KairosModel.Prepared> _prepared = [];
    private float[][][]? _ropeCos, _ropeSin;
    private AttentionScratch? _attention;
    private (int Batch, int MaxLen, int Heads, int DKv) _attentionShape;

    /// <summary>Creates a workspace; <paramref name="exact"/> hands out fresh arrays of exactly the requested length every time.</summary>
    public KairosWorkspace(bool exact) => _exact = exact;

    /// <summary>Named forward buffers (one array each, reused across calls).</summary>
    public enum Slot { X, EncMask, Normed, FfHidden, Enc, Y, DecMask, Dec, Raw, Out, Gamma, Beta, Omega, Count }

    /// <summary>
    /// A zeroed buffer of at least <paramref name="length"/> floats (exactly that many in exact mode). Only the
    /// first <paramref name="length"/> elements are meaningful: callers slice, never use <c>Length</c>.
    /// </summary>
    public float[] Floats(Slot slot, int length)
    {
        ref var a = ref _floats[(int)slot];
        if (_exact || a is null || a.Length < length) a = new float[length];
        else a.AsSpan(0, length).Clear();
        return a;
    }

    /// <summary>
    /// The front-end state of batch row <paramref name="b"/>. Its arrays are reused when the next call
    /// needs the same lengths (they are exact-length because the front end uses their <c>Length</c>).
    /// </summary>
    public KairosModel.Prepared Prepared(int b)
    {
        if (_exact) return new KairosModel.Prepared();
        while (_prepared.Count <= b) _prepared.Add(new KairosModel.Prepared());
        return _prepared[b];
    }

    /// <summary>A one-element holder for the front-end states of a batch of one (the common case), reused across calls.</summary>
    public KairosModel.Prepared[] PreparedBatch1 => _exact ? new KairosModel.Prepared[1] : (_batch1 ??= new KairosModel.Prepared[1]);

    private KairosModel.Prepared[]? _batch1;

    /// <summary>A zeroed array of exactly <paramref name="length"/> elements, reusing <paramref name="current"/> when it fits exactly.</summary>
    public T[] Exact<T>(T[] current, int length) where T : struct
    {
        if (_exact || current.Length != length) return new T[length];
        Array.Clear(current);
        return current;
    }

    /// <summary>
    /// RoPE cos/sin tables indexed [module][batch row], each at least <paramref name="length"/> floats
    /// (the rotation only reads the rows it needs).
    /// </summary>
    public (float[][][] Cos, float[][][] Sin) RopeTables(int modules, int batch, int length)
    {
        if (_exact || _ropeCos is null || _ropeCos.Length != modules || _ropeCos[0].Length < batch || (modules > 0 && _ropeCos[0][0].Length < length))
        {
            _ropeCos = new float[modules][][];
            _ropeSin = new float[modules][][];
            for (int m = 0; m < modules; m++)
            {
                _ropeCos[m] = new float[batch][];
                _ropeSin[m] = new float[batch][];
                for (int b = 0; b < batch; b++) { _ropeCos[m][b] = new float[length]; _ropeSin[m][b] = new float[length]; }
            }
        }
        return (_ropeCos, _ropeSin!);
    }

    /// <summary>Attention buffers big enough for this call (reused when the previous ones suffice).</summary>
    public AttentionScratch Attention(int batch, int maxLen, int heads, int dKv)
    {
        var s = _attentionShape;
        if (_exact || _attention is null || s.Heads != heads || s.DKv != dKv || s.Batch < batch || s.MaxLen < maxLen)
        {
            _attention = new AttentionScratch(batch, maxLen, heads, dKv);
            _attentionShape = (batch, maxLen, heads, dKv);
        }
        return _attention;
    }
}
