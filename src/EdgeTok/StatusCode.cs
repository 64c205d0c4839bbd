namespace EdgeTok;

/// <summary>
/// Outcome of an EdgeTok operation. The numeric values are part of the C ABI
/// (<c>EDGETOK_STATUS_*</c> in <c>edgetok.h</c>) and never change meaning.
/// </summary>
public enum StatusCode
{
    /// <summary>Success.</summary>
    Ok = 0,
    /// <summary>An argument is out of its valid range or inconsistent with another.</summary>
    InvalidArgument = 1,
    /// <summary>A required pointer or handle was NULL.</summary>
    NullPointer = 2,
    /// <summary>An output buffer is too small; the required element count was reported.</summary>
    BufferTooSmall = 3,
    /// <summary>A file or byte stream is malformed, truncated or of the wrong kind.</summary>
    InvalidFormat = 4,
    /// <summary>A file could not be opened, read or written.</summary>
    IoError = 5,
    /// <summary>A file, tensor, column or model named by the caller does not exist.</summary>
    NotFound = 6,
    /// <summary>Well-formed input that this build does not support (dtype, op, config value).</summary>
    Unsupported = 7,
    /// <summary>The object is not in a state that allows the call (e.g. push after flush).</summary>
    InvalidState = 8,
    /// <summary>The request would exceed a documented resource limit.</summary>
    LimitExceeded = 9,
    /// <summary>A handle is invalid: never created, already destroyed, or of another kind.</summary>
    InvalidHandle = 10,
    /// <summary>An unexpected internal failure (a bug); the message says more.</summary>
    Internal = 99,
}
