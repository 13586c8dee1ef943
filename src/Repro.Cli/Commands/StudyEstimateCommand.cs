using System.CommandLine;
using Repro.Benchmarks;
using Repro.Experiments;
using Repro.Experiments.Stages;
using Repro.Models.Darknet;
using Repro.Torch;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro study estimate --profile P</c>: what the study will cost before it runs, task by task — hours on this
/// CPU at the rate a training step of the profile's network reaches here (measured now), hours on a GPU at a rate
/// the user states, disk and memory (<see cref="StudyCost"/>). Every number is an estimate and printed as one.
/// </summary>
internal static class StudyEstimateCommand
{
    public static Command Create(Option<string> profile, Option<string> root, Option<string[]> set)
    {
        var real = new Option<int?>("--real-images") { Description = "images in the real dataset (default: the profile's generated count, or BDD100K's 79,863 labelled train and val frames)" };
        var synthetic = new Option<int?>("--synthetic-images") { Description = "images in the synthetic dataset (default: the profile's generated count, or VIPER's 134,097 train frames)" };
        var cpu = new Option<double?>("--cpu-gflops") { Description = "this CPU's training rate in GFLOP/s (default: measured now, a few steps of the profile's network at batch 2)" };
        var gpu = new Option<double>("--gpu-tflops") { Description = "a GPU's sustained training rate in TFLOP/s (an assumption: the default is a third of an H100's float32 peak, TF32 tensor cores could double it)", DefaultValueFactory = _ => 20 };
        var command = new Command("estimate", "Estimate each task's time on this CPU and on a GPU, its disk and its memory, before running the study.")
            { profile, root, set, real, synthetic, cpu, gpu };
        command.SetAction(parse => StudyCommand.Guarded(() =>
        {
            var context = StudyCommand.Load(parse.GetValue(root)!, parse.GetValue(profile)!, parse.GetValue(set)!, quiet: true).Context;
            var p = context.Profile;
            var generated = p.Data.Source == "generated";
            var realImages = parse.GetValue(real) ?? (generated ? p.Data.Real?.Count ?? 0 : StudyCost.BddTrainAndVal);
            var syntheticImages = parse.GetValue(synthetic) ?? (generated ? p.Data.Synthetic?.Count ?? 0 : StudyCost.ViperTrain);
            var cfg = CfgParser.ParseFile(context.ResolvePath(p.Model.Cfg, "model.cfg")).With(new ModelOverrides(StudyNetworks.Classes, p.Model.Width, p.Model.InputSize));
            var costs = StudyCost.Estimate(p, cfg, realImages, syntheticImages);

            double cpuRate;
            string cpuBasis;
            if (parse.GetValue(cpu) is { } given) (cpuRate, cpuBasis) = (given * 1e9, "as given");
            else
            {
                AnsiConsole.MarkupLine($"measuring this CPU: training steps of YOLOv3 at width {p.Model.Width:0.###}, {p.Model.InputSize} px, batch 2, on {torch.get_num_threads()} threads…");
                var row = TrainingBenchmark.Measure(new TrainingConfig(p.Model.Width, p.Model.InputSize, 2), new TrainingBenchmarkOptions { WarmupSteps = 2, MinSeconds = 5, MinSteps = 3 });
                (cpuRate, cpuBasis) = (row.AchievedGflopsPerSecond * 1e9, $"measured: {row.AchievedGflopsPerSecond:F0} GFLOP/s ({row.ImagesPerSecond:F2} images/s)");
            }
            var gpuRate = parse.GetValue(gpu) * 1e12;

            AnsiConsole.MarkupLine($"[bold]Estimate[/] for profile '{Markup.Escape(p.Name)}': {realImages:N0} real and {syntheticImages:N0} synthetic images; " +
                                   $"CPU {cpuRate / 1e9:F0} GFLOP/s ({Markup.Escape(cpuBasis)}), GPU {gpuRate / 1e12:F0} TFLOP/s (assumed). " +
                                   "Training is counted to its last allowed epoch; early stopping can end it sooner.");
            var table = new Table().Border(TableBorder.Simple).AddColumns("task", "TFLOP", "CPU", "GPU", "disk", "memory");
            foreach (var c in costs)
                table.AddRow(Markup.Escape(c.Task), $"{c.Flops / 1e12:N0}", Time(c.Hours(cpuRate)), Time(c.Hours(gpuRate)), Bytes(c.DiskBytes), Bytes(c.MemoryBytes));
            table.AddRow("[bold]all, one at a time[/]", $"{costs.Sum(c => c.Flops) / 1e12:N0}", $"[bold]{Time(costs.Sum(c => c.Hours(cpuRate)))}[/]",
                $"[bold]{Time(costs.Sum(c => c.Hours(gpuRate)))}[/]", Bytes(costs.Sum(c => c.DiskBytes)), Bytes(costs.Max(c => c.MemoryBytes)));
            AnsiConsole.Write(table);
            foreach (var c in costs.DistinctBy(c => c.Basis)) AnsiConsole.MarkupLine($"  {Markup.Escape(c.Task)}: {Markup.Escape(c.Basis)}");
            return 0;
        }));
        return command;
    }

    private static string Time(double hours) => hours switch
    {
        >= 48 => $"{hours / 24:F1} d",
        >= 1 => $"{hours:F1} h",
        _ => $"{hours * 60:F1} min",
    };

    private static string Bytes(double b) => b switch
    {
        >= 1e9 => $"{b / 1e9:F1} GB",
        >= 1e6 => $"{b / 1e6:F0} MB",
        _ => $"{b / 1e3:F0} kB",
    };
}
