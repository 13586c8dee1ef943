using System.Diagnostics;
using System.Text.Json;
using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>
/// One writer per task: two runs on one artifacts folder never run a task at once; the second waits and then finds it
/// finished, or refuses with --no-wait naming the holder; a lock whose process died is taken over. The holder of
/// another process is a real process (sleep), found alive or dead by pid and start time as any run's would be.
/// </summary>
public class TaskLockTests
{
    private string root = "";
    private int runs, inside, mostInside;
    private ManualResetEventSlim entered = new();
    private readonly List<string> log = [];

    [SetUp]
    public void CreateArtifacts()
    {
        root = Path.Combine(Path.GetTempPath(), $"repro-lock-{Guid.NewGuid():N}");
        (runs, inside, mostInside) = (0, 0, 0);
        entered = new ManualResetEventSlim();
        lock (log) log.Clear();
    }

    [TearDown]
    public void DeleteArtifacts()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>A task that takes a while and counts how many runs are inside it at once.</summary>
    private sealed class SlowStage(TaskLockTests test) : SingleTaskStage
    {
        public override string Name => "train";
        public override IReadOnlyList<string> DependsOn => [];
        public override StageCode Code => new("train.1", []);
        public override object Settings(Profile profile) => new { profile.Seeds };

        public override void Run(StudyContext context)
        {
            Interlocked.Increment(ref test.runs);
            var now = Interlocked.Increment(ref test.inside);
            lock (test.log) test.mostInside = Math.Max(test.mostInside, now);
            test.entered.Set();
            Thread.Sleep(700);
            File.WriteAllBytes(Path.Combine(context.StageDir(Name), "weights.bin"), [1, 2, 3]);
            Interlocked.Decrement(ref test.inside);
        }
    }

    private sealed class RecordingProgress(List<string> log) : IStudyProgress
    {
        public void Report(string task, long done, long total, string detail = "") { }

        public void Log(string message)
        {
            lock (log) log.Add(message);
        }
    }

    /// <summary>A plan of its own, as a second process would have.</summary>
    private StudyPlan Plan() =>
        new([new SlowStage(this)], new StudyContext(Profile.Named(RepoPaths.Root, "ci"), RepoPaths.Root, new RecordingProgress(log), root), "code");

    private string LockPath => TaskLock.PathOf(Plan().Context, "train");

