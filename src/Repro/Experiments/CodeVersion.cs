using System.Security.Cryptography;
using Repro.Torch;

namespace Repro.Experiments;

/// <summary>
/// The identity of the code that computes a study: the domain library, the binding, the native shim and the
/// libtorch version it reports. It is part of every stage's fingerprint, so a stage run by other code is stale and a
/// table never mixes the outputs of two builds. (.NET builds are deterministic: rebuilding unchanged sources gives
/// the same bytes, and comment-only edits change nothing.) The BLAS libtorch loads is not part of it.
/// </summary>
public static class CodeVersion
{
    private static readonly Lazy<string> current = new(Compute);

    public static string Current => current.Value;

    private static string Compute()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string[] files =
        [
            typeof(CodeVersion).Assembly.Location,
            typeof(Tensor).Assembly.Location,
            Path.Combine(AppContext.BaseDirectory, "librepro_torch.so"),
        ];
        foreach (var file in files.Where(File.Exists)) hash.AppendData(File.ReadAllBytes(file));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(torch.version));
        return Convert.ToHexString(hash.GetHashAndReset())[..16];
    }
}
