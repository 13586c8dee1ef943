using System.Diagnostics;
using System.Security.Cryptography;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// Compiles the shim's sources against libtorch 2.x headers, without linking: the CPU machines run Debian 12, whose
/// libtorch is 1.13, while a researcher on a GPU takes a current libtorch. Debian 13's libtorch-dev (2.6, headers only,
/// 2.4 MB) is in the same archive, so it is downloaded once (its SHA-256 pinned from the archive's Packages index),
/// unpacked with dpkg-deb into artifacts/libtorch2-headers/, and every .cpp of the shim is compiled with
/// -fsyntax-only as build.sh builds it against an unpacked libtorch (LIBTORCH_DIR: no direct oneDNN, no OpenMP). A
/// compile error names the file: the shim would not build against that libtorch. Linking needs Debian 13's glibc.
/// </summary>
internal sealed class Libtorch2HeadersTask : BuildTask
{
    private const string Version = "2.6.0+dfsg-7";

    private static readonly Uri Package = new($"http://deb.debian.org/debian/pool/main/p/pytorch/libtorch-dev_{Version}_amd64.deb");

    private const string Sha256 = "d63886ac7482184e96d38cbbbb346430f1cc3a68b59319eb2ca1ababd501535b";

    public override string Description => $"compile the shim against libtorch {Version[..5]}'s headers (Debian 13's libtorch-dev), without linking";

    public override void Run(BuildContext context)
    {
        var root = Path.Combine(context.Artifacts, "libtorch2-headers");
        var include = Path.Combine(root, "usr", "include");
        if (!File.Exists(Path.Combine(include, "torch", "version.h"))) Unpack(context, root);
        context.Info($"libtorch {Version} headers: {include}");

        var sources = Directory.EnumerateFiles(Path.Combine(context.RepoRoot, "src", "Repro.Torch", "native"), "*.cpp").Order(StringComparer.Ordinal).ToList();
        // Each source as build.sh builds it (with OpenCV), and image.cpp also as a GPU machine without OpenCV does.
        var units = sources.Select(s => (Source: s, OpenCv: true))
            .Append((Source: sources.Single(s => Path.GetFileName(s) == "image.cpp"), OpenCv: false)).ToList();
        var failed = new List<string>();
        foreach (var (source, openCv) in units)
        {
            var clock = Stopwatch.StartNew();
            var name = Path.GetFileName(source) + (openCv ? "" : " (without OpenCV)");
            var (exit, output) = context.Capture("g++",
            [
                "-std=c++17", "-fsyntax-only", "-I", include, "-I", Path.Combine(include, "torch", "csrc", "api", "include"),
                .. openCv ? (string[])["-DREPRO_WITH_OPENCV", "-I", "/usr/include/opencv4"] : [], source,
            ]);
            context.Info($"  {name}: {(exit == 0 ? "compiles" : "FAILS")} ({clock.Elapsed.TotalSeconds:F0} s)");
            if (exit == 0) continue;
            failed.Add(name);
            Console.WriteLine(string.Join('\n', output.Split('\n').Where(l => l.Contains("error", StringComparison.Ordinal)).Take(20)));
        }
        if (failed.Count > 0) throw new BuildFailedException($"the shim does not compile against libtorch {Version}: {string.Join(", ", failed)}");
        context.Info($"every source of the shim ({sources.Count}, and image.cpp without OpenCV) compiles against libtorch {Version}");
    }

    private static void Unpack(BuildContext context, string root)
    {
        var deb = Path.Combine(root, Path.GetFileName(Package.LocalPath));
        Directory.CreateDirectory(root);
        if (!File.Exists(deb) || Hash(deb) != Sha256)
        {
            context.Info($"downloading {Package}");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            byte[] bytes;
            try
            {
                bytes = http.GetByteArrayAsync(Package).GetAwaiter().GetResult();
            }
            catch (HttpRequestException e)
            {
                throw new BuildFailedException($"could not download {Package} ({e.Message}); Debian may have replaced that version: take the one "
                                               + "http://deb.debian.org/debian/dists/trixie/main/binary-amd64/Packages.xz lists for libtorch-dev, with its SHA256");
            }
            var partial = deb + ".partial";
            File.WriteAllBytes(partial, bytes);
            if (Hash(partial) != Sha256) throw new BuildFailedException($"{Package}: SHA-256 {Hash(partial)}, expected {Sha256}");
            File.Move(partial, deb, overwrite: true);
        }
        context.Run("dpkg-deb", ["-x", deb, root]);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
