using System.Security.Cryptography;
using Repro.Torch;

namespace Repro.Experiments;

/// <summary>
/// The identity of the code that computes a task: its stage's <see cref="StageCode.Version"/> and the engine every
/// stage runs on — the binding (Repro.Torch), the native shim and the libtorch version it reports. A task run by other
/// code is stale, so a table never mixes the outputs of two versions of what computed it; an edit elsewhere in
/// Repro.dll (report code, say) leaves training alone. (.NET builds are deterministic: rebuilding unchanged binding
/// sources gives the same bytes.) The BLAS libtorch loads and the CPU are not part of it: a task's outputs move
/// between machines, and a forced rerun that writes other bytes makes its readers stale through its outputs' hash.
/// </summary>
public static class CodeVersion
{
    private static readonly Lazy<string> engine = new(ComputeEngine);

    /// <summary>A hash of the binding, the shim and the libtorch version.</summary>
    public static string Engine => engine.Value;

    /// <summary>What a task of the stage records as its code: "STAGE-VERSION+engine-HASH".</summary>
    public static string Of(StageCode code, string engineVersion) => $"{code.Version}+engine-{engineVersion}";

    /// <summary>Why two recorded code versions differ, in words: the stage's code or the engine.</summary>
    public static string Difference(string recorded, string now)
    {
        var (oldStage, oldEngine) = Split(recorded);
        var (newStage, newEngine) = Split(now);
        var (oldMutant, newMutant) = (Mutant(oldEngine), Mutant(newEngine));
        if (oldMutant != newMutant)
            return newMutant.Length > 0 ? $"the mutant {newMutant} changes this stage's code" : $"it ran under the mutant {oldMutant}";
        if (oldStage != newStage) return $"the stage's code changed (version {oldStage} → {newStage})";
        return oldEngine != newEngine ? "the engine changed (Repro.Torch, its shim or libtorch)" : "the code changed";
    }

    /// <summary>The mutant a code version names (<see cref="Mutants.Mutants.CodeMark"/>), or "".</summary>
    private static string Mutant(string engine) =>
        engine.IndexOf("+mutant-", StringComparison.Ordinal) is var i and >= 0 ? engine[(i + 8)..] : "";

    private static (string Stage, string Engine) Split(string code) =>
        code.IndexOf("+engine-", StringComparison.Ordinal) is var i and >= 0 ? (code[..i], code[(i + 8)..]) : (code, "");

    private static string ComputeEngine()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string[] files =
        [
            typeof(Tensor).Assembly.Location,
            Path.Combine(AppContext.BaseDirectory, "librepro_torch.so"),
        ];
        foreach (var file in files.Where(File.Exists)) hash.AppendData(File.ReadAllBytes(file));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(torch.version));
        return Convert.ToHexString(hash.GetHashAndReset())[..16];
    }
}
