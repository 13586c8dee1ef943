namespace Repro.Torch.NN;

/// <summary>Weight initialisation, drawn from an explicit generator so a seed fixes every weight.</summary>
public static class Init
{
    /// <summary>
    /// PyTorch's default for conv and linear weights: kaiming_uniform_(a = √5), i.e. U(−b, b) with
    /// b = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) — which simplifies to b = 1 / √fan_in.
    /// </summary>
    public static Tensor kaiming_uniform(long[] shape, long fanIn, Generator generator)
    {
        var bound = 1.0 / Math.Sqrt(fanIn);
        return uniform(shape, -bound, bound, generator);
    }

    /// <summary>U(low, high), drawn on the CPU (the same numbers on every device).</summary>
    public static Tensor uniform(long[] shape, double low, double high, Generator generator)
    {
        using var u = torch.rand(shape, generator);
        return u * (high - low) + low;
    }
}
