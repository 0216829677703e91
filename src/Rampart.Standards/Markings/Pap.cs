namespace Rampart.Standards.Markings;

/// <summary>Permissible Actions Protocol: what a recipient may do with the information (least to most restrictive).</summary>
public enum Pap
{
    Clear = 0,
    Green = 1,
    Amber = 2,
    Red = 3,
}

public static class PapMarking
{
    /// <summary>Reads <c>PAP:AMBER</c>, <c>pap:amber</c>, <c>amber</c>, and the older <c>PAP:WHITE</c> (read as CLEAR).</summary>
    public static bool TryParse(string? text, out Pap pap)
    {
        pap = Pap.Clear;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        if (value.StartsWith("pap:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[4..];
        }

        switch (value.Trim().ToUpperInvariant())
        {
            case "CLEAR" or "WHITE":
                pap = Pap.Clear;
                return true;
            case "GREEN":
                pap = Pap.Green;
                return true;
            case "AMBER":
                pap = Pap.Amber;
                return true;
            case "RED":
                pap = Pap.Red;
                return true;
            default:
                return false;
        }
    }

    public static string Label(this Pap pap) => "PAP:" + pap.ToString().ToUpperInvariant();

    /// <summary>Of several markings, the most restrictive wins.</summary>
    public static Pap MostRestrictive(IEnumerable<Pap> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return levels.DefaultIfEmpty(Pap.Clear).Max();
    }
}
