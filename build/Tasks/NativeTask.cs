using System.Security.Cryptography;
using System.Text;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Builds the C++ shim (librepro_torch.so) and its C++ benchmark with CMake into artifacts/native. Incremental:
/// skipped when neither the native sources nor the libtorch in use changed since the last build.
/// </summary>
internal sealed class NativeTask : BuildTask
{
    public override string Description => "CMake build of the libtorch shim (LIBTORCH_DIR overrides Debian's libtorch)";

    private static string Source(BuildContext c) => Path.Combine(c.RepoRoot, "src", "Repro.Torch", "native");
    private static string BuildDir(BuildContext c) => Path.Combine(c.Artifacts, "native-build");
    private static string Stamp(BuildContext c) => Path.Combine(BuildDir(c), "repro.stamp");

    public override string? SkipReason(BuildContext context)
    {
        if (context.Arguments.Has("force")) return null;
        var upToDate = File.Exists(Path.Combine(context.NativeDir, "librepro_torch.so"))
                       && File.Exists(Stamp(context))
                       && File.ReadAllText(Stamp(context)) == Fingerprint(context);
        return upToDate ? "native sources and libtorch unchanged" : null;
    }

    public override void Run(BuildContext context)
    {
        var buildDir = BuildDir(context);
        var libtorch = context.LibTorchDir ?? "system";
        var origin = Path.Combine(buildDir, "libtorch.txt");
        // A different libtorch means a different CMake cache: start the build folder afresh.
        if (File.Exists(origin) && File.ReadAllText(origin) != libtorch) Directory.Delete(buildDir, recursive: true);
        Directory.CreateDirectory(buildDir);
        File.WriteAllText(origin, libtorch);
        context.Info($"libtorch: {(context.LibTorchDir ?? "system (Debian libtorch-dev)")}");

        var configure = new List<string>
        {
            "-S", Source(context), "-B", buildDir, "-DCMAKE_BUILD_TYPE=Release",
            $"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={context.NativeDir}", $"-DCMAKE_RUNTIME_OUTPUT_DIRECTORY={context.NativeDir}",
        };
        // An unpacked libtorch carries its own oneDNN and OpenMP runtime: the shim then leaves the eval convs to libtorch
        // and links no second OpenMP (CMakeLists.txt).
        if (context.LibTorchDir is { } dir) configure.AddRange([$"-DCMAKE_PREFIX_PATH={dir}", "-DREPRO_WITH_ONEDNN=OFF", "-DREPRO_WITH_OPENMP=OFF"]);
        context.Run("cmake", configure);
        context.Run("cmake", ["--build", buildDir, "--parallel", Environment.ProcessorCount.ToString()]);
        File.WriteAllText(Stamp(context), Fingerprint(context));
    }

    /// <summary>A hash of every native source file and of the libtorch location.</summary>
    private static string Fingerprint(BuildContext context)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(Source(context), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(context.RepoRoot, file)));
            hash.AppendData(File.ReadAllBytes(file));
        }
        hash.AppendData(Encoding.UTF8.GetBytes(context.LibTorchDir ?? "system"));
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
