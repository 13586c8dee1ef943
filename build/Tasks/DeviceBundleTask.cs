using System.Globalization;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Writes artifacts/device-bundle/: what a machine with a GPU and PyTorch but no .NET needs to check this project
/// there — the CLI published self-contained for linux-x64 (trimmed, invariant globalization), the shim's sources,
/// the profiles and cfgs of a study, and one script (build/device-bundle/run.sh) that builds the shim against the
/// local torch and runs selftest, bench and the ci study. The CLI travels as app.tar.gz (15 MB instead of 37): the
/// working tree travels too (43 MB of tracked files, the detector fixture and the calibration runs among them), and a
/// device machine takes 64 MiB in all. `--prove` runs the script here with a CPU and the small bench.
/// </summary>
internal sealed class DeviceBundleTask : BuildTask
{
    /// <summary>What a device machine takes with one command: the working tree and the bundle together.</summary>
    private const long TravelBytes = 64L << 20;

    /// <summary>Files of a self-contained .NET app that a run never loads: debugger support, crash dumps, the
    /// alternative garbage collectors, the LTTng trace provider, symbols; and the shim built here, which the script
    /// rebuilds against the local libtorch.</summary>
    private static readonly string[] Unneeded =
    [
        "libmscordaccore.so", "libmscordbi.so", "createdump", "libclrgc.so", "libclrgcexp.so", "libcoreclrtraceptprovider.so",
        "librepro_torch.so", "repro_torch_bench",
    ];

    public override string Description => "a folder (with the working tree ≤ 64 MiB) that builds the shim against a local PyTorch and runs selftest, bench and the ci study on a GPU (--prove: run it here on the CPU)";

    public override void Run(BuildContext context)
    {
        var bundle = Path.Combine(context.Artifacts, "device-bundle");
        if (Directory.Exists(bundle)) Directory.Delete(bundle, recursive: true);
        var app = Path.Combine(bundle, "app");
        context.Run("dotnet",
        [
            "publish", Path.Combine(context.RepoRoot, "src", "Repro.Cli"), "-c", context.Configuration, "-r", "linux-x64", "--self-contained",
            "-o", app, "--nologo",
            // Trimming only the framework (partial): the project's own assemblies and CsvHelper, Spectre.Console and
            // ScottPlot keep every type, since JSON and CSV bind by reflection; that also makes the trim analysis
            // warnings about them moot.
            "-p:PublishTrimmed=true", "-p:TrimMode=partial", "-p:SuppressTrimAnalysisWarnings=true", "-p:TreatWarningsAsErrors=false",
            "-p:JsonSerializerIsReflectionEnabledByDefault=true", "-p:InvariantGlobalization=true", "-p:SatelliteResourceLanguages=en",
            "-p:DebugType=none",
        ]);
        foreach (var name in Unneeded)
            if (File.Exists(Path.Combine(app, name))) File.Delete(Path.Combine(app, name));

        var native = Path.Combine(bundle, "native");
        Directory.CreateDirectory(native);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(context.RepoRoot, "src", "Repro.Torch", "native")))
            File.Copy(file, Path.Combine(native, Path.GetFileName(file)));

        // A repository root for `study run --repo`: the profiles, cfgs and label map a study reads, and the marker
        // the CLI looks for.
        var repo = Path.Combine(bundle, "repo");
        foreach (var folder in new[] { "experiments/profiles", "experiments/models" }) CopyFolder(Path.Combine(context.RepoRoot, folder), Path.Combine(repo, folder));
        File.Copy(Path.Combine(context.RepoRoot, "experiments", "label-map.json"), Path.Combine(repo, "experiments", "label-map.json"));
        Directory.CreateDirectory(Path.Combine(repo, "expected-results"));
        File.Copy(Path.Combine(context.RepoRoot, "expected-results", "paper-claims.json"), Path.Combine(repo, "expected-results", "paper-claims.json"));
        File.WriteAllText(Path.Combine(repo, "Repro.sln"), "");

        var script = Path.Combine(bundle, "run.sh");
        File.Copy(Path.Combine(context.RepoRoot, "build", "device-bundle", "run.sh"), script);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        // The CLI as one archive, which run.sh unpacks: about 40 % of its size.
        context.Run("tar", ["-czf", Path.Combine(bundle, "app.tar.gz"), "-C", bundle, "app"]);
        Directory.Delete(app, recursive: true);

        var bytes = new DirectoryInfo(bundle).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var tree = TrackedBytes(context);
        context.Info(string.Create(CultureInfo.InvariantCulture,
            $"device bundle: {bundle}, {bytes / 1048576.0:F1} MiB in {Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).Count()} files; with the working tree's {tree / 1048576.0:F1} MiB (tracked and untracked, not ignored), {(bytes + tree) / 1048576.0:F1} of the {TravelBytes >> 20} MiB a device machine takes"));
        if (bytes + tree > TravelBytes)
            throw new BuildFailedException($"the device bundle ({bytes >> 20} MiB) and the working tree ({tree >> 20} MiB) are over the {TravelBytes >> 20} MiB a device machine takes");

        if (context.Arguments.Has("prove"))
            context.Run("bash", [script, "--device", "cpu", "--bench-size", "small"]);
        else
            context.Info($"on a GPU machine (the folder beside the working tree): bash {Path.GetRelativePath(context.RepoRoot, script)} --device cuda");
    }

    /// <summary>
    /// The bytes of the working tree that travel with any command to a device machine: the files git tracks and the
    /// untracked ones it does not ignore (a stray dump in the tree counts against the 64 MiB too).
    /// </summary>
    private static long TrackedBytes(BuildContext context)
    {
        var (exit, output) = context.Capture("git", ["-C", context.RepoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
        if (exit != 0) throw new BuildFailedException("git ls-files failed: the bundle's travel size needs the working tree's");
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => new FileInfo(Path.Combine(context.RepoRoot, f))).Where(f => f.Exists).Sum(f => f.Length);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
