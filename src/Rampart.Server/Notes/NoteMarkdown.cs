using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Rampart.Server.Notes;

/// <summary>
/// Renders a note body to HTML that cannot run script: raw HTML is shown as text, and links or images
/// whose address is not http, https, mailto or relative (<c>javascript:</c>, <c>data:</c>, <c>vbscript:</c> …)
/// are shown as their text, without the address — not only the CSP stands in the way.
/// </summary>
public static class NoteMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UseAdvancedExtensions().Build();

    public static string ToHtml(string? body)
    {
        var document = Markdown.Parse(body ?? "", Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsSafe(link.Url))
            {
                link.ReplaceBy(new LiteralInline(TextOf(link)));
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!IsSafe(autolink.Url))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            }
        }

        return document.ToHtml(Pipeline);
    }

    /// <summary>http, https, mailto, a fragment or a relative path; anything else with a scheme is dropped.</summary>
    public static bool IsSafe(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }

        // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): judge the address as they read it.
        var squeezed = new string(url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
        var colon = squeezed.IndexOf(':', StringComparison.Ordinal);
        var boundary = squeezed.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (boundary >= 0 && boundary < colon))
        {
            return true;
        }

        var scheme = squeezed[..colon];
        return scheme.Equals("http", StringComparison.OrdinalIgnoreCase)
            || scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
            || scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase);
    }

    private static string TextOf(ContainerInline container) =>
        string.Concat(container.Descendants<LiteralInline>().Select(l => l.Content.ToString())
            .Concat(container.Descendants<CodeInline>().Select(c => c.Content)));
}
