namespace EdgeTok.TimeSeries.Kairos;

/// <summary>Buffers one forward reuses across all attention layers (sized for the longest sequence of the call).</summary>
internal sealed class AttentionScratch
{
    public float[] Q, K, V, Ctx, Qh, Kh, Vt, Scores, Oh, Row;

    public AttentionScratch(int batch, int maxLen, int heads, int dKv)
    {
        int inner = heads * dKv;
        Q = new float[batch * maxLen * inner];
        K = new float[batch * maxLen * inner];
        V = new float[batch * maxLen * inner];
        Ctx = new float[batch * maxLen * inner];
        Qh = new float[maxLen * dKv];
        Kh = new float[maxLen * dKv];
        Vt = new float[maxLen * dKv];
        Scores = new float[maxLen * maxLen];
        Oh = new float[maxLen * dKv];
        Row = new float[inner];
    }
}
