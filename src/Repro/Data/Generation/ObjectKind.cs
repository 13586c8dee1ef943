namespace Repro.Data.Generation;

/// <summary>Everything the generator draws as a separate instance, with how each dataset names it.</summary>
internal enum ObjectKind
{
    Car,
    Van,
    Truck,
    Trailer,
    Bus,
    Person,
    Rider,
    Bicycle,
    Motorcycle,
    TrafficSign,
    Pole,
    Tree,
    Hood,
}

internal static class ObjectKinds
{
    /// <summary>BDD100K category, 2018 or 2020 (det_20) vocabulary; null when BDD100K does not label it.</summary>
    public static string? BddCategory(this ObjectKind kind, BddVocabulary vocabulary) => kind switch
    {
        ObjectKind.Car or ObjectKind.Van => "car",
        ObjectKind.Truck => "truck",
        ObjectKind.Trailer => "trailer",
        ObjectKind.Bus => "bus",
        ObjectKind.Person => vocabulary == BddVocabulary.Bdd2018 ? "person" : "pedestrian",
        ObjectKind.Rider => "rider",
        ObjectKind.Bicycle => vocabulary == BddVocabulary.Bdd2018 ? "bike" : "bicycle",
        ObjectKind.Motorcycle => vocabulary == BddVocabulary.Bdd2018 ? "motor" : "motorcycle",
        ObjectKind.TrafficSign => "traffic sign",
        _ => null,
    };

    /// <summary>VIPER class id; null when the VIPER box files hold no row for it. The ego hood is a car (24).</summary>
    public static int? ViperClassId(this ObjectKind kind) => kind switch
    {
        ObjectKind.Person or ObjectKind.Rider => 20,
        ObjectKind.Bicycle => 22,
        ObjectKind.Motorcycle => 23,
        ObjectKind.Car or ObjectKind.Hood => 24,
        ObjectKind.Van => 25,
        ObjectKind.Bus => 26,
        ObjectKind.Truck => 27,
        ObjectKind.Trailer => 28,
        _ => null,
    };

    /// <summary>The common class the default label map gives this kind (for tests and statistics of what was drawn).</summary>
    public static CommonClass? Common(this ObjectKind kind) => kind switch
    {
        ObjectKind.Car or ObjectKind.Van => CommonClass.Car,
        ObjectKind.Person or ObjectKind.Rider => CommonClass.Person,
        ObjectKind.Bicycle or ObjectKind.Motorcycle => CommonClass.Cycle,
        ObjectKind.Truck or ObjectKind.Trailer => CommonClass.Truck,
        ObjectKind.Bus => CommonClass.Bus,
        _ => null,
    };
}

/// <summary>Which BDD100K vocabulary the real domain writes.</summary>
public enum BddVocabulary
{
    Bdd2018,
    Bdd2020,
}
