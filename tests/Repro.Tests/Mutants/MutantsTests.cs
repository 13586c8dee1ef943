using Repro.Experiments;
using Repro.Experiments.Claims;
using Repro.Experiments.Stages;

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
        Assert.That(Repro.Mutants.Mutants.CodeMark("train", "train/U-Real-seed0"), Is.Empty);
    }

    [Test]
    public void A_mutant_of_one_model_changes_that_models_tasks_of_its_stage_and_no_others()
    {
        var wrongDomain = Repro.Mutants.Mutants.Find(Repro.Mutants.Mutants.WrongDomain);
        Assert.That(wrongDomain.Changes("train", "train/U-Synthetic-seed2"), Is.True);
        Assert.That(wrongDomain.Changes("train", "train/U-Real-seed0"), Is.False);
        Assert.That(wrongDomain.Changes("train", "train/anchors"), Is.False);
        Assert.That(wrongDomain.Changes("evaluate", "evaluate/U-Synthetic-seed0"), Is.False, "what reads a mutated task reruns through its outputs' hash, not its mark");
        var lowLearningRate = Repro.Mutants.Mutants.Find(Repro.Mutants.Mutants.LowLearningRate);
        Assert.That(lowLearningRate.Changes("train", "train/U-Real-seed0") && lowLearningRate.Changes("train", "train/F-Synthetic-seed1"), Is.True);
    }

    [Test]
    public void A_mutants_model_is_a_model_of_the_study_and_its_tasks_are_named_as_the_mark_expects()
    {
        Assert.That(Repro.Mutants.Mutants.All.Where(m => m.Model is not null).Select(m => m.Model).Distinct(), Is.SubsetOf(StudyModels.All));
        var run = new ModelRun(StudyModels.FSynthetic, 1);
        Assert.That(Repro.Mutants.Mutants.Find(Repro.Mutants.Mutants.BackboneTrainable).Changes("train", TrainStage.TaskId(run)), Is.True);
    }
}
