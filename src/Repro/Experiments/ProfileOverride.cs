using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Repro.Experiments;

/// <summary>
/// One setting of a profile replaced for a single run, written <c>SETTING=VALUE</c> with the setting as its JSON path
/// (<c>training.lr=1e-5</c>, <c>seeds=[0]</c>, <c>data.real.count=24</c>). It is applied to the profile's JSON before
/// the profile is read, so the run sees an ordinary profile: every stage that reads the setting gets a new
/// fingerprint (and reruns), and the report shows the value. Errors name the setting: an unknown one (a typo must
/// not silently leave the profile as it was), one that is a group of settings, and a value of the wrong type.
/// </summary>
public sealed record ProfileOverride(string Setting, string Value)
{
    /// <summary>The separator of several overrides in one string (the REPRO_PROFILE_SET environment variable).</summary>
    public const char ListSeparator = ';';

    /// <summary>The environment variable through which a build passes overrides to the study tests.</summary>
    public const string EnvironmentVariable = "REPRO_PROFILE_SET";

    public override string ToString() => $"{Setting}={Value}";

    /// <summary>Reads <c>SETTING=VALUE</c> (split at the first '=').</summary>
    public static ProfileOverride Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"profile override '{text}': expected SETTING=VALUE, such as training.lr=1e-5");
        return new ProfileOverride(text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    /// <summary>Overrides separated by ';' (empty parts ignored), as REPRO_PROFILE_SET holds them.</summary>
    public static IReadOnlyList<ProfileOverride> ParseList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(ListSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();

    /// <summary>The overrides in REPRO_PROFILE_SET (none when it is unset).</summary>
    public static IReadOnlyList<ProfileOverride> FromEnvironment() => ParseList(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>Sets the value in the profile's JSON, after checking the setting exists and the value has its type.</summary>
    internal void ApplyTo(JsonObject profile)
    {
        var path = Setting.Split('.');
        if (path.Any(p => p.Length == 0)) throw new ArgumentException($"profile override '{this}': '{Setting}' is not a setting path such as training.lr");
        if (path is ["name"])
            throw new ArgumentException($"profile override '{this}': the name cannot be overridden (it names the artifacts and the verified snapshots a run is judged against)");

        var type = typeof(Profile);
        var node = profile;
        for (var i = 0; i < path.Length; i++)
        {
            var property = JsonProperties(type).FirstOrDefault(p => p.Name == path[i]);
            var where = string.Join('.', path[..i]);
            if (property.Info is null)
                throw new ArgumentException($"profile override '{this}': unknown setting '{Setting}' ({(where.Length == 0 ? "a profile" : where)} has: {string.Join(", ", JsonProperties(type).Select(p => p.Name))})");
            var propertyType = Nullable.GetUnderlyingType(property.Info.PropertyType) ?? property.Info.PropertyType;
            if (i == path.Length - 1)
            {
                if (!IsValue(propertyType))
                    throw new ArgumentException($"profile override '{this}': '{Setting}' is a group of settings; set one of them ({string.Join(", ", JsonProperties(propertyType).Select(p => $"{Setting}.{p.Name}"))})");
                node[path[i]] = Convert(propertyType);
                return;
            }
            if (IsValue(propertyType))
                throw new ArgumentException($"profile override '{this}': unknown setting '{Setting}' ('{string.Join('.', path[..(i + 1)])}' is a value, not a group of settings)");
            if (node[path[i]] is not JsonObject child) node[path[i]] = child = new JsonObject();
            node = child;
            type = propertyType;
        }
    }

    private static IEnumerable<(string Name, PropertyInfo Info)> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, p));

    private static bool IsValue(Type type) => type.IsPrimitive || type == typeof(string) || type.IsArray;

    private JsonNode? Convert(Type type)
    {
        string Mismatch(string what) => $"profile override '{this}': '{Value}' is not {what}, which '{Setting}' needs";
        if (type == typeof(string)) return JsonValue.Create(Value);
        if (type == typeof(bool))
            return bool.TryParse(Value, out var b) ? JsonValue.Create(b) : throw new ArgumentException(Mismatch("true or false"));
        if (type == typeof(int))
            return int.TryParse(Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : throw new ArgumentException(Mismatch("an integer"));
        if (type == typeof(double))
            return double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? JsonValue.Create(d)
                : throw new ArgumentException(Mismatch("a finite number"));
        if (type.IsArray)
        {
            try
            {
                var node = JsonNode.Parse(Value);
                JsonSerializer.Deserialize(node, type); // only to check the element type
                return node;
            }
            catch (JsonException)
            {
                throw new ArgumentException(Mismatch($"a JSON array of {type.GetElementType()!.Name} (such as [0,1])"));
            }
        }
        throw new ArgumentException($"profile override '{this}': settings of type {type.Name} cannot be overridden");
    }
}
