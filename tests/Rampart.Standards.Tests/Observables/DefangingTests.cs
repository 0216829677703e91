using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Observables;

/// <summary>The one refang rule the free-text extractor and the CSV import share.</summary>
public sealed class DefangingTests
{
    [Theory]
    [InlineData("hxxps://evil[.]example/x", "https://evil.example/x")]
    [InlineData("hxxps[:]//evil[.]example", "https://evil.example")]
    [InlineData("HXXP[://]evil(.)example", "http://evil.example")]
    [InlineData("fxp://files[dot]example", "ftp://files.example")]
    [InlineData("user[at]mail{.}example", "user@mail.example")]
    [InlineData("198[.]51[.]100[.]7", "198.51.100.7")]
    [InlineData("myhxxp://x.example", "myhxxp://x.example")]
    [InlineData("hxxpd.example", "hxxpd.example")]
    [InlineData("fxp.example.org", "fxp.example.org")]
    [InlineData("plain.example", "plain.example")]
    public void Refang_DefangedForms_RestoredOnlyWhereTheyAreSeparatorsOrSchemes(string text, string expected) =>
        Assert.Equal(expected, Defanging.Refang(text));
}
