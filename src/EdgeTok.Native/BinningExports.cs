using System.Runtime.InteropServices;
using EdgeTok.TimeSeries.Binning;

namespace EdgeTok.Native;

/// <summary>
/// C ABI: the Chronos mean-scale uniform-bin tokenizer (<see cref="MeanScaleUniformBins"/>).
/// Marshalling only: every rule (truncation, scale, ids, masks, EOS, validation) lives in the library.
/// </summary>
internal static unsafe class BinningExports
{
    /// <summary>Mirror of <c>edgetok_chronos_bins_config</c> in edgetok.h.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Config
    {
        public uint StructSize;
        public int NTokens;
        public int NSpecialTokens;
        public int PadTokenId;
        public int EosTokenId;
        public float LowLimit;
        public float HighLimit;
        public int ContextLength;
        public int AppendEos;
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_config_init")]
    public static int ConfigInit(Config* config)
    {
        try
        {
            Abi.NotNull(config, "config");
            var d = MeanScaleUniformBinsConfig.Default;
            *config = new Config
            {
                StructSize = (uint)sizeof(Config),
                NTokens = d.TokenCount,
                NSpecialTokens = d.SpecialTokenCount,
                PadTokenId = d.PadTokenId,
                EosTokenId = d.EosTokenId,
                LowLimit = d.LowLimit,
                HighLimit = d.HighLimit,
                ContextLength = d.ContextLength,
                AppendEos = d.AppendEos ? 1 : 0,
            };
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_create")]
    public static int Create(Config* config, nint* handle)
    {
        try
        {
            Abi.NotNull(handle, "handle");
            *handle = 0;
            MeanScaleUniformBinsConfig? c = null;
            if (config != null)
            {
                Abi.CheckStructSize(config->StructSize, sizeof(Config), "config");
                if (config->AppendEos is not (0 or 1))
                    throw EdgeTokException.Argument($"config.append_eos must be 0 or 1, got {config->AppendEos}");
                c = new MeanScaleUniformBinsConfig
                {
                    TokenCount = config->NTokens,
                    SpecialTokenCount = config->NSpecialTokens,
                    PadTokenId = config->PadTokenId,
                    EosTokenId = config->EosTokenId,
                    LowLimit = config->LowLimit,
                    HighLimit = config->HighLimit,
                    ContextLength = config->ContextLength,
                    AppendEos = config->AppendEos != 0,
                };
            }
            *handle = HandleTable.Add(new MeanScaleUniformBins(c), HandleKind.ChronosBins);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_free")]
    public static int Free(nint handle)
    {
        try
        {
            HandleTable.Remove(handle, HandleKind.ChronosBins);
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_token_count")]
    public static int TokenCount(nint handle, nuint seriesLength, nuint* count)
    {
        try
        {
            var bins = HandleTable.Get<MeanScaleUniformBins>(handle, HandleKind.ChronosBins);
            Abi.NotNull(count, "count");
            *count = (nuint)bins.GetTokenCount(Length(seriesLength, "series_length"));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_encode")]
    public static int Encode(nint handle, float* series, nuint length, int* ids, byte* mask, nuint capacity, nuint* required, float* scale)
    {
        try
        {
            var bins = HandleTable.Get<MeanScaleUniformBins>(handle, HandleKind.ChronosBins);
            int n = Length(length, "length");
            if (n > 0) Abi.NotNull(series, "series");
            int count = bins.GetTokenCount(n);
            if (!CheckIdsAndMask(ids, mask, capacity, required, count)) return 0;
            Abi.NotNull(scale, "scale");
            *scale = bins.Encode(new ReadOnlySpan<float>(series, n), new Span<int>(ids, count), new Span<byte>(mask, count));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_encode_labels")]
    public static int EncodeLabels(nint handle, float* future, nuint length, float scale, int* ids, byte* mask, nuint capacity, nuint* required)
    {
        try
        {
            var bins = HandleTable.Get<MeanScaleUniformBins>(handle, HandleKind.ChronosBins);
            int n = Length(length, "length");
            if (n > 0) Abi.NotNull(future, "future");
            int count = bins.GetLabelTokenCount(n);
            if (!CheckIdsAndMask(ids, mask, capacity, required, count)) return 0;
            bins.EncodeLabels(new ReadOnlySpan<float>(future, n), scale, new Span<int>(ids, count), new Span<byte>(mask, count));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_decode")]
    public static int Decode(nint handle, int* ids, nuint count, float scale, float* values, nuint capacity, nuint* required)
    {
        try
        {
            var bins = HandleTable.Get<MeanScaleUniformBins>(handle, HandleKind.ChronosBins);
            int n = Length(count, "count");
            if (n > 0) Abi.NotNull(ids, "ids");
            if (!Abi.CheckOutput(values, capacity, required, n, "values")) return 0;
            bins.Decode(new ReadOnlySpan<int>(ids, n), scale, new Span<float>(values, n));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "edgetok_chronos_bins_centers")]
    public static int Centers(nint handle, float* centers, nuint capacity, nuint* required)
    {
        try
        {
            var bins = HandleTable.Get<MeanScaleUniformBins>(handle, HandleKind.ChronosBins);
            var c = bins.Centers;
            if (Abi.CheckOutput(centers, capacity, required, c.Length, "centers"))
                c.CopyTo(new Span<float>(centers, c.Length));
            return 0;
        }
        catch (Exception e) { return Abi.Fail(e); }
    }

    private static int Length(nuint length, string name)
    {
        if (length > int.MaxValue) throw EdgeTokException.Limit($"{name} {length} exceeds the limit of {int.MaxValue}");
        return (int)length;
    }

    /// <summary>Two-call pattern for the pair ids/mask, which share one capacity (both NULL with capacity 0 = size query).</summary>
    private static bool CheckIdsAndMask(int* ids, byte* mask, nuint capacity, nuint* required, int count)
    {
        if (!Abi.CheckOutput(ids, capacity, required, count, "ids"))
        {
            if (mask != null) throw new EdgeTokException(StatusCode.NullPointer, "ids is NULL but attention_mask is not");
            return false;
        }
        Abi.NotNull(mask, "attention_mask");
        return true;
    }
}
