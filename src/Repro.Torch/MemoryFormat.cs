namespace Repro.Torch;

/// <summary>How a tensor's elements are laid out in memory, numbered as libtorch's c10::MemoryFormat so they cross the
/// C ABI unchanged. The logical shape stays N × C × H × W either way.</summary>
public enum MemoryFormat : sbyte
{
    /// <summary>Row-major in the logical order (NCHW for images).</summary>
    Contiguous = 0,

    /// <summary>Channels innermost (NHWC in memory): what oneDNN's convolutions and libtorch's batch norm run fastest on.</summary>
    ChannelsLast = 2,
}
