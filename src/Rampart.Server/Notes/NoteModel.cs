using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Notes;

internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> b)
    {
        b.ToTable("Notes");
        b.Property(n => n.Title).HasMaxLength(NoteLimits.TitleLength);
        b.Property(n => n.Body).HasMaxLength(NoteLimits.BodyLength);
        b.OwnsOne(n => n.Sharing, SharingConfiguration.Configure);
        b.HasIndex(n => n.CreatedAt);
    }
}
