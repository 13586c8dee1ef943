using System.Diagnostics;
using Repro.Experiments;
using Repro.Experiments.Slurm;

namespace Repro.Tests.Experiments.Slurm;

/// <summary>The batch scripts of `repro study submit --slurm`: resources, threads, the command, and a training's requeue.</summary>
public class SlurmJobScriptTests
{
    private static readonly SlurmJobScript.Command Repro = new(["/usr/bin/dotnet", "/repo/src/Repro.Cli/bin/Release/net10.0/Repro.Cli.dll"], "ci", "/repo", "/shared/artifacts", ["training.lr=1e-3"]);

    private static SlurmJobScript Script(StudyPlan plan, string id, params string[] specs) =>
        SlurmJobScript.For(plan.Context, plan.Task(id), SlurmResources.For(plan.Task(id), plan.Profile, specs.Select(SlurmResourceSpec.Parse)), Repro, TimeSpan.FromMinutes(10), "/shared/artifacts/ci/.slurm/logs");

    [Test]
    public void ATrainingAsksToBeSignalledBeforeItsLimitAndRequeuesItself()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        var script = Script(plan, "train/U-Real-seed0");
        Assert.That(script.Kind, Is.EqualTo(SlurmJobKind.Train));
        Assert.That(script.Text, Does.Contain("#SBATCH --signal=B:USR1@600\n").And.Contain("#SBATCH --requeue\n"));
        Assert.That(script.Text, Does.Contain("trap 'limit_near=1' USR1\n").And.Contain("  scontrol requeue \"$SLURM_JOB_ID\"\n"));
        Assert.That(script.Text, Does.Contain("epoch_done=/shared/artifacts/ci/train/U-Real-seed0/timings.csv\n"), "the file a training writes last for an epoch");
        Assert.That(script.Text, Does.Contain("deadline=$((SECONDS + 570))"), "it requeues anyway 30 s before the limit");
        Assert.That(script.Text, Does.Contain("/usr/bin/dotnet /repo/src/Repro.Cli/bin/Release/net10.0/Repro.Cli.dll study run --task train/U-Real-seed0 --profile ci --repo /repo --set training.lr=1e-3 &\n"));
        Assert.That(script.Text, Does.Contain("#SBATCH --job-name=repro:ci:train/U-Real-seed0\n"));
        Assert.That(script.LogPattern, Is.EqualTo("/shared/artifacts/ci/.slurm/logs/train+U-Real-seed0-%j.log"));
        Assert.That(script.Text, Does.Contain("#SBATCH --output=" + script.LogPattern + "\n"));
        Assert.That(script.Text, Does.Contain("export REPRO_ARTIFACTS=/shared/artifacts\n"));
    }

    [Test]
    public void OtherTasksRunTheCommandInPlaceAndAreNotRequeued()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        foreach (var id in new[] { "data", "train/anchors", "evaluate/U-Real-seed0", "analyze", "report" })
        {
            var script = Script(plan, id);
            Assert.That(script.Kind, Is.EqualTo(SlurmJobKind.Cpu), id);
            Assert.That(script.Text, Does.Not.Contain("--requeue").And.Not.Contain("--signal"), id);
            Assert.That(script.Text, Does.Contain($"exec /usr/bin/dotnet /repo/src/Repro.Cli/bin/Release/net10.0/Repro.Cli.dll study run --task {id} "), id);
        }
    }

    [Test]
    public void ThreadsArePinnedToTheJobsCpus()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        Assert.That(Script(plan, "train/U-Real-seed0").Text, Does.Contain("#SBATCH --cpus-per-task=1\n").And.Contain("export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1\n"));
        var four = Script(plan, "train/U-Real-seed0", "train:cpus=4");
        Assert.That(four.Text, Does.Contain("#SBATCH --cpus-per-task=4\n").And.Contain("export OMP_NUM_THREADS=4 OPENBLAS_NUM_THREADS=4\n"));
    }

    [Test]
    public void OnAGpuProfileTrainingsAndCapturesAskForAGpuAndTheRestDoNot()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "paper"));
        Assert.That(Script(plan, "train/U-Real-seed0").Text, Does.Contain("#SBATCH --gres=gpu:1\n"));
        var capture = Script(plan, "analyze/U-Real-seed0");
        Assert.That(capture.Kind, Is.EqualTo(SlurmJobKind.Gpu));
        Assert.That(capture.Text, Does.Contain("#SBATCH --gres=gpu:1\n"));
        Assert.That(capture.Resources.Memory, Is.EqualTo($"{plan.Profile.Analysis.MemoryBudgetGiB + 4}G"), "the analysis's budget and room");
        Assert.That(Script(plan, "data").Text, Does.Not.Contain("--gres"));
    }

    [Test]
    public void ResourcesOfAKindReplaceTheDefaultsOfThatKindOnly()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "paper"));
        string[] specs = ["all:partition=batch", "train:gres=gpu:a100:1,cpus=8,mem=32G,time=2-12:00:00,partition=gpu"];
        var training = Script(plan, "train/U-Real-seed0", specs).Resources;
        Assert.That(training, Is.EqualTo(new SlurmResources("gpu", "gpu:a100:1", 8, "32G", "2-12:00:00")));
        var data = Script(plan, "data", specs).Resources;
        Assert.That(data.Partition, Is.EqualTo("batch"));
        Assert.That(data.Gres, Is.Null);
        Assert.That(Script(plan, "evaluate/U-Real-seed0", [.. specs, "gpu:gres=none"]).Resources.Gres, Is.Null, "gres=none drops it");
    }

    [TestCase("train:gpus=2", "unknown resource 'gpus'")]
    [TestCase("train:cpus=0", "cpus must be a positive whole number, not '0'")]
    [TestCase("train:mem=lots", "'lots' is not a valid mem")]
    [TestCase("train:time=forever", "'forever' is not a valid time")]
    [TestCase("trains:cpus=2", "unknown kind 'trains'")]
    [TestCase("cpus=2", "expected KIND:KEY=VALUE")]
    [TestCase("train:cpus", "'cpus' is not KEY=VALUE")]
    public void BadResourcesAreAnErrorNamingTheSpec(string spec, string message)
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        var e = Assert.Throws<ArgumentException>(() => SlurmResources.For(plan.Task("train/U-Real-seed0"), plan.Profile, [SlurmResourceSpec.Parse(spec)]));
        Assert.That(e!.Message, Does.Contain($"--resources '{spec}'").And.Contain(message));
    }

    [Test]
    public void EveryScriptIsValidBash()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        foreach (var id in new[] { "data", "train/U-Real-seed0" })
        {
            var path = Path.Combine(Path.GetTempPath(), $"repro-slurm-{Guid.NewGuid():N}.sh");
            File.WriteAllText(path, Script(plan, id).Text);
            try
            {
                using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", path]) { RedirectStandardError = true })!;
                var errors = bash.StandardError.ReadToEnd();
                bash.WaitForExit();
                Assert.That(bash.ExitCode, Is.EqualTo(0), $"{id}: {errors}");
            }
            finally { File.Delete(path); }
        }
    }

    [Test]
    public void APathWithWhitespaceIsAnErrorNamingIt()
    {
        var plan = StudyPlanTests.Plan(Profile.Named(RepoPaths.Root, "ci"));
        var task = plan.Task("data");
        var e = Assert.Throws<ArgumentException>(() => SlurmJobScript.For(plan.Context, task, SlurmResources.For(task, plan.Profile, []),
            Repro with { ArtifactsRoot = "/shared/my artifacts" }, TimeSpan.FromMinutes(10), "/logs"));
        Assert.That(e!.Message, Does.Contain("'/shared/my artifacts'"));
    }

    [TestCase("plain/word-1.2", "plain/word-1.2")]
    [TestCase("with space", "'with space'")]
    [TestCase("it's", "'it'\"'\"'s'")]
    [TestCase("", "''")]
    public void WordsAreQuotedForBashOnlyWhenNeeded(string word, string quoted) => Assert.That(SlurmJobScript.Quote(word), Is.EqualTo(quoted));
}
