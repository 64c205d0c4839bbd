using System.Text.Json;

namespace EdgeTok.Audio.Codecs;

/// <summary>Typed access to manifest JSON with precise error messages (JsonDocument only: trim/AOT safe).</summary>
internal static class Manifest
{
    public static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw EdgeTokException.NotFound($"manifest not found: {path}");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw EdgeTokException.Format($"{path}: not valid JSON: {e.Message}");
        }
    }

    public static string RequiredString(JsonElement o, string name, string where) =>
        OptionalString(o, name, where) ?? throw EdgeTokException.Format($"manifest: {where} needs a string \"{name}\"");

    public static string? OptionalString(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw EdgeTokException.Format($"manifest: {where}.{name} must be a string");
        return Text(v, $"{where}.{name}");
    }

    public static int RequiredInt(JsonElement o, string name, string where, int min = 1) =>
        OptionalInt(o, name, where, min) ?? throw EdgeTokException.Format($"manifest: {where} needs an integer \"{name}\"");

    public static int? OptionalInt(JsonElement o, string name, string where, int min = 1)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int i))
            throw EdgeTokException.Format($"manifest: {where}.{name} must be an integer");
        if (i < min) throw EdgeTokException.Format($"manifest: {where}.{name} = {i} must be ≥ {min}");
        return i;
    }

    public static double? OptionalDouble(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Number(v, $"{where}.{name}");
    }

    /// <summary>
    /// A JSON number as a finite double. A number beyond double's range makes GetDouble throw
    /// FormatException; that is a malformed manifest, not a crash.
    /// </summary>
    public static double Number(JsonElement v, string what)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
            throw EdgeTokException.Format($"manifest: {what} must be a number");
        if (!double.IsFinite(d)) throw EdgeTokException.Format($"manifest: {what} must be finite");
        return d;
    }

    /// <summary>
    /// A JSON string's text. A lone surrogate escape ("\ud800") passes the JSON parser and only fails
    /// (InvalidOperationException) when read; report it as a malformed manifest.
    /// </summary>
    public static string Text(JsonElement v, string what)
    {
        try { return v.GetString() ?? ""; }
        catch (InvalidOperationException) { throw EdgeTokException.Format($"manifest: {what} is not valid UTF-8/UTF-16 text"); }
    }

    public static bool OptionalBool(JsonElement o, string name, string where, bool fallback)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw EdgeTokException.Format($"manifest: {where}.{name} must be true or false"),
        };
    }

    public static JsonElement RequiredObject(JsonElement o, string name, string where)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Object)
            throw EdgeTokException.Format($"manifest: {where} needs an object \"{name}\"");
        return v;
    }

    public static long[] LongArray(JsonElement a, string where)
    {
        if (a.ValueKind != JsonValueKind.Array) throw EdgeTokException.Format($"manifest: {where} must be an array of integers");
        var r = new long[a.GetArrayLength()];
        int i = 0;
        foreach (var e in a.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out r[i]) || r[i] < 0)
                throw EdgeTokException.Format($"manifest: {where}[{i}] must be a non-negative integer");
            i++;
        }
        return r;
    }
}