    [Test]
    public void TwoRunsOfOneTaskRunItOnceAndTheSecondWaitsForTheFirst()
    {
        var first = Task.Run(() => StudyRunner.Run(Plan(), "train"));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(30)), Is.True, "the first run never started the task");
        var second = StudyRunner.Run(Plan(), "train");
        Assert.That(first.Result.Single().Ran, Is.True);
        Assert.That(second.Single(), Is.EqualTo(second.Single() with { Ran = false, Reason = StudyRunner.FinishedMeanwhile }));
        Assert.That((runs, mostInside), Is.EqualTo((1, 1)));
        lock (log) Assert.That(log, Has.Some.StartsWith($"train: waiting for process {Environment.ProcessId} on {Environment.MachineName}"));
        Assert.That(File.Exists(LockPath), Is.False, "the lock is released when the task is done");
    }

    [Test]
    public void WithoutWaitingARunRefusesAndNamesTheLiveProcessThatHoldsTheLock()
    {
        using var holder = Sleeper();
        WriteLock(holder);
        var refused = Assert.Throws<TaskLockedException>(() => StudyRunner.RunTask(Plan(), "train", wait: false))!;
        Assert.That(refused.Message, Does.Contain($"process {holder.Id} on {Environment.MachineName}").And.Contain(LockPath));
        Assert.That(runs, Is.Zero);
    }

    [Test]
    public void ARunWaitsForALiveHolderAndTakesTheLockOverWhenThatProcessDies()
    {
        var holder = Sleeper();
        WriteLock(holder);
        var run = Task.Run(() => StudyRunner.RunTask(Plan(), "train"));
        Thread.Sleep(600);
        Assert.That((run.IsCompleted, runs), Is.EqualTo((false, 0)), "it must wait while the holder lives");
        holder.Kill();
        holder.WaitForExit();
        holder.Dispose();
        Assert.That(run.Result.Ran, Is.True);
        lock (log)
        {
            Assert.That(log, Has.Some.StartsWith("train: waiting for process"));
            Assert.That(log, Has.Some.StartsWith("train: took over the lock of process").And.Contains("which is no longer running"));
        }
    }

    [Test]
    public void ALockWhosePidWasReusedByAnotherProcessIsStale()
    {
        using var other = Sleeper();
        // The lock names the live sleeper's pid, but a start time that is not its own: the pid was reused.
        var reused = new LockHolder(Environment.MachineName, other.Id, other.StartTime.ToUniversalTime().AddMinutes(-5), DateTime.UtcNow);
        Assert.That(reused.IsDead(), Is.True);
        Assert.That(Holder(other).IsDead(), Is.False);
        Assert.That((Holder(other) with { Host = "another-host" }).IsDead(), Is.False, "a holder on another host cannot be looked at: it is presumed alive");
        other.Kill();
    }

    [Test]
    public void ALockOfAnEarlierStartOfThisSlurmJobIsStaleOnAnyHost()
    {
        using var other = Sleeper();
        // A requeued job starts again under its id with SLURM_RESTART_COUNT raised, possibly on another node: the
        // start that held the lock is over even when a process with its pid lives (on that node, or reused here).
        var held = Holder(other) with { Host = "node-07", Slurm = new SlurmStart("4242", 0) };
        Assert.That(held.IsDead(new SlurmStart("4242", 1)), Is.True, "an earlier start of this job");
        Assert.That(held.IsDead(new SlurmStart("4242", 0)), Is.False, "the same start: another process of the job, alive");
        Assert.That(held.IsDead(new SlurmStart("4243", 1)), Is.False, "another job: on another host, presumed alive");
        Assert.That(held.IsDead(null), Is.False, "outside Slurm: on another host, presumed alive");
        Assert.That((held with { Host = Environment.MachineName }).IsDead(new SlurmStart("4242", 0)), Is.False, "its process lives here");
        other.Kill();
    }

    [Test]
    public void ALockIsRemovedWhenACallerThatSeesMoreKnowsItsHolderGoneAndKeptOtherwise()
    {
        using var other = Sleeper();
        var context = Plan().Context;
        Assert.That(TaskLock.RemoveIf(context, "train", _ => true), Is.Null, "no lock, not even a lock folder: nothing has run");
        Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
        var held = Holder(other) with { Host = "node-07", Slurm = new SlurmStart("4242", 0) };
        File.WriteAllText(LockPath, JsonSerializer.Serialize(held));
        Assert.That(TaskLock.RemoveIf(context, "train", h => h.Slurm?.Job == "999"), Is.Null);
        Assert.That(File.Exists(LockPath), Is.True, "kept: its holder is not the one known gone");
        Assert.That(TaskLock.RemoveIf(context, "train", h => h.Slurm?.Job == "4242"), Is.EqualTo(held));
        Assert.That(File.Exists(LockPath), Is.False);
        Assert.That(TaskLock.RemoveIf(context, "train", _ => true), Is.Null, "no lock");
        other.Kill();
    }

    [Test]
    public void ALockFileWrittenBeforeSlurmStartsWereRecordedStillReads()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
        File.WriteAllText(LockPath, """{"Host":"h","Pid":12,"ProcessStarted":"2026-12-07T01:00:00Z","Since":"2026-12-07T01:00:01Z"}""");
        Assert.That(TaskLock.Read(LockPath), Is.EqualTo(new LockHolder("h", 12, new DateTime(2026, 12, 7, 1, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 7, 1, 0, 1, DateTimeKind.Utc))));
    }

    [Test]
    public void AStudyRunWaitsForTheProcessThatHoldsItsTasksLockAndANoWaitRunRefuses()
    {
        // Two `repro study run` processes beside a holder of the data task's lock (this test process, holding it as a
        // run does): the first waits, naming the holder, and runs the task once the lock is released; the second,
        // with --no-wait, refuses and names the holder. A data stage small enough to take seconds.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/CONFIGURATION/net10.0
        var cli = RepoPaths.Of("src", "Repro.Cli", "bin", configuration, "net10.0", "Repro.Cli.dll");
        Assert.That(File.Exists(cli), Is.True, $"{cli} is missing: build the solution (./build.sh --target Build) before the tests");
        var output = new System.Text.StringBuilder();
        Process Study(params string[] extra)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[cli, "study", "run", "--stage", "data", "--profile", "ci", "--repo", RepoPaths.Root,
                         "--set", "data.real.count=20", "--set", "data.synthetic.count=20", "--set", "data.pretrainSet.perClass=5", .. extra])
                info.ArgumentList.Add(a);
            info.Environment["REPRO_ARTIFACTS"] = root;
            return Process.Start(info)!;
        }
        string Said() { lock (output) return output.ToString(); }

        var me = $"process {Environment.ProcessId} on {Environment.MachineName}";
        using var waiting = Study();
        waiting.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        waiting.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        using (TaskLock.Acquire(Plan().Context, "data", wait: false))
        {
            waiting.BeginOutputReadLine();
            waiting.BeginErrorReadLine();
            using var refused = Study("--no-wait");
            var refusal = refused.StandardOutput.ReadToEnd() + refused.StandardError.ReadToEnd();
            refused.WaitForExit();
            Assert.That(refused.ExitCode, Is.Not.Zero, refusal);
            Assert.That(refusal, Does.Contain($"task 'data' is being run by {me}"));

            var watch = Stopwatch.StartNew();
            while (!Said().Contains($"data: waiting for {me}") && !waiting.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
            Assert.That(Said(), Does.Contain($"data: waiting for {me}"));
            Assert.That(Said(), Does.Not.Contain("data: running"));
            Assert.That(waiting.HasExited, Is.False);
        }
        waiting.WaitForExit();
        Assert.That(waiting.ExitCode, Is.Zero, Said());
        Assert.That(Said(), Does.Contain("data: running (not run yet)"));
        Assert.That(File.Exists(TaskLock.PathOf(Plan().Context, "data")), Is.False);
    }

    private static LockHolder Holder(Process p) => new(Environment.MachineName, p.Id, p.StartTime.ToUniversalTime(), DateTime.UtcNow);

    private void WriteLock(Process holder)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
        File.WriteAllText(LockPath, JsonSerializer.Serialize(Holder(holder)));
    }

    private static Process Sleeper() => Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
}
