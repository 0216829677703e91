using Rampart.Server.Access;

namespace Rampart.Server.Notes;

/// <summary>A short Markdown note shared under TLP and an audience: the smallest shareable record.</summary>
public sealed class Note : IShareable
{
    public Guid Id { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }

    public Sharing Sharing { get; set; } = new();

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}
