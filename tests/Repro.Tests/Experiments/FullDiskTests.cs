using System.Diagnostics;
using Repro.Experiments;
using Repro.Torch;
using Repro.Torch.IO;

namespace Repro.Tests.Experiments;

/// <summary>
/// A disk that fills up during a checkpoint write: the artifacts root is a 1 MiB tmpfs mounted in the test's own
/// folder (root only: the test says so where it cannot mount). A task writes a small checkpoint, then one too large
/// for what is left: the run ends with one error naming the task and its folder, the small checkpoint is as it was,
/// no temporary file is left, and once space is freed the task runs to the end.
/// </summary>
public class FullDiskTests
{
    private string mount = "";
    private int checkpointFloats;

    [SetUp]
    public void MountASmallDisk()
    {
        mount = Path.Combine(Path.GetTempPath(), $"repro-full-{Guid.NewGuid():N}");
        Directory.CreateDirectory(mount);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount);
        if (code != 0)
        {
            Directory.Delete(mount);
            Assert.Inconclusive($"cannot mount a tmpfs here ({output.Trim()}): the full-disk test needs root (CI runs as root)");
        }
    }

    [TearDown]
    public void Unmount()
    {
        if (!Directory.Exists(mount)) return;
        Run("umount", mount);
        Directory.Delete(mount, recursive: true);
    }

    /// <summary>A training-like task: a first checkpoint, then a second of <see cref="checkpointFloats"/> floats.</summary>
    private sealed class CheckpointStage(FullDiskTests test) : SingleTaskStage
    {
        public override string Name => "train";
        public override IReadOnlyList<string> DependsOn => [];
        public override StageCode Code => new("train.1", []);
        public override object Settings(Profile profile) => new { profile.Seeds };

        public override void Run(StudyContext context)
        {
            var path = Path.Combine(context.StageDir(Name), "checkpoint.tensors");
            if (!File.Exists(path)) Save(path, 1000);
            Save(path, test.checkpointFloats);
        }

        private static void Save(string path, int floats)
        {
            using var t = torch.ones([floats]);
            TensorFile.Save(path, [KeyValuePair.Create("weights", t)]);
        }
    }

    [Test]
    public void AFullDiskMidCheckpointKeepsThePreviousCheckpointAndSaysWhichTaskAndFolder()
    {
        var context = new StudyContext(Profile.Named(RepoPaths.Root, "ci"), RepoPaths.Root, new SilentProgress(), mount);
        StudyPlan Plan() => new([new CheckpointStage(this)], context, "code");
        var dir = Path.Combine(mount, "ci", "train");
        var checkpoint = Path.Combine(dir, "checkpoint.tensors");

        checkpointFloats = 1 << 20; // 4 MiB on a 1 MiB disk
        var error = Assert.Throws<IOException>(() => StudyRunner.RunTask(Plan(), "train"))!;
        Assert.That(error.Message, Does.StartWith($"task 'train' could not write in {dir}: ").And.Contain("run again to resume"));
        Assert.That(error.InnerException!.Message, Does.Contain("No space left on device"));
        var kept = TensorFile.Load(checkpoint);
        Assert.That(kept["weights"].size(0), Is.EqualTo(1000), "the previous checkpoint is intact");
        foreach (var t in kept.Values) t.Dispose();
        Assert.That(Directory.EnumerateFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "checkpoint.tensors", TaskFolder.StartedMarker }),
            "no temporary file is left behind, and no manifest: the task did not finish");

        checkpointFloats = 2000; // space freed (a smaller write): the task resumes and finishes
        Assert.That(StudyRunner.RunTask(Plan(), "train").Ran, Is.True);
        Assert.That(Plan().WhyStale(Plan().Task("train")), Is.Null);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}
