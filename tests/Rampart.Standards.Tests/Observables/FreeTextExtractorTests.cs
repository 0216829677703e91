using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Observables;

public sealed class FreeTextExtractorTests
{
    private static List<(IndicatorKind Kind, string Value)> Extract(string text) =>
        FreeTextExtractor.Default.Extract(text).Select(i => (i.Kind, i.Value)).ToList();

    [Theory]
    [InlineData("C2 at 198.51.100.7 seen", IndicatorKind.Ipv4, "198.51.100.7")]
    [InlineData("beacon to 198.51.100.7:8443.", IndicatorKind.Ipv4, "198.51.100.7")]
    [InlineData("from 2001:db8::dead:beef today", IndicatorKind.Ipv6, "2001:db8::dead:beef")]
    [InlineData("[2001:db8::1]:443", IndicatorKind.Ipv6, "2001:db8::1")]
    [InlineData("block 203.0.113.0/24 now", IndicatorKind.Cidr, "203.0.113.0/24")]
    [InlineData("and 2001:db8::/32", IndicatorKind.Cidr, "2001:db8::/32")]
    [InlineData("phish on login-secure.example.com!", IndicatorKind.Domain, "login-secure.example.com")]
    [InlineData("ministry lookalike mup.gov.rs", IndicatorKind.Domain, "mup.gov.rs")]
    [InlineData("IDN bücher.de", IndicatorKind.Domain, "xn--bcher-kva.de")]
    [InlineData("see https://evil.example.com/a/b?c=1#x", IndicatorKind.Url, "https://evil.example.com/a/b?c=1")]
    [InlineData("mail from Ops@Evil.Example.COM.", IndicatorKind.Email, "Ops@evil.example.com")]
    [InlineData("md5 d41d8cd98f00b204e9800998ecf8427e", IndicatorKind.Md5, "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha1: DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", IndicatorKind.Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", IndicatorKind.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", IndicatorKind.Sha512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [InlineData("exploits cve-2024-3400 in the wild", IndicatorKind.Cve, "CVE-2024-3400")]
    [InlineData("hosted in AS64496,", IndicatorKind.AutonomousSystem, "AS64496")]
    [InlineData("sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", IndicatorKind.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void Finds(string text, IndicatorKind kind, string value) =>
        Assert.Contains((kind, value), Extract(text));

    [Theory]
    [InlineData("hxxp://evil[.]example[.]com/x", IndicatorKind.Url, "http://evil.example.com/x")]
    [InlineData("hxxps://evil(.)example(.)com", IndicatorKind.Url, "https://evil.example.com/")]
    [InlineData("HXXPS[:]//evil[.]example[.]com/p", IndicatorKind.Url, "https://evil.example.com/p")]
    [InlineData("evil[dot]example[dot]com", IndicatorKind.Domain, "evil.example.com")]
    [InlineData("198[.]51[.]100[.]7", IndicatorKind.Ipv4, "198.51.100.7")]
    [InlineData("198(.)51(.)100(.)7", IndicatorKind.Ipv4, "198.51.100.7")]
    [InlineData("ops[at]evil[.]example[.]com", IndicatorKind.Email, "ops@evil.example.com")]
    [InlineData("ops[@]evil[.]example[.]com", IndicatorKind.Email, "ops@evil.example.com")]
    [InlineData("payload at readme[.]md", IndicatorKind.Domain, "readme.md")]
    public void Finds_DefangedForms(string text, IndicatorKind kind, string value) =>
        Assert.Contains((kind, value), Extract(text));

    [Theory]
    [InlineData("upgrade to version 1.2.3 or 10.4.12.1a")]
    [InlineData("open invoice.exe and report.pdf")]
    [InlineData("see README.md and main.rs and build.mk")]
    [InlineData("attachment photos.zip")]
    [InlineData("the file config.json was changed")]
    [InlineData("host localhost and intranet.local")]
    [InlineData("e.g. i.e. etc.")]
    [InlineData("AS is an abbreviation; ASX too")]
    [InlineData("999.1.1.1 and 1.2.3 and 01.02.03.04")]
    [InlineData("CVE-24-1 and CVE-2024-12")]
    [InlineData("deadbeef is not a hash")]
    public void Ignores_FalseFriends(string text) => Assert.Empty(Extract(text));

    [Fact]
    public void Positions_PointIntoTheOriginalText()
    {
        const string text = "x hxxp://evil[.]example[.]com/a y 198.51.100.7:80 z";
        var found = FreeTextExtractor.Default.Extract(text);
        var url = found.Single(f => f.Kind == IndicatorKind.Url);
        Assert.Equal("hxxp://evil[.]example[.]com/a", text.Substring(url.Start, url.Length));
        var ip = found.Single(f => f.Kind == IndicatorKind.Ipv4);
        Assert.Equal("198.51.100.7:80", text.Substring(ip.Start, ip.Length));
        Assert.Equal(80, ip.Port);
    }

    [Fact]
    public void ThreeLabelNamesWithFileLikeSuffixes_AreDomains() =>
        Assert.Contains((IndicatorKind.Domain, "cdn.files.zip"), Extract("download from cdn.files.zip"));

    [Fact]
    public void PublicSuffixList_KnowsWildcardsAndExceptions()
    {
        var list = PublicSuffixList.Default;
        Assert.Equal("co.uk", list.SuffixOf("www.example.co.uk"));
        Assert.Equal("example.co.uk", list.RegistrableDomain("www.example.co.uk"));
        Assert.Equal("gov.rs", list.SuffixOf("mup.gov.rs"));
        Assert.Null(list.SuffixOf("invoice.exe"));
        Assert.False(list.HasRegistrableDomain("co.uk"));
    }

    [Fact]
    public void RandomText_NeverThrows()
    {
        var random = new Random(7);
        const string alphabet = "abcxyz0189.:/@[]()-_ hxXpsAS%?=&#\n\t";
        for (var n = 0; n < 2000; n++)
        {
            var text = new string(Enumerable.Range(0, random.Next(200)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            _ = FreeTextExtractor.Default.Extract(text);
        }
    }
}
