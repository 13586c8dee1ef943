using System.Globalization;
using Repro.Torch;

namespace Repro.SelfTest;

/// <summary>How a part's difference is measured: the largest element's (single ops, where every element is a few
/// roundings from its reference), or the whole vector's (a network, where an activation within rounding of a leaky
/// ReLU's kink may take the other slope and move a few gradient elements by 90 %).</summary>
internal enum ErrorNorm { Max, Euclidean }

/// <summary>One named output of a check, flattened to doubles in row-major order.</summary>
internal sealed record CheckPart(string Name, double[] Values);

/// <summary>
/// One key computation of the engine, run twice from the same inputs: in float32 on the device under test, and in
/// float64 on the CPU (the reference). <see cref="Compute"/> gets the device and dtype and returns its outputs as
/// parts; each part is compared as a normwise relative error, max |x − x̂| / max |x̂| or ‖x − x̂‖₂ / ‖x̂‖₂ (<see cref="Norm"/>), and
/// the check's error is the worst part's. The reference keeps libtorch's plain NCHW path, so it shares no kernel with the CPU's fast paths
/// (oneDNN's eval conv, the fused batch norm, channels-last).
/// </summary>
internal sealed record EngineCheck(string Name, string What, double Tolerance, Func<Device, ScalarType, IReadOnlyList<CheckPart>> Compute, ErrorNorm Norm = ErrorNorm.Max);

/// <summary>How one check came out: its error, the part it was worst in, and whether it is within tolerance.</summary>
internal sealed record EngineCheckResult(EngineCheck Check, string WorstPart, double Error, TimeSpan Elapsed)
{
    public bool Passed => double.IsFinite(Error) && Error <= Check.Tolerance;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Check.Name}: {Error:0.00e+0} (tolerance {Check.Tolerance:0e+0}, worst in {WorstPart}) {(Passed ? "ok" : "FAILED")}");
}

internal static class PartComparison
{
    /// <summary>max |x − x̂| / max |x̂| (or ‖x − x̂‖₂ / ‖x̂‖₂) over one part: 0 when both are all zeros, NaN when the lengths
    /// differ or a value is not finite.</summary>
    public static double RelativeError(double[] obtained, double[] reference, ErrorNorm norm = ErrorNorm.Max)
    {
        if (obtained.Length != reference.Length) return double.NaN;
        double difference = 0, scale = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            if (!double.IsFinite(obtained[i]) || !double.IsFinite(reference[i])) return double.NaN;
            var (d, r) = (Math.Abs(obtained[i] - reference[i]), Math.Abs(reference[i]));
            if (norm == ErrorNorm.Max) (difference, scale) = (Math.Max(difference, d), Math.Max(scale, r));
            else (difference, scale) = (difference + d * d, scale + r * r);
        }
        if (norm == ErrorNorm.Euclidean) (difference, scale) = (Math.Sqrt(difference), Math.Sqrt(scale));
        return difference == 0 ? 0 : scale == 0 ? double.PositiveInfinity : difference / scale;
    }

    /// <summary>The worst part of a check's two runs; parts are matched by name, and a missing part is NaN.</summary>
    public static (string Part, double Error) Worst(IReadOnlyList<CheckPart> obtained, IReadOnlyList<CheckPart> reference, ErrorNorm norm = ErrorNorm.Max)
    {
        if (reference.Count == 0) throw new ArgumentException("a check compares at least one part", nameof(reference));
        var byName = obtained.ToDictionary(p => p.Name);
        var (part, error) = ("", -1.0);
        foreach (var r in reference)
        {
            var e = byName.TryGetValue(r.Name, out var o) ? RelativeError(o.Values, r.Values, norm) : double.NaN;
            if (double.IsNaN(e)) return (r.Name, e);
            if (e > error) (part, error) = (r.Name, e);
        }
        return (part, error);
    }
}
