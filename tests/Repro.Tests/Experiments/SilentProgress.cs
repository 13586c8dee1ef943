using Repro.Experiments;

namespace Repro.Tests.Experiments;

/// <summary>Progress nobody watches: for stages run by tests.</summary>
internal sealed class SilentProgress : IStudyProgress
{
    public void Report(string task, long done, long total, string detail = "") { }

    public void Log(string message) { }
}
