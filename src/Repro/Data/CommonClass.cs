namespace Repro.Data;

/// <summary>
/// The label space shared by both datasets (the paper's five classes), in this order everywhere: class index i
/// of a detector is <c>(CommonClass)i</c>.
/// </summary>
public enum CommonClass
{
    Car = 0,
    Person = 1,
    Cycle = 2,
    Truck = 3,
    Bus = 4,
}

public static class CommonClasses
{
    public const int Count = 5;

    public static IReadOnlyList<CommonClass> All { get; } = Enum.GetValues<CommonClass>();

    /// <summary>Lower-case name as written in label-map files and tables: car, person, cycle, truck, bus.</summary>
    public static string Name(this CommonClass c) => c.ToString().ToLowerInvariant();
}
