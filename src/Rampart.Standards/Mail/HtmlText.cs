using System.Text;
using MimeKit.Text;

namespace Rampart.Standards.Mail;

/// <summary>HTML to plain text for reading only: tags dropped, script/style/head contents dropped, entities decoded, block elements become line breaks.</summary>
public static class HtmlText
{
    /// <summary>The readable text of <paramref name="html"/>. Never returns markup that would render: the result is text for a text field.</summary>
    public static string ToText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = new StringBuilder(html.Length / 2);
        var tokenizer = new HtmlTokenizer(new StringReader(html)) { DecodeCharacterReferences = true };
        var skipDepth = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag:
                    if (tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Title || tag.Name.Equals("template", StringComparison.OrdinalIgnoreCase))
                    {
                        if (!tag.IsEmptyElement)
                        {
                            skipDepth = Math.Max(0, skipDepth + (tag.IsEndTag ? -1 : 1));
                        }
                    }
                    else if (skipDepth == 0 && !tag.IsEndTag && IsBlock(tag.Id))
                    {
                        NewLine(text, tag.Id is HtmlTagId.P or HtmlTagId.Table or HtmlTagId.BlockQuote);
                        if (tag.Id == HtmlTagId.LI)
                        {
                            text.Append("- ");
                        }
                    }
                    else if (skipDepth == 0 && tag.IsEndTag && EndsBlock(tag.Id))
                    {
                        NewLine(text, false);
                    }

                    break;
                case HtmlDataToken data when skipDepth == 0 && token is not HtmlScriptDataToken:
                    AppendCollapsed(text, data.Data);
                    break;
            }
        }

        return Tidy(text.ToString());
    }

    private static bool IsBlock(HtmlTagId id) => id is HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR or HtmlTagId.Table
        or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6 or HtmlTagId.BlockQuote or HtmlTagId.Pre
        or HtmlTagId.HR or HtmlTagId.UL or HtmlTagId.OL or HtmlTagId.DL or HtmlTagId.DT or HtmlTagId.DD;

    private static bool EndsBlock(HtmlTagId id) => id is HtmlTagId.P or HtmlTagId.Div or HtmlTagId.Table or HtmlTagId.TR or HtmlTagId.UL or HtmlTagId.OL or HtmlTagId.DL
        or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6 or HtmlTagId.BlockQuote or HtmlTagId.Pre;

    private static void NewLine(StringBuilder text, bool paragraph)
    {
        text.Append('\n');
        if (paragraph)
        {
            text.Append('\n');
        }
    }

    private static void AppendCollapsed(StringBuilder text, string data)
    {
        var lastWasSpace = text.Length == 0 || char.IsWhiteSpace(text[^1]);
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    text.Append(' ');
                    lastWasSpace = true;
                }
            }
            else if (!char.IsControl(c))
            {
                text.Append(c);
                lastWasSpace = false;
            }
        }
    }

    private static string Tidy(string text)
    {
        // Trim each line and keep at most one empty line in a row.
        var lines = text.Split('\n').Select(l => l.Trim());
        var result = new StringBuilder(text.Length);
        var empty = 0;
        foreach (var line in lines)
        {
            empty = line.Length == 0 ? empty + 1 : 0;
            if (empty <= 1)
            {
                result.Append(line).Append('\n');
            }
        }

        return result.ToString().Trim('\n');
    }
}
