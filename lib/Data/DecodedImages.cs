using SrganWorkbench.Imaging;

namespace SrganWorkbench.Data;

/// <summary>
/// Training images decoded on first use and kept while they fit a memory budget; past it, the least recently used
/// are dropped and decoded again when drawn. With everything in budget (the catalogued training sets) nothing is
/// ever dropped. Safe to call from the batch workers at once; an image is decoded once however many ask for it together.
/// </summary>
sealed class DecodedImages(IReadOnlyList<string> files, IReadOnlyList<long> bytes, long budget, Func<string, RgbImage> decode)
{
    readonly Lazy<RgbImage>?[] _held = new Lazy<RgbImage>?[files.Count];
    readonly LinkedListNode<int>?[] _nodes = new LinkedListNode<int>?[files.Count];
    readonly LinkedList<int> _recent = new(); // most recently used first
    readonly Lock _lock = new();
    long _heldBytes;

    public RgbImage Get(int index)
    {
        Lazy<RgbImage> image;
        lock (_lock)
        {
            image = _held[index] ??= new Lazy<RgbImage>(() => decode(files[index]));
            if (_nodes[index] is { } node) _recent.Remove(node);
            else _heldBytes += bytes[index];
            _nodes[index] = _recent.AddFirst(index);
            // Never the one just asked for: an image larger than the budget is still decoded and used.
            while (_heldBytes > budget && _recent.Last!.Value != index)
            {
                int oldest = _recent.Last.Value;
                _recent.RemoveLast();
                _nodes[oldest] = null;
                _held[oldest] = null; // a worker still using it keeps its own reference
                _heldBytes -= bytes[oldest];
            }
        }
        return image.Value;
    }
}
