using Repro.Statistics;

namespace Repro.Experiments.Claims;

/// <summary>How the claim fared on the control (the untrained network in place of a trained one).</summary>
public enum ControlOutcome
{
    /// <summary>The claim has no sensible control (an ordering of trained models' mAP, activation statistics).</summary>
    NotApplicable,
    /// <summary>The compared layers are identical by construction (a yolo layer returns its input).</summary>
    ByConstruction,
    Holds,
    DoesNotHold,
    Inconclusive,
}

/// <summary>
/// The judgement of one claim on one run. <see cref="Margin"/> is the claim's signed statistic (positive: the claim
/// holds) with its 95 % interval over analysis images (or test images) and seeds; <see cref="Decision"/> follows from
/// the interval alone. <see cref="Measured"/> says in the claim's own units what was measured, <see cref="Expected"/>
/// the threshold, <see cref="Uncertainty"/> what the interval is over.
/// </summary>
public sealed record Verdict(string Id, Decision Decision, Estimate Margin, ControlOutcome Control, string Measured, string Expected, string Uncertainty)
{
    public bool Holds => Decision == Decision.Holds;

    /// <summary>The verdict as evidence: a claim that also holds for the control, or by construction, is labelled so.</summary>
    public string Status => (Decision, Control) switch
    {
        (Decision.Holds, ControlOutcome.ByConstruction) => "holds by construction",
        (Decision.Holds, ControlOutcome.Holds) => "holds (uninformative: also holds untrained)",
        _ => Decision.Text(),
    };

    /// <summary>Holds, and not because of the architecture: the control fails or is inconclusive, or has no control.</summary>
    public bool IsEvidence => Holds && Control is not (ControlOutcome.ByConstruction or ControlOutcome.Holds);

    public static string ControlText(ControlOutcome c) => c switch
    {
        ControlOutcome.NotApplicable => "n/a",
        ControlOutcome.ByConstruction => "by construction",
        ControlOutcome.Holds => "holds",
        ControlOutcome.DoesNotHold => "does not hold",
        _ => "inconclusive",
    };

    public static ControlOutcome ParseControl(string text) => text.Trim() switch
    {
        "n/a" or "" => ControlOutcome.NotApplicable,
        "by construction" => ControlOutcome.ByConstruction,
        var d => Decisions.Parse(d) switch
        {
            Decision.Holds => ControlOutcome.Holds,
            Decision.DoesNotHold => ControlOutcome.DoesNotHold,
            _ => ControlOutcome.Inconclusive,
        },
    };
}
