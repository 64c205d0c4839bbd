namespace EdgeTok.Audio.Streaming;

/// <summary>
/// FIFO of values (codes or samples) between a stream's producer and its reader. Grows only when the
/// reader falls behind by more than the capacity; a reader that keeps up never allocates.
/// </summary>
internal sealed class RingQueue<T> where T : struct
{
    private T[] _data;
    private int _head;

    public RingQueue(int capacity) => _data = new T[Math.Max(16, capacity)];

    public int Count { get; private set; }

    public void Write(ReadOnlySpan<T> values)
    {
        if (_data.Length - Count < values.Length) Grow(Count + values.Length);
        int tail = (_head + Count) % _data.Length;
        int first = Math.Min(values.Length, _data.Length - tail);
        values[..first].CopyTo(_data.AsSpan(tail));
        values[first..].CopyTo(_data);
        Count += values.Length;
    }

    public int Read(Span<T> output)
    {
        int n = Math.Min(Count, output.Length);
        int first = Math.Min(n, _data.Length - _head);
        _data.AsSpan(_head, first).CopyTo(output);
        _data.AsSpan(0, n - first).CopyTo(output[first..]);
        _head = (_head + n) % _data.Length;
        Count -= n;
        return n;
    }

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }

    private void Grow(int needed)
    {
        var bigger = new T[Math.Max(needed, _data.Length * 2)];
        int first = Math.Min(Count, _data.Length - _head);
        _data.AsSpan(_head, first).CopyTo(bigger);
        _data.AsSpan(0, Count - first).CopyTo(bigger.AsSpan(first));
        _data = bigger;
        _head = 0;
    }
}
