using System.Text.Json;
using System.Text.RegularExpressions;
using Repro.Experiments;
using Repro.Experiments.Slurm;

namespace Repro.Tests.Experiments;

/// <summary>
/// The nightly workflow (.github/workflows/nightly-gpu.yml) against the task graph it runs, so that the two cannot
/// drift: its plan job emits the train stage's matrix of the profile its other jobs run; every matrix field it reads
/// is one the matrix has; each training's artifact, named and placed as the workflow does it, lands in that task's
/// folder; and its jobs are the trainings `study submit --slurm` gives a training's resources. actionlint checks
/// the YAML itself (./build.sh --target Actionlint).
/// </summary>
public class NightlyWorkflowTests
{
    private static readonly string Workflow = File.ReadAllText(RepoPaths.Of(".github", "workflows", "nightly-gpu.yml"));

    private static string One(string pattern, string what)
    {
        var matches = Regex.Matches(Workflow, pattern);
        Assert.That(matches, Is.Not.Empty, $"the workflow has no {what} ({pattern})");
        var values = matches.Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(values, Has.Count.EqualTo(1), $"{what}: {string.Join(", ", values)}");
        return values[0];
    }

    private static string Profile => One(@"--profile (\w+)", "profile");

    [Test]
    public void EveryJobRunsOneProfileAndThePlanEmitsItsTrainStageMatrix()
    {
        Assert.That(Profile, Is.EqualTo("paper"));
        Assert.That(One(@"study tasks --profile \w+ --stage (\w+) --format matrix", "matrix of a stage"), Is.EqualTo("train"));
        Assert.That(Workflow, Does.Contain("matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}"), "the train job's matrix is the plan job's output");
    }

    [Test]
    public void EveryMatrixFieldTheWorkflowReadsIsOneTheMatrixHas()
    {
        var plan = StudyPlanTests.Plan(Repro.Experiments.Profile.Named(RepoPaths.Root, Profile));
        using var json = JsonDocument.Parse(CiMatrix.Json(CiMatrix.For(plan, "train")));
        var fields = json.RootElement.GetProperty("include")[0].EnumerateObject().Select(p => p.Name).ToHashSet();
        var read = Regex.Matches(Workflow, @"matrix\.(\w+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(read, Is.Not.Empty);
        Assert.That(read, Is.SubsetOf(fields), "fields the workflow reads from the matrix");
    }

    [Test]
    public void EachTrainingsArtifactLandsInItsTaskFolder()
    {
        var plan = StudyPlanTests.Plan(Repro.Experiments.Profile.Named(RepoPaths.Root, Profile));
        // As the workflow names, downloads and places them: upload "NAME-RUN" from artifacts/PROFILE/TASK/, download
        // the pattern, strip "-RUN", and move it to artifacts/PROFILE/STAGE/${name#PREFIX}.
        Assert.That(One(@"name: \$\{\{ matrix\.(\w+) \}\}-\$\{\{ github\.run_number \}\}", "artifact name"), Is.EqualTo("name"));
        Assert.That(One(@"path: artifacts/(\w+)/\$\{\{ matrix\.task \}\}/", "uploaded folder"), Is.EqualTo(Profile));
        var pattern = One(@"pattern: (\S+)-\$\{\{ github\.run_number \}\}", "download pattern");
        var placed = Regex.Match(Workflow, @"mv ""\$dir"" ""artifacts/(\w+)/(\w+)/\$\{name#([\w-]+)\}""");
        Assert.That(placed.Success, Is.True, "the finish job moves each download to artifacts/PROFILE/STAGE/${name#PREFIX}");
        Assert.That(placed.Groups[1].Value, Is.EqualTo(Profile));
        var glob = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$");
        const string run = "417";
        foreach (var entry in CiMatrix.For(plan, "train"))
        {
            var artifact = $"{entry.Name}-{run}";
            Assert.That(glob.IsMatch(artifact), Is.True, $"{artifact} is downloaded by the pattern {pattern}");
            var name = artifact[..^(run.Length + 1)];
            Assert.That(name, Does.StartWith(placed.Groups[3].Value));
            var folder = $"{placed.Groups[2].Value}/{name[placed.Groups[3].Value.Length..]}";
            Assert.That(folder, Is.EqualTo(entry.Task), $"{entry.Task}'s artifact is placed in its task folder");
        }
    }

    [Test]
    public void TheMatrixJobsAreTheTrainingsSlurmGivesATrainingsResources()
    {
        var plan = StudyPlanTests.Plan(Repro.Experiments.Profile.Named(RepoPaths.Root, Profile));
        Assert.That(CiMatrix.For(plan, "train").Select(e => e.Task), Is.EqualTo(plan.Tasks.Where(SlurmJobKind.IsTraining).Select(t => t.Id)));
        Assert.That(plan.Tasks.Where(SlurmJobKind.IsTraining).Select(SlurmJobKind.Of), Is.All.EqualTo(SlurmJobKind.Train));
    }
}
