namespace EdgeTok.Audio.Soak;

/// <summary>A fault the soak injects on purpose so tests can show its checks catch it.</summary>
internal enum SoakFault
{
    /// <summary>No fault: the normal run.</summary>
    None,

    /// <summary>Halfway through, one pushed sample is withheld from the encoder stream but counted as pushed (a dropped sample).</summary>
    DropInputSample,

    /// <summary>Halfway through, one code frame is pushed to the decoder stream twice (a duplicated frame).</summary>
    DuplicateFrame,
}
