using System.Diagnostics;

namespace Repro.Tests.Experiments;

/// <summary>
/// How `study run` shares a machine's cores out: OMP_NUM_THREADS is the threads of each task, not the study's whole
/// budget, so an environment that sets it to 1 for every process (as HPC environments often do) still runs one task
/// per core. Run through the CLI as a user runs it, on a data stage small enough to take seconds.
/// </summary>
public class CpuJobsTests
{
    private string root = "";

    [SetUp]
    public void CreateArtifacts() => root = Path.Combine(Path.GetTempPath(), $"repro-jobs-{Guid.NewGuid():N}");

    [TearDown]
    public void DeleteArtifacts()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public void OneThreadPerTaskStillRunsOneTaskPerCore()
    {
        var said = Study(("OMP_NUM_THREADS", "1"));
        var cores = Environment.ProcessorCount;
        if (cores > 1) Assert.That(said, Does.Contain($"1 tasks, {cores} at once (1 CPU thread each)"));
        else Assert.That(said, Does.Not.Contain("at once"), "one core: the tasks run one after another in this process");
    }

    [Test]
    public void ThreadsPerTaskAsManyAsTheCoresRunOneTaskAtATime()
    {
        var said = Study(("OMP_NUM_THREADS", Environment.ProcessorCount.ToString()));
        Assert.That(said, Does.Not.Contain("at once"));
        Assert.That(said, Does.Contain("data: running"));
    }

    private string Study(params (string Name, string Value)[] environment)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/CONFIGURATION/net10.0
        var cli = RepoPaths.Of("src", "Repro.Cli", "bin", configuration, "net10.0", "Repro.Cli.dll");
        Assert.That(File.Exists(cli), Is.True, $"{cli} is missing: build the solution (./build.sh --target Build) before the tests");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[cli, "study", "run", "--stage", "data", "--profile", "ci", "--repo", RepoPaths.Root,
                     "--set", "data.real.count=20", "--set", "data.synthetic.count=20", "--set", "data.pretrainSet.perClass=5"])
            info.ArgumentList.Add(a);
        info.Environment["REPRO_ARTIFACTS"] = root;
        info.Environment.Remove("REPRO_JOBS");
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var said = output + error.Result;
        Assert.That(process.ExitCode, Is.Zero, said);
        return said;
    }
}
