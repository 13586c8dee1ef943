using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Repro.Build.Engine;

namespace Repro.Build.Tasks;

/// <summary>
/// A one-node Slurm cluster on this machine, for as long as the object lives: munged, slurmctld and slurmd started
/// by hand (there is no systemd), with a generated slurm.conf, munge key, state and logs in a temporary folder, on
/// ports of their own, so nothing of a system Slurm is used or touched. The node is "localhost" with this machine's
/// CPUs; processes are tracked without a cgroup manager (proctrack/linuxproc, task/none). Every Slurm command run
/// for it needs <see cref="Environment"/> (SLURM_CONF). Dispose cancels what is still queued, stops the three
/// daemons by the pids they wrote, and deletes the folder.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalSlurmCluster : IDisposable
{
    public const string Partition = "check";

    private readonly BuildContext context;
    private readonly string dir;

    private LocalSlurmCluster(BuildContext context, string dir) => (this.context, this.dir) = (context, dir);

    public string ConfigPath => Path.Combine(dir, "slurm.conf");

    /// <summary>What a Slurm client (sbatch, squeue, scancel, and repro calling them) needs to find this cluster.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["SLURM_CONF"] = ConfigPath };

    /// <summary>Installs slurm-wlm and munge with apt when they are missing (as root, or with sudo -n); else fails with the command to run.</summary>
    public static void Install(BuildContext context)
    {
        string[] commands = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol"];
        var missing = commands.Where(c => !OnPath(c)).ToList();
        if (missing.Count == 0) return;
        const string install = "apt-get install -y --no-install-recommends slurm-wlm munge";
        var root = context.Capture("id", ["-u"]).Output.Trim() == "0";
        var sudo = !root && context.Capture("sudo", ["-n", "true"]).ExitCode == 0;
        if (!root && !sudo)
            throw new BuildFailedException($"slurm-check: {string.Join(", ", missing)} missing; install them with:  sudo apt-get update && sudo {install}");
        context.Info($"slurm-check: {string.Join(", ", missing)} missing: installing slurm-wlm and munge");
        var prefix = root ? "" : "sudo -n ";
        context.Run("bash", ["-c", $"{prefix}apt-get update -qq && DEBIAN_FRONTEND=noninteractive {prefix}{install}"]);
    }

    /// <summary>Writes the configuration and starts the daemons; returns once the node takes jobs.</summary>
    public static LocalSlurmCluster Start(BuildContext context)
    {
        var dir = Directory.CreateTempSubdirectory("repro-slurm-").FullName;
        var cluster = new LocalSlurmCluster(context, dir);
        try
        {
            cluster.StartDaemons();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void StartDaemons()
    {
        // munged checks that every folder up to its socket is reachable by all and that its key is readable by no
        // one else; the temporary folder itself is private.
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var munge = Path.Combine(dir, "munge");
        Directory.CreateDirectory(munge);
        Directory.CreateDirectory(Path.Combine(dir, "state"));
        Directory.CreateDirectory(Path.Combine(dir, "spool"));
        var key = Path.Combine(munge, "munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var socket = Path.Combine(munge, "munge.socket");
        context.Run("munged", [$"--socket={socket}", $"--key-file={key}", $"--log-file={Path.Combine(munge, "munged.log")}",
            $"--pid-file={Path.Combine(munge, "munged.pid")}", $"--seed-file={Path.Combine(munge, "munged.seed")}"]);

        File.WriteAllText(ConfigPath, Config(socket));
        context.Run("slurmctld", ["-f", ConfigPath], Environment);
        context.Run("slurmd", ["-f", ConfigPath, "-N", "localhost"], Environment);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (code, state) = context.Capture("sinfo", ["--noheader", "--format=%t"], Environment);
            if (code == 0 && state.Trim() == "idle") break;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new BuildFailedException($"slurm-check: the node did not come up within a minute (sinfo: '{state.Trim()}'); see {dir}/slurmctld.log and slurmd.log");
            Thread.Sleep(250);
        }
        context.Info($"slurm-check: cluster up in {clock.Elapsed.TotalSeconds:F1} s ({dir}, {System.Environment.ProcessorCount} CPUs)");
    }

    private string Config(string mungeSocket)
    {
        var (controller, node) = (FreePort(), FreePort());
        // Memory is not a consumable here (CR_CPU), but a job asking for more than the node's RealMemory is refused.
        var memoryMiB = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kib ? long.Parse(kib, CultureInfo.InvariantCulture) / 1024 : 0;
        string[] lines =
        [
            "ClusterName=reprocheck",
            // The controller is this host; clients reach it at the loopback address.
            $"SlurmctldHost={Dns.GetHostName().Split('.')[0]}(127.0.0.1)",
            $"SlurmctldPort={controller}",
            $"SlurmdPort={node}",
            "SlurmUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            $"AuthInfo=socket={mungeSocket}",
            $"StateSaveLocation={Path.Combine(dir, "state")}",
            $"SlurmdSpoolDir={Path.Combine(dir, "spool")}",
            $"SlurmctldPidFile={Path.Combine(dir, "slurmctld.pid")}",
            $"SlurmdPidFile={Path.Combine(dir, "slurmd.pid")}",
            $"SlurmctldLogFile={Path.Combine(dir, "slurmctld.log")}",
            $"SlurmdLogFile={Path.Combine(dir, "slurmd.log")}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "MpiDefault=none",
            "SchedulerType=sched/backfill",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_CPU",
            "ReturnToService=2",
            $"NodeName=localhost NodeAddr=127.0.0.1 CPUs={System.Environment.ProcessorCount} RealMemory={Math.Max(1024, memoryMiB - 512)} State=UNKNOWN",
            $"PartitionName={Partition} Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
        ];
        return string.Join('\n', lines) + "\n";
    }

    public void Dispose()
    {
        if (File.Exists(ConfigPath))
        {
            var (_, queued) = context.Capture("squeue", ["--noheader", "--format=%i"], Environment);
            var ids = queued.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length > 0)
            {
                context.Capture("scancel", ids, Environment);
                // slurmd ends the jobs' processes; give it the time to before it stops.
                var clock = Stopwatch.StartNew();
                while (context.Capture("squeue", ["--noheader", "--format=%i"], Environment).Output.Trim().Length > 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
                    Thread.Sleep(250);
            }
        }
        // The daemons we started, by the pids they wrote: slurmd first (it ends the jobs' processes), munged last.
        foreach (var pidFile in new[] { "slurmd.pid", "slurmctld.pid", Path.Combine("munge", "munged.pid") })
            Stop(Path.Combine(dir, pidFile));
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException e) { context.Info($"slurm-check: could not delete {dir}: {e.Message}"); }
    }

    private void Stop(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            context.Capture("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
            if (!process.WaitForExit(TimeSpan.FromSeconds(15))) process.Kill();
        }
        catch (ArgumentException) { } // already gone
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool OnPath(string command) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
        .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, command)));
}
