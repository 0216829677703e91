using System.Text.RegularExpressions;

namespace Rampart.Standards.Patterns;

/// <summary>
/// MATCHES uses PCRE syntax; .NET's engine accepts the common subset. Untrusted patterns run with a
/// timeout and the non-backtracking engine where the expression allows it, so a hostile pattern cannot
/// stall matching.
/// </summary>
internal static class Regexes
{
    // The non-backtracking engine is linear in the input; its first matches also build its automaton lazily, which on
    // a loaded machine took over 200 ms and made a true MATCHES report false. It gets a generous bound; the
    // backtracking engine (needed for backreferences and lookarounds) keeps the tight one.
    private static readonly TimeSpan LinearTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static void Validate(string pattern, int position)
    {
        try
        {
            _ = Get(pattern);
        }
        catch (ArgumentException e)
        {
            throw new StandardsException($"MATCHES needs a valid regular expression: {e.Message}", position);
        }
    }

    public static Regex Get(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }

        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, LinearTimeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences and lookarounds need the backtracking engine; the timeout still bounds it.
            regex = new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }

        if (Cache.Count < 10_000)
        {
            Cache[pattern] = regex;
        }

        return regex;
    }

    /// <summary>True when <paramref name="value"/> contains a match; false (not a hang) when the regex times out.</summary>
    public static bool IsMatch(string pattern, string value)
    {
        try
        {
            return Get(pattern).IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
