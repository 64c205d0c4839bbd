using System.Text.Json.Serialization;

namespace EdgeTok.Cli.Commands;

/// <summary>Source-generated JSON for the few strings the audio commands print (trim/AOT safe).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class AudioCliJson : JsonSerializerContext;
