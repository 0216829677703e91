using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Notes;

internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> b)
    {
        b.ToTable("Notes");
        b.HasKey(n => n.RecordId);
        b.Property(n => n.RecordId).ValueGeneratedNever();
        b.HasOne(n => n.Record).WithOne().HasForeignKey<Note>(n => n.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => n.Id).IsUnique();
        b.Property(n => n.Title).HasMaxLength(NoteLimits.TitleLength);
        b.Property(n => n.Body).HasMaxLength(NoteLimits.BodyLength);
    }
}

internal sealed class NoteTitleTermConfiguration : IEntityTypeConfiguration<NoteTitleTerm>
{
    public void Configure(EntityTypeBuilder<NoteTitleTerm> b)
    {
        b.ToTable("NoteTitleTerms");
        b.HasKey(t => new { t.Term, t.RecordId });
        b.Property(t => t.Term).HasMaxLength(NoteSearch.MaxPrefix);
        b.HasOne(t => t.Note).WithMany().HasForeignKey(t => t.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.RecordId);
    }
}
