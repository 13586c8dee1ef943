using Repro.Torch;

namespace Repro.Similarity;

/// <summary>Linear CKA between two .npy activation files (what <c>repro cka</c> computes).</summary>
public static class NpyCka
{
    /// <summary>
    /// Reads both arrays, checks they describe the same examples (first axis) and returns linear CKA through their
    /// float64 Grams. Unreadable files, unsupported arrays or mismatched example counts: <see cref="InvalidDataException"/>
    /// or <see cref="FileNotFoundException"/> naming the file.
    /// </summary>
    public static double Compute(string xPath, string yPath, bool debiased = false)
    {
        using var scope = torch.NewDisposeScope();
        var xs = NpyFile.ReadExamples(xPath);
        var ys = NpyFile.ReadExamples(yPath);
        if (xs.size(0) != ys.size(0))
            throw new InvalidDataException($"example counts differ: {xPath} has {xs.size(0)} (first axis), {yPath} has {ys.size(0)}");
        if (debiased && xs.size(0) < 4)
            throw new InvalidDataException($"debiased CKA needs at least 4 examples; {xPath} has {xs.size(0)}");
        return LinearCka.FromActivations(xs, ys, debiased);
    }
}
