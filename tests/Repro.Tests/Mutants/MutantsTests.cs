using Repro.Experiments;

namespace Repro.Tests.Mutants;

/// <summary>The catalogue of deliberate bugs the Mutants target runs: well-formed, and off unless named.</summary>
public class MutantsTests
{
    [Test]
    public void An_unknown_name_is_an_error_listing_the_mutants() =>
        Assert.That(() => Repro.Mutants.Mutants.Find("nms"), Throws.InvalidOperationException
            .With.Message.Contains("REPRO_MUTANT=nms").And.Message.Contains(Repro.Mutants.Mutants.NmsIou));

    [Test]
    public void Every_mutant_names_a_stage_of_the_study_and_at_least_eight_exist()
    {
        var stages = Repro.Experiments.Study.Stages(RepoPaths.Root).Select(s => s.Name).ToList();
        Assert.That(Repro.Mutants.Mutants.All, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(Repro.Mutants.Mutants.All.Select(m => m.Stage).Distinct(), Is.SubsetOf(stages));
        Assert.That(Repro.Mutants.Mutants.All.Select(m => m.Name), Is.Unique);
    }

    [Test]
    public void No_mutant_is_active_in_the_test_run_and_none_marks_a_code_version()
    {
        Assert.That(Repro.Mutants.Mutants.Active, Is.Null, "the tests must run the code as it is: unset REPRO_MUTANT");
        Assert.That(Repro.Mutants.Mutants.CodeMark("train"), Is.Empty);
    }
}
