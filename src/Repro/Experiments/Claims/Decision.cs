namespace Repro.Experiments.Claims;

/// <summary>What the measurements say about a claim: it holds, it does not, or its interval straddles the threshold.</summary>
public enum Decision
{
    Holds,
    DoesNotHold,
    Inconclusive,
}

/// <summary>The words of a decision, as the claims CSV and the report write them.</summary>
public static class Decisions
{
    public static string Text(this Decision d) => d switch
    {
        Decision.Holds => "holds",
        Decision.DoesNotHold => "does not hold",
        _ => "inconclusive",
    };

    public static Decision Parse(string text) => text.Trim() switch
    {
        "holds" => Decision.Holds,
        "does not hold" => Decision.DoesNotHold,
        "inconclusive" => Decision.Inconclusive,
        var other => throw new FormatException($"'{other}' is not a verdict (holds, does not hold, inconclusive)"),
    };

    /// <summary>Holds when the whole interval of the margin is above 0, does not hold when it is below, else inconclusive.</summary>
    public static Decision Of(double lower, double upper) =>
        lower > 0 ? Decision.Holds : upper < 0 ? Decision.DoesNotHold : Decision.Inconclusive;
}
