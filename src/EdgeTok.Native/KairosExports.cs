using System.Runtime.InteropServices;
using EdgeTok.TimeSeries.Kairos;

namespace EdgeTok.Native;

/// <summary>C ABI: Kairos load/destroy, model info, tokenize (two-call), RoPE tables, forecast. Translation only.</summary>
internal static unsafe class KairosExports
{
    /// <summary>Mirror of <c>edgetok_kairos_info</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Info
    {
        public uint StructSize;
        public int DModel;
        public int DKv;
        public int NumQuantiles;
        public int ContextLength;
        public int PatchSize;
        public int StepsPerForward;
        public int MaxHorizon;
        public int NumRopeModules;
    }

    /// <summary>Mirror of <c>edgetok_kairos_forecast_options</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ForecastOptions
    {
        public uint StructSize;
        public int BiasMode;
        public int InferIsPositive;
        public int ForceFlipInvariance;
        public int SortQuantiles;
        public int BatchMode;
    }

    private static KairosModel Model(nint h) => HandleTable.Get<KairosModel>(h, HandleKind.Kairos);

    private static ReadOnlySpan<float> Series(float* series, nuint length)
    {
        if (length > 0) Abi.NotNull(series, "series");
        if (length > int.MaxValue) throw EdgeTokException.Limit($"{length} points exceed the limit of {int.MaxValue}");
        return new ReadOnlySpan<float>(series, (int)length);
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_load")]
    public static int Load(byte* folder, nint* model)
    {
        try
        {
            Abi.NotNull(model, "model");
            *model = 0;
            *model = HandleTable.Add(KairosModel.Load(Abi.Utf8(folder, "folder")), HandleKind.Kairos);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_free")]
    public static int Free(nint model)
    {
        try
        {
            HandleTable.Remove(model, HandleKind.Kairos);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_info_read")]
    public static int GetInfo(nint model, Info* info)
    {
        try
        {
            Abi.NotNull(info, "info");
            Abi.CheckStructSize(info->StructSize, sizeof(Info), "info");
            var c = Model(model).Config;
            info->DModel = c.DModel;
            info->DKv = c.DKv;
            info->NumQuantiles = c.NumQuantiles;
            info->ContextLength = c.ContextLength;
            info->PatchSize = c.InputPatchSize;
            info->StepsPerForward = c.StepsPerForward;
            info->MaxHorizon = KairosModel.MaxHorizon;
            info->NumRopeModules = c.NumLayers + c.NumDecoderLayers * (c.IsCrossAttentionPe ? 2 : 1);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_tokenize")]
    public static int Tokenize(nint model, float* series, nuint length,
        float* embeddings, nuint embeddingsCapacity, int* tokenSizes, nuint sizesCapacity,
        byte* attentionMask, nuint maskCapacity, float* locScale, nuint* numTokens)
    {
        try
        {
            var t = Model(model).Tokenize(Series(series, length));
            if (numTokens != null) *numTokens = (nuint)t.Count;
            if (locScale != null) { locScale[0] = t.Loc; locScale[1] = t.Scale; }
            // Each output is optional; a too-small one fails before anything is written.
            Fits(embeddings, embeddingsCapacity, t.Embeddings.Length, "embeddings");
            Fits(tokenSizes, sizesCapacity, t.TokenSizes.Length, "token_sizes");
            Fits(attentionMask, maskCapacity, t.AttentionMask.Length, "attention_mask");
            if (embeddings != null) t.Embeddings.CopyTo(new Span<float>(embeddings, t.Embeddings.Length));
            if (tokenSizes != null) t.TokenSizes.CopyTo(new Span<int>(tokenSizes, t.TokenSizes.Length));
            if (attentionMask != null) t.AttentionMask.CopyTo(new Span<byte>(attentionMask, t.AttentionMask.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    private static void Fits(void* buffer, nuint capacity, int count, string name)
    {
        if (buffer == null) return;
        if ((ulong)count > capacity) throw new EdgeTokException(StatusCode.BufferTooSmall, $"{name} holds {capacity} elements, {count} needed");
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_rope")]
    public static int Rope(nint model, float* series, nuint length, byte* module,
        float* cos, float* sin, nuint capacity, nuint* required, int* positions, int* halfDim)
    {
        try
        {
            var t = Model(model).Tokenize(Series(series, length));
            string name = Abi.Utf8OrNull(module) ?? "encoder.block.0.layer.0.SelfAttention";
            var r = t.RopeFor(name);
            if (positions != null) *positions = r.Positions;
            if (halfDim != null) *halfDim = r.HalfDim;
            if (required != null) *required = (nuint)r.Cos.Length;
            if (cos == null && sin == null && capacity == 0) return 0;
            Abi.NotNull(cos, "cos");
            Abi.NotNull(sin, "sin");
            if ((ulong)r.Cos.Length > capacity) throw new EdgeTokException(StatusCode.BufferTooSmall, $"cos/sin hold {capacity} elements, {r.Cos.Length} needed");
            r.Cos.CopyTo(new Span<float>(cos, r.Cos.Length));
            r.Sin.CopyTo(new Span<float>(sin, r.Sin.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_forecast_options_init")]
    public static void OptionsInit(ForecastOptions* options)
    {
        if (options == null) return;
        *options = new ForecastOptions { StructSize = (uint)sizeof(ForecastOptions) };
    }

    private static KairosForecastOptions ToOptions(ForecastOptions* o)
    {
        if (o == null) return KairosForecastOptions.Default;
        Abi.CheckStructSize(o->StructSize, sizeof(ForecastOptions), "options");
        if (o->BiasMode is not (0 or 1)) throw EdgeTokException.Argument($"options.bias_mode must be EDGETOK_KAIROS_BIAS_FROZEN (0) or EDGETOK_KAIROS_BIAS_DRIFT (1), got {o->BiasMode}");
        if (o->BatchMode is not (0 or 1)) throw EdgeTokException.Argument($"options.batch_mode must be EDGETOK_KAIROS_BATCH_INDEPENDENT (0) or EDGETOK_KAIROS_BATCH_JOINT (1), got {o->BatchMode}");
        return new KairosForecastOptions
        {
            GateBiasMode = (KairosGateBiasMode)o->BiasMode,
            InferIsPositive = o->InferIsPositive != 0,
            ForceFlipInvariance = o->ForceFlipInvariance != 0,
            SortQuantiles = o->SortQuantiles != 0,
            BatchMode = (KairosBatchMode)o->BatchMode,
        };
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_forecast")]
    public static int Forecast(nint model, float* series, nuint length, int horizon, ForecastOptions* options,
        float* quantiles, nuint capacity, nuint* required)
        => ForecastRows(model, series, 1, length, horizon, options, quantiles, capacity, required);

    [UnmanagedCallersOnly(EntryPoint = "edgetok_kairos_forecast_batch")]
    public static int ForecastBatch(nint model, float* series, nuint batch, nuint length, int horizon, ForecastOptions* options,
        float* quantiles, nuint capacity, nuint* required)
        => ForecastRows(model, series, batch, length, horizon, options, quantiles, capacity, required);

    private static int ForecastRows(nint model, float* series, nuint batch, nuint length, int horizon, ForecastOptions* options,
        float* quantiles, nuint capacity, nuint* required)
    {
        try
        {
            var m = Model(model);
            var opts = ToOptions(options);
            if (batch == 0) throw EdgeTokException.Argument("batch must be at least 1");
            if (batch > KairosModel.MaxBatchSize) throw EdgeTokException.Limit($"batch of {batch} series exceeds the limit of {KairosModel.MaxBatchSize}");
            if (horizon <= 0) throw EdgeTokException.Argument($"horizon must be at least 1, got {horizon}");
            if (horizon > KairosModel.MaxHorizon) throw EdgeTokException.Limit($"horizon {horizon} exceeds the limit of {KairosModel.MaxHorizon} steps");
            long count = (long)batch * m.Config.NumQuantiles * horizon;
            if (!Abi.CheckOutput(quantiles, capacity, required, count, "quantiles")) return 0;
            if ((ulong)batch * length > int.MaxValue) throw EdgeTokException.Limit("batch × length exceeds the limit of 2^31−1 points");
            var all = Series(series, batch * length);
            var rows = new float[(int)batch][];
            for (int i = 0; i < rows.Length; i++) rows[i] = all.Slice(i * (int)length, (int)length).ToArray();
            var f = m.ForecastBatch(rows, horizon, opts);
            f.Values.CopyTo(new Span<float>(quantiles, f.Values.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }
}
