using Rampart.Server.Notes;

namespace Rampart.Server.Tests;

public sealed class NoteMarkdownTests
{
    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JavaScript:alert(1))")]
    [InlineData("[click](java\tscript:alert(1))")]
    [InlineData("[click]( javascript:alert(1) )")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("![img](data:image/svg+xml,<svg onload=alert(1)>)")]
    [InlineData("[click][ref]\n\n[ref]: javascript:alert(1)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[click](vbscript:msgbox(1))")]
    [InlineData("[click](&#106;avascript:alert(1))")]
    public void ToHtml_ScriptOrDataLink_IsShownAsTextWithoutTheAddress(string markdown)
    {
        var html = NoteMarkdown.ToHtml(markdown);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"data:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("[CERT](https://cert.example/advisory)", "https://cert.example/advisory")]
    [InlineData("[plain](http://cert.example/)", "http://cert.example/")]
    [InlineData("[mail](mailto:soc@cert.example)", "mailto:soc@cert.example")]
    [InlineData("[rel](/notes/123)", "/notes/123")]
    [InlineData("<https://cert.example/x>", "https://cert.example/x")]
    public void ToHtml_WebAndMailLinks_StayLinks(string markdown, string href)
    {
        Assert.Contains($"href=\"{href}\"", NoteMarkdown.ToHtml(markdown), StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_RawHtml_IsShownAsText()
    {
        var html = NoteMarkdown.ToHtml("<script>alert(1)</script> and <img src=x onerror=alert(1)>");
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }
}
