using System.Globalization;
using System.Reflection;

namespace Rampart.Standards.Observables;

/// <summary>
/// The Mozilla Public Suffix List, embedded: tells whether a name ends in a real public suffix
/// (ICANN or private section, with wildcard and exception rules) and what its registrable domain is.
/// </summary>
public sealed class PublicSuffixList
{
    private readonly HashSet<string> rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> exceptions = new(StringComparer.Ordinal);

    private static readonly Lazy<PublicSuffixList> Embedded = new(() =>
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream("public_suffix_list.dat")
            ?? throw new InvalidOperationException("The embedded public suffix list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    });

    public static PublicSuffixList Default => Embedded.Value;

    public static PublicSuffixList Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var list = new PublicSuffixList();
        var idn = new IdnMapping();
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            rule = rule.Split(' ', '\t')[0];
            var target = list.rules;
            if (rule.StartsWith('!'))
            {
                target = list.exceptions;
                rule = rule[1..];
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                target = list.wildcards;
                rule = rule[2..];
            }

            try
            {
                target.Add(idn.GetAscii(rule).ToLowerInvariant());
            }
            catch (ArgumentException)
            {
                // A rule .NET's IDNA cannot encode cannot match any name it can encode either.
            }
        }

        return list;
    }

    /// <summary>The public suffix of a lower-case ASCII domain, or null when none of the list's rules applies.</summary>
    public string? SuffixOf(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        // Walk from the longest candidate to the shortest; the first rule that applies is the longest match.
        var start = 0;
        while (true)
        {
            var candidate = domain[start..];
            if (exceptions.Contains(candidate))
            {
                var dot = candidate.IndexOf('.', StringComparison.Ordinal);
                return dot < 0 ? null : candidate[(dot + 1)..];
            }

            if (rules.Contains(candidate))
            {
                return candidate;
            }

            var next = candidate.IndexOf('.', StringComparison.Ordinal);
            if (next >= 0 && wildcards.Contains(candidate[(next + 1)..]))
            {
                return candidate;
            }

            if (next < 0)
            {
                return null;
            }

            start += next + 1;
        }
    }

    /// <summary>True when the name ends in a listed suffix and has at least one label in front of it.</summary>
    public bool HasRegistrableDomain(string domain)
    {
        var suffix = SuffixOf(domain);
        return suffix is not null && domain.Length > suffix.Length;
    }

    /// <summary>The suffix plus one label (e.g. <c>example.co.uk</c>), or null.</summary>
    public string? RegistrableDomain(string domain)
    {
        var suffix = SuffixOf(domain);
        if (suffix is null || domain.Length <= suffix.Length)
        {
            return null;
        }

        var head = domain[..(domain.Length - suffix.Length - 1)];
        var dot = head.LastIndexOf('.');
        return (dot < 0 ? head : head[(dot + 1)..]) + "." + suffix;
    }
}
