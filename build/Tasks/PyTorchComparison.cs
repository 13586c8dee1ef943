using System.Globalization;
using System.Text.Json;
using Repro.Build.Engine;
using Spectre.Console;

namespace Repro.Build.Tasks;

/// <summary>
/// repro against PyTorch eager on the same YOLOv3 sizes (issue 12), when python3 can import torch (Debian's
/// python3-torch runs on the very libtorch the shim links). The two are alternated round by round and the best rate
/// of each is compared: on a shared machine a single pair of runs can be 30 % off either way. PyTorch's side is
/// benchmarks/pytorch_yolov3.py; Python stays out of the product and out of Test.
/// </summary>
internal static class PyTorchComparison
{
    private static readonly (double Width, int Size)[] Configs = [(0.125, 128), (0.25, 160), (0.5, 256), (1, 416)];
    private const int Rounds = 3;
    private const int Batch = 8;
    private const string Script = "benchmarks/pytorch_yolov3.py";

    public static void Run(BuildContext context)
    {
        if (PythonWithTorch(context) is not { } python)
        {
            context.Info("PyTorch comparison skipped: no python3 here can import torch (on Debian: sudo apt-get install python3-torch).");
            return;
        }
        var threads = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        var best = new Dictionary<(string Engine, double Width, int Size, string Pass), double>();
        void Keep(string engine, double width, int size, string pass, double rate) =>
            best[(engine, width, size, pass)] = Math.Max(rate, best.GetValueOrDefault((engine, width, size, pass)));

        var results = Path.Combine(context.Artifacts, "bench", "repro-rates.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        for (var round = 1; round <= Rounds; round++)
        {
            context.Info($"PyTorch comparison, round {round} of {Rounds}: repro");
            foreach (var (width, size) in Configs)
            {
                var args = new List<string>
                {
                    "run", "--project", "src/Repro.Cli", "-c", context.Configuration, "--no-build", "--", "bench",
                    "--suite", "model", "training", "--widths", Text(width), "--sizes", Text(size), "--batch", Text(Batch),
                    "--threads", threads, "--results", results,
                };
                var (code, _) = context.Capture("dotnet", args);
                if (code != 0) throw new BuildFailedException($"repro bench at width {Text(width)}, {size} px exited with code {code}");
                foreach (var line in File.ReadLines(results).Skip(1))
                {
                    var f = line.Split(',');
                    Keep("repro", double.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[4], double.Parse(f[5], CultureInfo.InvariantCulture));
                }
            }
            context.Info($"PyTorch comparison, round {round} of {Rounds}: PyTorch");
            var (pyCode, output) = context.Capture(python,
                [Script, "--configs", .. Configs.Select(c => $"{Text(c.Width)}/{c.Size}"), "--batch", Text(Batch), "--threads", threads]);
            if (pyCode != 0) throw new BuildFailedException($"{Script} exited with code {pyCode}");
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using var row = JsonDocument.Parse(line);
                var r = row.RootElement;
                Keep("pytorch", r.GetProperty("width").GetDouble(), r.GetProperty("size").GetInt32(), r.GetProperty("pass").GetString()!,
                    r.GetProperty("images_per_second").GetDouble());
            }
        }
        Print(best);
    }

    /// <summary>The first python3 that imports torch: the one on PATH, else Debian's (python3-torch installs there,
    /// and a pyenv or venv python3 on PATH does not see it).</summary>
    private static string? PythonWithTorch(BuildContext context)
    {
        foreach (var python in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                if (context.Capture(python, ["-c", "import torch"]).ExitCode == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return null;
    }

    private static void Print(Dictionary<(string Engine, double Width, int Size, string Pass), double> best)
    {
        string Cell(double width, int size, string pass, string pytorchPass)
        {
            var ours = best.GetValueOrDefault(("repro", width, size, pass));
            var theirs = best.GetValueOrDefault(("pytorch", width, size, pytorchPass));
            return ours > 0 && theirs > 0 ? $"{ours / theirs:F2} ({ours:F1} vs {theirs:F1} img/s)" : "—";
        }

        var table = new Table().Border(TableBorder.Simple)
            .Title($"repro ÷ PyTorch eager, best of {Rounds} alternated rounds, batch {Batch}")
            .AddColumn("width / size").AddColumn("forward (eval, no grad)").AddColumn("training step (repro: YOLOv3 loss; PyTorch: trivial loss)");
        foreach (var (width, size) in Configs)
            table.AddRow($"{Text(width)} / {size}", Cell(width, size, "forward", "forward"), Cell(width, size, "train-step", "train-step"));
        AnsiConsole.Write(table);
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
