namespace Repro.Data.Generation;

/// <summary>
/// Which dataset a generated set stands in for. The domain fixes the content statistics (classes, sizes, counts,
/// hood) and the file format (BDD100K JSON + JPEG, or VIPER PNG + CSV); the look comes from <see cref="Realism"/>.
/// </summary>
public enum Domain
{
    /// <summary>Stands in for BDD100K: dashcam photographs.</summary>
    Real,
    /// <summary>Stands in for GTAV / VIPER: game renders.</summary>
    Synthetic,
}
