using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Notes;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The notes tables as properties of <see cref="RampartDb"/>. Read them only in <see cref="NoteQueries"/> and
/// <see cref="NoteEditing"/>, through <see cref="AccessPolicy"/> (ArchitectureTests fails anywhere else).
/// </summary>
public static class NoteData
{
    extension(RampartDb db)
    {
        public DbSet<Note> Notes => db.Set<Note>();

        public DbSet<NoteTitleTerm> NoteTitleTerms => db.Set<NoteTitleTerm>();
    }
}
