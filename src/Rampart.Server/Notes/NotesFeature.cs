using Rampart.Server.Hosting;

namespace Rampart.Server.Notes;

/// <summary>Shared notes: the first shareable record type.</summary>
public sealed class NotesFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<NoteEditing>();
        builder.Services.AddScoped<NoteQueries>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapNotesApi();
    }
}
