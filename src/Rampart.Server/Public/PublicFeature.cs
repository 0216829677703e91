using System.Diagnostics.CodeAnalysis;
using Rampart.Server.Hosting;

// The folder is named for what a reader looks for ("the public pages"); no other .NET language consumes this namespace.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace", Target = "~N:Rampart.Server.Public")]

namespace Rampart.Server.Public;

/// <summary>
/// The pages anyone may open without logging in: records published as TLP:CLEAR, with the node's name and
/// contact. Later advisories and statistics add their pages here.
/// </summary>
public sealed class PublicFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<PublicRecords>();
    }
}
